"""Temporal consistency: how much the scene graph changes from one annotated frame to the next.

As LABRAD-OR reports it: the Jaccard similarity of the triplet sets (subject, predicate,
object) of consecutive annotated frames, averaged per take. Two empty frames count as 1.0
(nothing changed). A frame is read as the protocol reads it: the first triplet of each
ordered pair. A flickering model scores far below the truth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orgraph.gnn.evaluation.frames import FrameKey, TakeKey, Triplet, first_per_pair, take_name


@dataclass(frozen=True)
class Change:
    """One pair of consecutive annotated frames of a take: its Jaccard and what changed."""

    take: str
    frame: int
    next_frame: int
    jaccard: float
    appeared: tuple[Triplet, ...]
    disappeared: tuple[Triplet, ...]


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b|, 1.0 when both are empty."""
    union = a | b
    return 1.0 if not union else len(a & b) / len(union)


def _as_set(triplets: Iterable[Sequence[str]] | None) -> frozenset[tuple[str, ...]]:
    return frozenset(first_per_pair([(s, r, o) for s, r, o in triplets or ()]))


def frame_changes(
    frames: Iterable[FrameKey], graphs: Mapping[FrameKey, Sequence[Sequence[str]]]
) -> list[Change]:
    """Every pair of consecutive frames, take by take in frame order: the consistency's data.

    `frames` fixes which frames follow each other (the truth's annotated frames); a frame
    missing from `graphs` counts as an empty scene graph.
    """
    by_take: dict[TakeKey, list[int]] = defaultdict(list)
    for key in frames:
        by_take[key[:3]].append(key[3])
    out: list[Change] = []
    for take in sorted(by_take):
        idx = sorted(by_take[take])
        sets = [_as_set(graphs.get((*take, f))) for f in idx]
        for i in range(len(idx) - 1):
            a, b = sets[i], sets[i + 1]
            out.append(
                Change(
                    take_name(take),
                    idx[i],
                    idx[i + 1],
                    jaccard(a, b),
                    tuple(sorted(b - a)),
                    tuple(sorted(a - b)),
                )
            )
    return out


def consistency_per_take(
    frames: Iterable[FrameKey], graphs: Mapping[FrameKey, Sequence[Sequence[str]]]
) -> dict[str, tuple[float, int]]:
    """Take name -> (mean Jaccard of consecutive frames, frame pairs), over the given frames.

    The mean of `frame_changes` per take; takes with one frame are left out.
    """
    scores: dict[str, list[float]] = defaultdict(list)
    for change in frame_changes(frames, graphs):
        scores[change.take].append(change.jaccard)
    return {take: (sum(v) / len(v), len(v)) for take, v in scores.items()}


def summarise(per_take: Mapping[str, tuple[float, int]]) -> dict[str, float | None | dict]:
    """{"per_take": {take: mean}, "overall": mean over all frame pairs} for reports."""
    pairs = sum(n for _, n in per_take.values())
    overall = sum(v * n for v, n in per_take.values()) / pairs if pairs else None
    return {"per_take": {k: v for k, (v, _) in per_take.items()}, "overall": overall}
