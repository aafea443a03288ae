"""A training subset: the frames of a moment set (`orgraph export --moments FILE`).

Only annotated frames inside a moment's [start_frame, end_frame] are exported; every
frame keeps the split of its take. The subset's fingerprint joins the export's, so a
subset and a full export never share chunks or processed files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orgraph.core.errors import DataFormatError
from orgraph.queries import moments as moment_files


@dataclass(frozen=True)
class Subset:
    """Frame ranges per take, and where they came from."""

    file: str
    pattern: str
    ranges: dict[str, list[tuple[int, int]]]
    moments: int
    filters: dict
    gap_tolerance: int

    def take_fingerprint(self, take: str) -> str:
        """Fingerprint of this take's ranges ("" for a take outside the subset)."""
        spans = self.ranges.get(take)
        return hashlib.sha1(json.dumps(spans).encode()).hexdigest()[:16] if spans else ""

    @property
    def fingerprint(self) -> str:
        """Fingerprint of every take's ranges."""
        return hashlib.sha1(json.dumps(sorted(self.ranges.items())).encode()).hexdigest()[:16]

    def keep(self, take: str, frames: pd.DataFrame) -> pd.DataFrame:
        """The rows of `frames` (column idx) that fall inside the take's ranges."""
        idx = frames["idx"].to_numpy()
        mask = np.zeros(len(idx), dtype=bool)
        for a, b in self.ranges.get(take, []):
            mask |= (idx >= a) & (idx <= b)
        return frames[mask]

    def manifest(self) -> dict:
        """What the export manifest records about the subset."""
        return {
            "file": self.file,
            "pattern": self.pattern,
            "moments": self.moments,
            "filters": self.filters,
            "gap_tolerance": self.gap_tolerance,
            "fingerprint": self.fingerprint,
            "frame_ranges": {t: [list(r) for r in spans] for t, spans in self.ranges.items()},
        }


def load_subset(path: Path, known_takes: set[str]) -> Subset:
    """The subset of a moment-set file; every take it names must be in the graph."""
    moment_set = moment_files.load(path)
    ranges = moment_set.ranges()
    unknown = sorted(set(ranges) - known_takes)
    if unknown:
        raise DataFormatError(
            f"{path}: the moment set names takes the graph store does not hold: "
            f"{', '.join(unknown[:5])} (was it made on another graph?)"
        )
    return Subset(
        file=str(Path(path).resolve()),
        pattern=moment_set.pattern,
        ranges=ranges,
        moments=len(moment_set.moments),
        filters=moment_set.filters,
        gap_tolerance=moment_set.gap_tolerance,
    )
