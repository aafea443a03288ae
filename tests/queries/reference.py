"""The ground truth for query tests, read straight from HDF5 and computed with plain loops.

Independent of the graph and of loader.intervals on purpose: if the loader or a
query is wrong, these numbers are not wrong the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from orgraph.core.vocabulary import EGO_ROLES, FPS, ROLES
from orgraph.loader.reader import EgoExOR

LoadUnit = tuple[tuple[Path, ...], Path | None]
"""Files read together and their splits.h5 (None: the merged file holds /splits)."""

ROW_COLUMNS = ["take", "frame", "subject", "relation", "object"]


@dataclass
class Reference:
    """What the files hold, as DataFrames.

    rows: one row per annotated triplet row (take, frame, subject, relation, object),
    duplicates kept. takes: one row per take (take, surgery_type, procedure,
    procedure_id, take_id, split, frames, annotated_frames, triplets). annotated:
    (take, frame) of every frame with an annotation group. sources: take -> sources.
    """

    rows: pd.DataFrame
    takes: pd.DataFrame
    annotated: pd.DataFrame
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """Interaction intervals by the loop rule; see compute_intervals."""
        return compute_intervals(self.rows)

    @cached_property
    def entities(self) -> pd.DataFrame:
        """(take, entity): every subject or object of a take, plus its egocentric roles."""
        return take_entities(self.rows, self.sources)


def read_reference(units: Sequence[LoadUnit]) -> Reference:
    """Read every take of every unit with the HDF5 reader (no graph involved)."""
    rows: list[tuple[str, int, str, str, str]] = []
    takes: list[dict[str, object]] = []
    annotated: list[tuple[str, int]] = []
    sources: dict[str, tuple[str, ...]] = {}
    for paths, splits in units:
        with EgoExOR(list(paths), splits=splits) as reader:
            for take in reader.takes:
                ann = reader.read_annotations(take)
                by_frame = ann.by_frame()
                for frame, triplets in by_frame.items():
                    annotated.append((take.key, frame))
                    rows.extend((take.key, frame, s, r, o) for s, r, o in triplets)
                takes.append(
                    {
                        "take": take.key,
                        "surgery_type": take.surgery_type,
                        "procedure": f"{take.surgery_type}/{take.procedure_id}",
                        "procedure_id": take.procedure_id,
                        "take_id": take.take_id,
                        "split": take.split or "",
                        "frames": take.frames,
                        "annotated_frames": len(by_frame),
                        "triplets": sum(len(v) for v in by_frame.values()),
                    }
                )
                sources[take.key] = tuple(take.sources)
    return Reference(
        rows=pd.DataFrame(rows, columns=ROW_COLUMNS),
        takes=pd.DataFrame(takes),
        annotated=pd.DataFrame(annotated, columns=["take", "frame"]),
        sources=sources,
    )


def compute_intervals(rows: pd.DataFrame) -> pd.DataFrame:
    """Intervals: a triplet's run of consecutive frame indices is one interval.

    With no gap tolerance, two frames belong to the same interval only when the
    second is the very next frame, so any unannotated frame, or an annotated frame
    without the triplet, ends the run. `rows` counts triplet rows (duplicates too).
    """
    counts: dict[tuple[str, str, str, str], dict[int, int]] = {}
    for take, frame, s, r, o in rows[ROW_COLUMNS].itertuples(index=False):
        per = counts.setdefault((take, s, r, o), {})
        per[int(frame)] = per.get(int(frame), 0) + 1
    out: list[dict[str, object]] = []
    for (take, s, r, o), per in counts.items():
        start = prev = None
        n_rows = 0
        for frame in sorted(per):
            if prev is not None and frame != prev + 1:
                out.append(_interval(take, s, r, o, start, prev, n_rows))
                start, n_rows = None, 0
            if start is None:
                start = frame
            n_rows += per[frame]
            prev = frame
        out.append(_interval(take, s, r, o, start, prev, n_rows))
    cols = [
        "take",
        "subject",
        "relation",
        "object",
        "start_frame",
        "end_frame",
        "n_frames",
        "start_time",
        "end_time",
        "rows",
    ]
    return pd.DataFrame(out, columns=cols)


def _interval(
    take: str, s: str, r: str, o: str, start: int | None, end: int | None, n_rows: int
) -> dict[str, object]:
    assert start is not None and end is not None
    return {
        "take": take,
        "subject": s,
        "relation": r,
        "object": o,
        "start_frame": start,
        "end_frame": end,
        "n_frames": end - start + 1,
        "start_time": start / FPS,
        "end_time": (end + 1) / FPS,
        "rows": n_rows,
    }


def take_entities(rows: pd.DataFrame, sources: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """(take, entity) pairs: subjects and objects seen, plus egocentric roles among sources."""
    pairs = set(zip(rows["take"], rows["subject"], strict=True))
    pairs |= set(zip(rows["take"], rows["object"], strict=True))
    for take, srcs in sources.items():
        pairs |= {(take, s) for s in srcs if s in EGO_ROLES}
    return pd.DataFrame(sorted(pairs), columns=["take", "entity"])


def role_events(intervals: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, object]]]:
    """(take, role) -> the role's subject intervals as events, in the documented order."""
    out: dict[tuple[str, str], list[dict[str, object]]] = {}
    for rec in intervals.to_dict("records"):
        if rec["subject"] in ROLES:
            out.setdefault((rec["take"], rec["subject"]), []).append(rec)
    for events in out.values():
        events.sort(key=lambda e: (e["start_frame"], e["end_frame"], e["relation"], e["object"]))
    return out


def label(event: dict[str, object]) -> str:
    """The activity label of an event: "relation object"."""
    return f"{event['relation']} {event['object']}"
