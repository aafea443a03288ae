"""Temporal consistency: how much the scene graph changes from one annotated frame to the next.

As LABRAD-OR reports it: the Jaccard similarity of the triplet sets (subject, predicate,
object) of consecutive annotated frames, averaged per take. Two empty frames count as 1.0
(nothing changed). A frame is read as the protocol reads it: the first triplet of each
ordered pair. A flickering model scores far below the truth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from orgraph.gnn.evaluation.frames import FrameKey, TakeKey, first_per_pair, take_name


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b|, 1.0 when both are empty."""
    union = a | b
    return 1.0 if not union else len(a & b) / len(union)


def _as_set(triplets: Iterable[Sequence[str]] | None) -> frozenset[tuple[str, ...]]:
    return frozenset(first_per_pair([(s, r, o) for s, r, o in triplets or ()]))


def consistency_per_take(
    frames: Iterable[FrameKey], graphs: Mapping[FrameKey, Sequence[Sequence[str]]]
) -> dict[str, tuple[float, int]]:
    """Take name -> (mean Jaccard of consecutive frames, frame pairs), over the given frames.

    `frames` fixes which frames follow each other (the truth's annotated frames); a frame
    missing from `graphs` counts as an empty scene graph. Takes with one frame are left out.
    """
    by_take: dict[TakeKey, list[int]] = defaultdict(list)
    for key in frames:
        by_take[key[:3]].append(key[3])
    out: dict[str, tuple[float, int]] = {}
    for take in sorted(by_take):
        idx = sorted(by_take[take])
        sets = [_as_set(graphs.get((*take, f))) for f in idx]
        scores = [jaccard(a, b) for a, b in zip(sets, sets[1:], strict=False)]
        if scores:
            out[take_name(take)] = (sum(scores) / len(scores), len(scores))
    return out


def summarise(per_take: Mapping[str, tuple[float, int]]) -> dict[str, float | None | dict]:
    """{"per_take": {take: mean}, "overall": mean over all frame pairs} for reports."""
    pairs = sum(n for _, n in per_take.values())
    overall = sum(v * n for v, n in per_take.values()) / pairs if pairs else None
    return {"per_take": {k: v for k, (v, _) in per_take.items()}, "overall": overall}
