"""Plain records passed between the reader, the generator and the graph loader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orgraph.core.keys import take_key
from orgraph.core.vocabulary import ENTITIES, RELATIONS

Triplet = tuple[str, str, str]
"""(subject, relation, object), canonical names."""


@dataclass(frozen=True)
class TakeInfo:
    """One take: where it lives and what it holds."""

    surgery_type: str
    procedure_id: int
    take_id: int
    frames: int
    sources: tuple[str, ...]
    """Canonical source names in the order of axis 1 of frames/rgb."""
    split: str | None
    file: Path
    group: str
    """HDF5 path of the take group, e.g. /data/MISS/1/take/2."""

    @property
    def key(self) -> str:
        """Stable identifier used across the graph: SURGERY/PROCEDURE/TAKE."""
        return take_key(self.surgery_type, self.procedure_id, self.take_id)


@dataclass
class TakeAnnotations:
    """All annotations of one take, columnar: one row per triplet.

    Entity and relation columns are indices into core.vocabulary.ENTITIES and
    RELATIONS. Rows are sorted by frame, in file order within a frame.
    """

    take: TakeInfo
    annotated: np.ndarray
    """Sorted int32 frame indices that have an annotation group (may be empty)."""
    frame: np.ndarray
    subject: np.ndarray
    relation: np.ndarray
    object: np.ndarray
    skipped: int = 0
    """Triplets dropped in lenient mode because of an unknown raw name."""
    unknown: dict[str, int] = field(default_factory=dict)
    """Lenient mode: unknown raw name -> how many triplets it made us skip."""

    @property
    def triplet_count(self) -> int:
        """Number of triplet rows kept."""
        return int(self.frame.shape[0])

    def triplets(self) -> Iterator[tuple[int, Triplet]]:
        """(frame, canonical triplet) for every row."""
        for f, s, r, o in zip(self.frame, self.subject, self.relation, self.object, strict=True):
            yield int(f), (ENTITIES[s], RELATIONS[r], ENTITIES[o])

    def by_frame(self) -> dict[int, list[Triplet]]:
        """Annotated frame -> its canonical triplets (empty list for an empty annotation)."""
        out: dict[int, list[Triplet]] = {int(f): [] for f in self.annotated}
        for f, t in self.triplets():
            out[f].append(t)
        return out
