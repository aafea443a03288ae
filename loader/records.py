"""Build the graph rows of one take (core.store.TakeGraph) from what the reader gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgraph.core import vocabulary as voc
from orgraph.core.keys import bucket_key, entity_key, frame_key, interval_key, procedure_key
from orgraph.core.store.records import TakeGraph
from orgraph.core.store.schema import BUCKET_FRAMES
from orgraph.loader.intervals import Intervals, build_intervals
from orgraph.loader.takes import TakeAnnotations, TakeInfo

Validity = dict[str, tuple[np.ndarray, np.ndarray]]
"""Role -> (gaze valid per frame, hands valid per frame)."""


def _role_lists(validity: Validity, n: int, which: int) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in range(n)]
    for role in voc.EGO_ROLES:
        if role not in validity:
            continue
        for i in np.flatnonzero(validity[role][which][:n]):
            out[int(i)].append(role)
    return out


def build_take_graph(
    ann: TakeAnnotations,
    validity: Validity | None = None,
    gap_tolerance: int = 0,
    fingerprint: str = "",
) -> TakeGraph:
    """All nodes and relationships of one take, ready for GraphStore.replace_take."""
    take = ann.take
    annotated = annotated_mask(ann)
    frames = frame_rows(ann, annotated, validity or {})
    fkeys = frames["key"].to_numpy()
    iv = take_intervals(ann, gap_tolerance)
    interactions = interaction_rows(take.key, iv, annotated)
    ikeys = interactions["key"].to_numpy()
    return TakeGraph(
        take=take_row(ann, annotated, gap_tolerance, fingerprint),
        procedure=procedure_row(take),
        sources=source_rows(take),
        frames=frames,
        next=pd.DataFrame({"src": fkeys[:-1], "dst": fkeys[1:]}),
        entities=entity_rows(take, iv),
        interactions=interactions,
        has_subject=_role_rels(take.key, ikeys, interactions["subject"]),
        has_object=_role_rels(take.key, ikeys, interactions["object"]),
        shows=pd.DataFrame(
            {"src": fkeys[iv.occ_frame], "dst": ikeys[iv.occ_interval], "n": iv.occ_count}
        ),
    )


def annotated_mask(ann: TakeAnnotations) -> np.ndarray:
    """True for each frame of the take that has an annotation group."""
    annotated = np.zeros(ann.take.frames, dtype=bool)
    annotated[np.asarray(ann.annotated, dtype=np.int64)] = True
    return annotated


def frame_rows(ann: TakeAnnotations, annotated: np.ndarray, validity: Validity) -> pd.DataFrame:
    """One Frame row per frame: time, split, triplet count, media pointer, valid ego signals."""
    take, n = ann.take, ann.take.frames
    idx = np.arange(n, dtype=np.int64)
    row_counts = np.bincount(np.asarray(ann.frame, dtype=np.int64), minlength=n)[:n]
    return pd.DataFrame(
        {
            "key": np.array([frame_key(take.key, i) for i in range(n)], dtype=object),
            "take": take.key,
            "idx": idx,
            "time": idx / voc.FPS,
            "split": take.split or "",
            "annotated": annotated,
            "triplets": row_counts.astype(np.int64),
            "file": str(take.file),
            "h5_group": take.group,
            "gaze_valid": _role_lists(validity, n, 0),
            "hands_valid": _role_lists(validity, n, 1),
        }
    )


def take_intervals(ann: TakeAnnotations, gap_tolerance: int) -> Intervals:
    """The take's triplets merged into intervals (the loader's interval rule)."""
    return build_intervals(
        np.asarray(ann.annotated),
        np.asarray(ann.frame),
        np.asarray(ann.subject),
        np.asarray(ann.relation),
        np.asarray(ann.object),
        gap_tolerance,
    )


def entity_rows(take: TakeInfo, iv: Intervals) -> pd.DataFrame:
    """One Entity row per entity that takes part in an interval or records the take."""
    present = set(np.unique(np.concatenate([iv.subject, iv.object])).tolist())
    present |= {voc.ENTITY_INDEX[r] for r in take.sources if r in voc.EGO_ROLES}
    names = sorted(voc.ENTITIES[i] for i in present)
    return pd.DataFrame(
        {
            "key": [entity_key(take.key, e) for e in names],
            "take": take.key,
            "name": names,
            "kind": [voc.entity_kind(e) for e in names],
        }
    )


def _names(table: list[str], index: np.ndarray) -> np.ndarray:
    return np.array(table, dtype=object)[index] if index.size else np.array([], dtype=object)


def interaction_rows(tk: str, iv: Intervals, annotated: np.ndarray) -> pd.DataFrame:
    """One Interaction row per interval, with its time bucket and annotated frames before it."""
    fps = voc.FPS
    rows = pd.DataFrame(
        {
            "key": np.array([interval_key(tk, i) for i in range(iv.start.size)], dtype=object),
            "take": tk,
            "subject": _names(voc.ENTITIES, iv.subject),
            "relation": _names(voc.RELATIONS, iv.relation),
            "object": _names(voc.ENTITIES, iv.object),
            "start_frame": iv.start,
            "end_frame": iv.end,
            "n_frames": iv.n_frames,
            "start_time": iv.start / fps,
            "end_time": (iv.end + 1) / fps,
            "start_bucket": [bucket_key(tk, int(b)) for b in iv.start // BUCKET_FRAMES],
            "annotated_before": np.concatenate([[0], np.cumsum(annotated)])[iv.start],
        }
    )
    rows["action"] = rows["relation"] + " " + rows["object"]
    return rows


def _role_rels(tk: str, ikeys: np.ndarray, entity_names: pd.Series) -> pd.DataFrame:
    """HAS_SUBJECT or HAS_OBJECT rows: interval key -> the take's entity key."""
    return pd.DataFrame(
        {"src": ikeys, "dst": [entity_key(tk, str(e)) for e in entity_names]}, dtype=object
    )


def source_rows(take: TakeInfo) -> pd.DataFrame:
    """HAS_SOURCE rows: take -> each recording source, in frames/rgb order."""
    n = len(take.sources)
    return pd.DataFrame(
        {"src": take.key, "dst": list(take.sources), "idx": np.arange(n, dtype=np.int64)}
    )


def take_row(
    ann: TakeAnnotations, annotated: np.ndarray, gap_tolerance: int, fingerprint: str
) -> dict[str, object]:
    """The Take node: its identity, sizes, split, media pointer and load fingerprint."""
    take = ann.take
    return {
        "key": take.key,
        "surgery_type": take.surgery_type,
        "procedure_id": int(take.procedure_id),
        "take_id": int(take.take_id),
        "frames": int(take.frames),
        "annotated_frames": int(annotated.sum()),
        "triplets": int(ann.triplet_count),
        "split": take.split or "",
        "fps": voc.FPS,
        "file": str(take.file),
        "h5_group": take.group,
        "gap_tolerance": int(gap_tolerance),
        "fingerprint": fingerprint,
    }


def procedure_row(take: TakeInfo) -> dict[str, object]:
    """The Procedure node the take belongs to."""
    return {
        "key": procedure_key(take.surgery_type, take.procedure_id),
        "surgery_type": take.surgery_type,
        "procedure_id": int(take.procedure_id),
    }
