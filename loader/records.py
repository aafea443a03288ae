"""Build the graph rows of one take (core.store.TakeGraph) from what the reader gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgraph.core import vocabulary as voc
from orgraph.core.store.records import TakeGraph
from orgraph.core.store.schema import BUCKET_FRAMES, bucket_key
from orgraph.loader.intervals import build_intervals
from orgraph.loader.takes import TakeAnnotations, TakeInfo

Validity = dict[str, tuple[np.ndarray, np.ndarray]]
"""Role -> (gaze valid per frame, hands valid per frame)."""


def frame_key(take_key: str, idx: int) -> str:
    """Key of a Frame node."""
    return f"{take_key}#{idx}"


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
    take: TakeInfo = ann.take
    tk = take.key
    n = take.frames
    fps = voc.FPS
    split = take.split or ""
    idx = np.arange(n, dtype=np.int64)
    fkeys = np.array([frame_key(tk, i) for i in range(n)], dtype=object)
    annotated = np.zeros(n, dtype=bool)
    annotated[np.asarray(ann.annotated, dtype=np.int64)] = True
    row_counts = np.bincount(np.asarray(ann.frame, dtype=np.int64), minlength=n)[:n]
    validity = validity or {}
    frames = pd.DataFrame(
        {
            "key": fkeys,
            "take": tk,
            "idx": idx,
            "time": idx / fps,
            "split": split,
            "annotated": annotated,
            "triplets": row_counts.astype(np.int64),
            "file": str(take.file),
            "h5_group": take.group,
            "gaze_valid": _role_lists(validity, n, 0),
            "hands_valid": _role_lists(validity, n, 1),
        }
    )
    nxt = pd.DataFrame({"src": fkeys[:-1], "dst": fkeys[1:]})

    iv = build_intervals(
        np.asarray(ann.annotated),
        np.asarray(ann.frame),
        np.asarray(ann.subject),
        np.asarray(ann.relation),
        np.asarray(ann.object),
        gap_tolerance,
    )
    names = np.array(voc.ENTITIES, dtype=object)
    rels = np.array(voc.RELATIONS, dtype=object)
    present = set(np.unique(np.concatenate([iv.subject, iv.object])).tolist())
    present |= {voc.ENTITY_INDEX[r] for r in take.sources if r in voc.EGO_ROLES}
    ent_names = sorted(voc.ENTITIES[i] for i in present)
    entities = pd.DataFrame(
        {
            "key": [f"{tk}/{e}" for e in ent_names],
            "take": tk,
            "name": ent_names,
            "kind": [voc.entity_kind(e) for e in ent_names],
        }
    )
    ikeys = np.array([f"{tk}~{i}" for i in range(iv.start.size)], dtype=object)
    subj = names[iv.subject] if iv.subject.size else np.array([], dtype=object)
    obj = names[iv.object] if iv.object.size else np.array([], dtype=object)
    interactions = pd.DataFrame(
        {
            "key": ikeys,
            "take": tk,
            "subject": subj,
            "relation": rels[iv.relation] if iv.relation.size else np.array([], dtype=object),
            "object": obj,
            "start_frame": iv.start,
            "end_frame": iv.end,
            "n_frames": iv.n_frames,
            "start_time": iv.start / fps,
            "end_time": (iv.end + 1) / fps,
            "start_bucket": [bucket_key(tk, int(b)) for b in iv.start // BUCKET_FRAMES],
            "annotated_before": np.concatenate([[0], np.cumsum(annotated)])[iv.start],
        }
    )
    interactions["action"] = interactions["relation"] + " " + interactions["object"]
    ent_prefix = f"{tk}/"
    has_subject = pd.DataFrame({"src": ikeys, "dst": ent_prefix + subj.astype(str)})
    has_object = pd.DataFrame({"src": ikeys, "dst": ent_prefix + obj.astype(str)})
    shows = pd.DataFrame(
        {"src": fkeys[iv.occ_frame], "dst": ikeys[iv.occ_interval], "n": iv.occ_count}
    )
    sources = pd.DataFrame(
        {"src": tk, "dst": list(take.sources), "idx": np.arange(len(take.sources), dtype=np.int64)}
    )
    take_row: dict[str, object] = {
        "key": tk,
        "surgery_type": take.surgery_type,
        "procedure_id": int(take.procedure_id),
        "take_id": int(take.take_id),
        "frames": int(n),
        "annotated_frames": int(annotated.sum()),
        "triplets": int(ann.triplet_count),
        "split": split,
        "fps": fps,
        "file": str(take.file),
        "h5_group": take.group,
        "gap_tolerance": int(gap_tolerance),
        "fingerprint": fingerprint,
    }
    procedure = {
        "key": f"{take.surgery_type}/{take.procedure_id}",
        "surgery_type": take.surgery_type,
        "procedure_id": int(take.procedure_id),
    }
    return TakeGraph(
        take=take_row,
        procedure=procedure,
        sources=sources,
        frames=frames,
        next=nxt,
        entities=entities,
        interactions=interactions,
        has_subject=has_subject,
        has_object=has_object,
        shows=shows,
    )
