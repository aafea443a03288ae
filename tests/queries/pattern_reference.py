"""The brute-force reference for pattern search: every annotated frame, one by one,
read straight from HDF5 with the reader (no graph, no interval algebra).

Rule (docs/patterns.md): a step holds in an annotated frame under a binding of its
variables when every positive triplet matches a row of the frame and no negated one
does; distinct variables bind distinct entities. A moment of a step is a maximal run of
annotated frames holding under one binding, where two holding annotated frames that
follow each other stay in one run when at most `gap` unannotated frames lie between
them. `A then B within w`: a moment of B starting after A's start and at most w after
A's end (B's start time minus A's end time, end time = (end frame + 1) / fps).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from orgraph.core.vocabulary import FPS
from orgraph.loader.reader import EgoExOR
from orgraph.queries.patterns.filters import Filters, normalised
from orgraph.queries.patterns.syntax import EPSILON, Pattern, Step, Term
from tests.queries.reference import LoadUnit

Triplet = tuple[str, str, str]
Binding = tuple[tuple[str, str], ...]


@dataclass
class TakeFrames:
    """One take as the scan sees it: annotated frames in order and their triplets."""

    take: str
    surgery_type: str
    split: str
    annotated: list[int]
    triplets: dict[int, set[Triplet]]
    fps: float = FPS


def read_frames(units: Sequence[LoadUnit]) -> dict[str, TakeFrames]:
    """Every take of the units, read with the HDF5 reader."""
    out: dict[str, TakeFrames] = {}
    for paths, splits in units:
        with EgoExOR(list(paths), splits=splits) as reader:
            for take in reader.takes:
                by_frame = reader.read_annotations(take).by_frame()
                out[take.key] = TakeFrames(
                    take.key,
                    take.surgery_type,
                    take.split or "",
                    sorted(by_frame),
                    {f: set(rows) for f, rows in by_frame.items()},
                )
    return out


def _term_matches(term: Term, triplet: Triplet, binding: dict[str, str]) -> dict[str, str] | None:
    """The binding extended so that the term matches the triplet, or None."""
    out = dict(binding)
    for slot, value in zip((term.subject, term.relation, term.object), triplet, strict=True):
        if slot.kind == "name" and slot.value != value:
            return None
        if slot.kind == "var":
            if out.get(slot.value, value) != value:
                return None
            out[slot.value] = value
    return out


def frame_bindings(step: Step, triplets: set[Triplet]) -> set[Binding]:
    """Every binding of the step's variables under which the step holds in this frame."""
    partial: list[dict[str, str]] = [{}]
    for term in step.positive:
        grown = []
        for binding in partial:
            for triplet in triplets:
                b = _term_matches(term, triplet, binding)
                if b is not None and len(set(b.values())) == len(b):
                    grown.append(b)
        partial = [dict(t) for t in {tuple(sorted(b.items())) for b in grown}]
    out = set()
    for binding in partial:
        negated = any(
            _term_matches(term, triplet, binding) is not None
            for term in step.negative
            for triplet in triplets
        )
        if not negated:
            out.add(tuple(sorted(binding.items())))
    return out


def step_runs(step: Step, take: TakeFrames, gap: int) -> list[tuple[Binding, int, int]]:
    """(binding, start, end) of every maximal run of the step in the take."""
    runs: list[tuple[Binding, int, int]] = []
    open_runs: dict[Binding, list[int]] = {}
    for f in take.annotated:
        holding = frame_bindings(step, take.triplets[f])
        for b in list(open_runs):
            if b not in holding:
                runs.append((b, *open_runs.pop(b)))
        for b in holding:
            if b in open_runs and f - open_runs[b][1] - 1 <= gap:
                open_runs[b][1] = f
            else:
                if b in open_runs:
                    runs.append((b, *open_runs.pop(b)))
                open_runs[b] = [f, f]
    runs += [(b, s, e) for b, (s, e) in open_runs.items()]
    if step.length is not None:
        runs = [r for r in runs if step.length.accepts(r[2] - r[1] + 1, take.fps)]
    return runs


def _consistent(a: dict[str, str], b: dict[str, str]) -> dict[str, str] | None:
    merged = {**a, **b}
    if any(a[k] != b[k] for k in a.keys() & b.keys()) or len(set(merged.values())) < len(merged):
        return None
    return merged


def take_moments(pattern: Pattern, take: TakeFrames, gap: int) -> list[dict]:
    """The moments of the pattern in one take, by nested loops over step runs."""
    first = step_runs(pattern.steps[0], take, gap)
    partial = [(dict(b), [(s, e)]) for b, s, e in first]
    for step, window in zip(pattern.steps[1:], pattern.windows, strict=True):
        runs = step_runs(step, take, gap)
        grown = []
        for binding, steps in partial:
            last_start, last_end = steps[-1]
            for b, s, e in runs:
                merged = _consistent(binding, dict(b))
                if merged is None or s <= last_start:
                    continue
                if window.unit == "s":
                    ok = s / take.fps - (last_end + 1) / take.fps <= window.value + EPSILON
                else:
                    ok = s - last_end - 1 <= window.value + EPSILON
                if ok:
                    grown.append((merged, [*steps, (s, e)]))
        partial = grown
    out = []
    for binding, steps in partial:
        start, end = steps[0][0], max(e for _, e in steps)
        lo = bisect.bisect_left(take.annotated, start)
        hi = bisect.bisect_right(take.annotated, end)
        out.append(
            {
                "take": take.take,
                "start_frame": start,
                "end_frame": end,
                "frames": hi - lo,
                "bindings": binding,
                "steps": [list(p) for p in steps],
            }
        )
    return out


def moments(
    pattern: Pattern, frames: dict[str, TakeFrames], filters: Filters | None = None, gap: int = 0
) -> list[dict]:
    """The moments of the pattern over every take the filters keep."""
    f = normalised(filters or Filters())
    out = []
    for key in sorted(frames):
        take = frames[key]
        if f.takes and key not in f.takes:
            continue
        if f.surgery_type and take.surgery_type != f.surgery_type:
            continue
        if f.split and take.split != f.split:
            continue
        out += take_moments(pattern, take, gap)
    return out


def as_rows(moments: list[dict]) -> list[tuple]:
    """Moments as sorted comparable tuples."""
    return sorted(
        (
            m["take"],
            int(m["start_frame"]),
            int(m["end_frame"]),
            int(m["frames"]),
            tuple(sorted(m["bindings"].items())),
            tuple(tuple(int(x) for x in s) for s in m["steps"]),
        )
        for m in moments
    )
