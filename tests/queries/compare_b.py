"""Independent pandas answers for the catalog-B queries, from the HDF5 reference.

Each follows the definition in the query module's docstring, written again with
plain pandas and loops over reference.intervals / rows (never the graph).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from core.vocabulary import CAMERA_TYPE_NAMES, EGO_ROLES, FPS, ROLES
from queries.catalog.phases import KEY_RELATIONS, MEASURES
from tests.queries.reference import Reference


def role_intervals(ref: Reference) -> pd.DataFrame:
    """Intervals whose subject is a role, with their action label."""
    iv = ref.intervals[ref.intervals["subject"].isin(ROLES)].copy()
    iv["action"] = iv["relation"] + " " + iv["object"]
    return iv


def handovers(ref: Reference, max_gap: int, obj: str | None = None, take: str | None = None):
    iv = ref.intervals
    h = iv[(iv["relation"] == "holding") & iv["subject"].isin(ROLES)]
    rows = []
    for a in h.itertuples(index=False):
        for b in h.itertuples(index=False):
            gap = b.start_frame - a.end_frame - 1
            if (
                a.take == b.take and a.object == b.object and a.subject != b.subject
                and b.start_frame > a.start_frame and b.end_frame > a.end_frame
                and gap <= max_gap and obj in (None, a.object) and take in (None, a.take)
            ):
                rows.append({
                    "take": a.take, "object": a.object, "giver": a.subject,
                    "receiver": b.subject, "giver_start_frame": a.start_frame,
                    "giver_end_frame": a.end_frame, "receiver_start_frame": b.start_frame,
                    "receiver_end_frame": b.end_frame, "gap_frames": gap,
                    "gap_seconds": gap / FPS, "giver_end_time": (a.end_frame + 1) / FPS,
                    "receiver_start_time": b.start_frame / FPS,
                })
    cols = ["take", "object", "giver", "receiver", "giver_start_frame", "giver_end_frame",
            "receiver_start_frame", "receiver_end_frame", "gap_frames", "gap_seconds",
            "giver_end_time", "receiver_start_time"]
    return pd.DataFrame(rows, columns=cols)


def allen_relation(x: tuple[int, int], y: tuple[int, int]) -> str | None:
    """x's Allen relation to y in the seven forward names, or None when it is an inverse."""
    (xs, xe), (ys, ye) = x, y
    if xe + 1 < ys:
        return "before"
    if xe + 1 == ys:
        return "meets"
    if xs == ys and xe == ye:
        return "equals"
    if xs == ys and xe < ye:
        return "starts"
    if xe == ye and xs > ys:
        return "finishes"
    if xs > ys and xe < ye:
        return "during"
    if xs < ys <= xe < ye:
        return "overlaps"
    return None


def allen(ref: Reference, before_window: int, take: str | None = None) -> pd.DataFrame:
    iv = role_intervals(ref)
    counts: dict[tuple[str, str, str, str, str], set[str] | list] = {}
    for tk, group in iv.groupby("take"):
        if take not in (None, tk):
            continue
        recs = group.to_dict("records")
        for p, q in combinations(recs, 2):
            if p["subject"] == q["subject"]:
                continue
            for x, y in ((p, q), (q, p)):
                rel = allen_relation((x["start_frame"], x["end_frame"]),
                                     (y["start_frame"], y["end_frame"]))
                if rel is None or (rel == "equals" and x["subject"] > y["subject"]):
                    continue
                if rel == "before" and y["start_frame"] - x["end_frame"] - 1 > before_window:
                    continue
                key = (x["subject"], x["action"], rel, y["subject"], y["action"])
                counts.setdefault(key, []).append(tk)
    rows = [(*k, len(v), len(set(v))) for k, v in counts.items()]
    cols = ["x_role", "x_action", "relation", "y_role", "y_action", "pairs", "takes"]
    return pd.DataFrame(rows, columns=cols)


def cooccurrence(ref: Reference, min_support: float, take: str | None = None) -> pd.DataFrame:
    rows = ref.rows if take is None else ref.rows[ref.rows["take"] == take]
    total = len(ref.annotated) if take is None else int((ref.annotated["take"] == take).sum())
    per_frame: dict[tuple[str, int], set[str]] = {}
    for tk, fr, s, r, o in rows.itertuples(index=False):
        per_frame.setdefault((tk, fr), set()).add(f"{s} {r} {o}")
    single: dict[str, int] = {}
    pair: dict[tuple[str, str], int] = {}
    for triplets in per_frame.values():
        for t in triplets:
            single[t] = single.get(t, 0) + 1
        for a, b in combinations(sorted(triplets), 2):
            pair[(a, b)] = pair.get((a, b), 0) + 1
    out = [
        {"triplet_a": a, "triplet_b": b, "frames": n, "annotated_frames": total,
         "support": n / total, "support_a": single[a] / total, "support_b": single[b] / total,
         "lift": (n / total) / ((single[a] / total) * (single[b] / total))}
        for (a, b), n in pair.items() if n / total >= min_support - 1e-12
    ]
    cols = ["triplet_a", "triplet_b", "frames", "annotated_frames", "support", "support_a",
            "support_b", "lift"]
    return pd.DataFrame(out, columns=cols)


def workload(ref: Reference, exclude: Sequence[str] = ()) -> pd.DataFrame:
    ents = ref.entities
    staff = ents[ents["entity"].isin(ROLES) & (ents["entity"] != "patient")]
    annotated = ref.takes.set_index("take")["annotated_frames"]
    work = ref.rows[~ref.rows["relation"].isin(list(exclude))]
    iv = ref.intervals[~ref.intervals["relation"].isin(list(exclude))]
    out = []
    for tk, role in staff.itertuples(index=False):
        busy = work[(work["take"] == tk) & (work["subject"] == role)]["frame"].nunique()
        n = int(annotated[tk])
        n_iv = int(((iv["take"] == tk) & (iv["subject"] == role)).sum())
        out.append({
            "take": tk, "role": role, "annotated_frames": n, "busy_frames": busy,
            "idle_frames": n - busy, "busy_seconds": busy / FPS, "idle_seconds": (n - busy) / FPS,
            "busy_share": busy / n if n else 0.0, "interactions": n_iv,
        })
    return pd.DataFrame(out)


def phase_takes(ref: Reference, actions: Sequence[str] = (), surgery_type: str | None = None):
    iv = ref.intervals.copy()
    iv["action"] = iv["relation"] + " " + iv["object"]
    keep = iv["action"].isin(list(actions)) if actions else iv["relation"].isin(KEY_RELATIONS)
    iv = iv[keep].merge(ref.takes[["take", "surgery_type", "frames"]], on="take")
    if surgery_type is not None:
        iv = iv[iv["surgery_type"] == surgery_type]
    g = iv.groupby(["surgery_type", "take", "action", "frames"], as_index=False).agg(
        first_frame=("start_frame", "min"), last_frame=("end_frame", "max")
    )
    g["first_seconds"] = g["first_frame"] / FPS
    g["last_seconds"] = (g["last_frame"] + 1) / FPS
    g["first_position"] = g["first_frame"] / g["frames"]
    g["last_position"] = (g["last_frame"] + 1) / g["frames"]
    return g.drop(columns="frames")


def phase_summary(takes: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (st, action), g in takes.groupby(["surgery_type", "action"]):
        row: dict[str, object] = {"surgery_type": st, "action": action, "takes": len(g)}
        for m in MEASURES:
            v = g[m].to_numpy(float)
            row[f"{m}_mean"] = v.mean()
            row[f"{m}_std"] = v.std(ddof=1) if len(v) > 1 else np.nan
            row[f"{m}_min"], row[f"{m}_max"] = v.min(), v.max()
        rows.append(row)
    return pd.DataFrame(rows)


def coverage(paths: Sequence[Path], ref: Reference) -> pd.DataFrame:
    """Per take and egocentric source: frames whose gaze / hands rows are valid, by loops."""
    out = []
    for path in paths:
        with h5py.File(path, "r") as h5:
            for st in h5["data"]:
                for pid in h5["data"][st]:
                    for tid, g in h5["data"][st][pid]["take"].items():
                        take = f"{st}/{pid}/{tid}"
                        gaze = g["eye_gaze/coordinates"][()]
                        hands = g["hand_tracking/positions"][()]
                        frames = int(ref.takes.set_index("take").loc[take, "frames"])
                        for role in ref.sources[take]:
                            if role not in EGO_ROLES:
                                continue
                            ng = nh = nb = 0
                            for f in range(frames):
                                okg = any(
                                    CAMERA_TYPE_NAMES.get(int(row[0])) == role
                                    and np.isfinite(row[1:]).all()
                                    and not (row[1] == -1 and row[2] == -1)
                                    for row in gaze[f] if np.isfinite(row[0])
                                )
                                okh = any(
                                    CAMERA_TYPE_NAMES.get(int(row[0])) == role
                                    and np.isfinite(row[1:]).any()
                                    for row in hands[f] if np.isfinite(row[0])
                                )
                                ng, nh, nb = ng + okg, nh + okh, nb + (okg and okh)
                            out.append({
                                "take": take, "role": role, "frames": frames,
                                "gaze_frames": ng, "hands_frames": nh, "both_frames": nb,
                                "gaze_share": ng / frames, "hands_share": nh / frames,
                                "both_share": nb / frames, "gaze_seconds": ng / FPS,
                                "hands_seconds": nh / FPS,
                            })
    return pd.DataFrame(out)
