"""Independent pandas answers for the catalog-B queries, from the HDF5 reference.

Each follows the definition in the query module's docstring, written again with
plain pandas and loops over reference.intervals / rows (never the graph).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from orgraph.core.vocabulary import CAMERA_TYPE_NAMES, EGO_ROLES, FPS, ROLES
from orgraph.queries.catalog.phases import KEY_RELATIONS, MEASURES
from tests.queries.reference import Reference


def role_intervals(ref: Reference) -> pd.DataFrame:
    """Intervals whose subject is a role, with their action label."""
    iv = ref.intervals[ref.intervals["subject"].isin(ROLES)].copy()
    iv["action"] = iv["relation"] + " " + iv["object"]
    return iv


def takes_of_type(ref: Reference, surgery_type: str | None) -> set[str]:
    """The reference's take keys of one surgery type (every take when None)."""
    t = ref.takes
    return set(t["take"] if surgery_type is None else t[t["surgery_type"] == surgery_type]["take"])


def handovers(
    ref: Reference,
    max_gap: int,
    obj: str | None = None,
    take: str | None = None,
    surgery_type: str | None = None,
):
    """Qualifying (giver, receiver) holding-interval pairs by a self-merge on take and object,
    then only the receiver's first qualifying interval per (giver interval, receiver)."""
    iv = ref.intervals
    h = iv[(iv["relation"] == "holding") & iv["subject"].isin(ROLES)]
    h = h[h["take"].isin(takes_of_type(ref, surgery_type))]
    if obj is not None:
        h = h[h["object"] == obj]
    if take is not None:
        h = h[h["take"] == take]
    h = h[["take", "object", "subject", "start_frame", "end_frame"]]
    m = h.merge(h, on=["take", "object"], suffixes=("_a", "_b"))
    gap = m["start_frame_b"] - m["end_frame_a"] - 1
    m = m[
        (m["subject_a"] != m["subject_b"])
        & (m["start_frame_b"] > m["start_frame_a"])
        & (m["end_frame_b"] > m["end_frame_a"])
        & (gap <= max_gap)
    ]
    per_giver = ["take", "object", "subject_a", "start_frame_a", "subject_b"]
    m = m.sort_values("start_frame_b").drop_duplicates(per_giver, keep="first")
    gap = m["start_frame_b"] - m["end_frame_a"] - 1
    out = pd.DataFrame(
        {
            "take": m["take"],
            "object": m["object"],
            "giver": m["subject_a"],
            "receiver": m["subject_b"],
            "giver_start_frame": m["start_frame_a"],
            "giver_end_frame": m["end_frame_a"],
            "receiver_start_frame": m["start_frame_b"],
            "receiver_end_frame": m["end_frame_b"],
            "gap_frames": gap,
            "gap_seconds": gap / FPS,
            "giver_end_time": (m["end_frame_a"] + 1) / FPS,
            "receiver_start_time": m["start_frame_b"] / FPS,
        }
    )
    return out.reset_index(drop=True)


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


def allen(
    ref: Reference, before_window: int, take: str | None = None, surgery_type: str | None = None
) -> pd.DataFrame:
    """All ordered pairs of different roles' intervals per take, classified with numpy."""
    iv = role_intervals(ref)[["take", "subject", "action", "start_frame", "end_frame"]]
    if take is not None:
        iv = iv[iv["take"] == take]
    iv = iv[iv["take"].isin(takes_of_type(ref, surgery_type))]
    parts = []
    for _, group in iv.groupby("take"):
        m = group.merge(group, on="take", suffixes=("_x", "_y"))
        m = m[m["subject_x"] != m["subject_y"]]
        xs, xe = m["start_frame_x"].to_numpy(), m["end_frame_x"].to_numpy()
        ys, ye = m["start_frame_y"].to_numpy(), m["end_frame_y"].to_numpy()
        rel = np.select(
            [
                xe + 1 < ys,
                xe + 1 == ys,
                (xs == ys) & (xe == ye),
                (xs == ys) & (xe < ye),
                (xe == ye) & (xs > ys),
                (xs > ys) & (xe < ye),
                (xs < ys) & (ys <= xe) & (xe < ye),
            ],
            ["before", "meets", "equals", "starts", "finishes", "during", "overlaps"],
            default="",
        )
        keep = (rel != "") & ~((rel == "equals") & (m["subject_x"] > m["subject_y"]).to_numpy())
        keep &= ~((rel == "before") & (ys - xe - 1 > before_window))
        parts.append(m[keep].assign(relation=rel[keep]))
    cols = ["x_role", "x_action", "relation", "y_role", "y_action", "pairs", "takes"]
    if not parts:
        return pd.DataFrame(columns=cols)
    pairs = pd.concat(parts).rename(
        columns={
            "subject_x": "x_role",
            "action_x": "x_action",
            "subject_y": "y_role",
            "action_y": "y_action",
        }
    )
    out = pairs.groupby(cols[:5], as_index=False).agg(
        pairs=("take", "size"), takes=("take", "nunique")
    )
    return out[cols]


def cooccurrence(ref: Reference, min_support: float, take: str | None = None) -> pd.DataFrame:
    """Per annotated frame, its distinct triplets merged with themselves (a < b), counted."""
    rows = ref.rows if take is None else ref.rows[ref.rows["take"] == take]
    total = len(ref.annotated) if take is None else int((ref.annotated["take"] == take).sum())
    per = pd.DataFrame(
        {
            "take": rows["take"],
            "frame": rows["frame"],
            "t": rows["subject"] + " " + rows["relation"] + " " + rows["object"],
        }
    ).drop_duplicates()
    single = per["t"].value_counts()
    m = per.merge(per, on=["take", "frame"], suffixes=("_a", "_b"))
    m = m[m["t_a"] < m["t_b"]]
    pair = m.groupby(["t_a", "t_b"]).size().reset_index(name="frames")
    cols = [
        "triplet_a",
        "triplet_b",
        "frames",
        "annotated_frames",
        "support",
        "support_a",
        "support_b",
        "lift",
    ]
    if total == 0:
        return pd.DataFrame(columns=cols)
    pair = pair[pair["frames"] / total >= min_support - 1e-12]
    sa = single.reindex(pair["t_a"]).to_numpy() / total
    sb = single.reindex(pair["t_b"]).to_numpy() / total
    support = pair["frames"].to_numpy() / total
    out = pd.DataFrame(
        {
            "triplet_a": pair["t_a"].to_numpy(),
            "triplet_b": pair["t_b"].to_numpy(),
            "frames": pair["frames"].to_numpy(),
            "annotated_frames": total,
            "support": support,
            "support_a": sa,
            "support_b": sb,
            "lift": support / (sa * sb),
        }
    )
    return out[cols]


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
        out.append(
            {
                "take": tk,
                "role": role,
                "annotated_frames": n,
                "busy_frames": busy,
                "idle_frames": n - busy,
                "busy_seconds": busy / FPS,
                "idle_seconds": (n - busy) / FPS,
                "busy_share": busy / n if n else 0.0,
                "interactions": n_iv,
            }
        )
    return pd.DataFrame(out)


def phase_takes(
    ref: Reference,
    actions: Sequence[str] = (),
    surgery_type: str | None = None,
    take: str | None = None,
):
    iv = ref.intervals.copy()
    iv["action"] = iv["relation"] + " " + iv["object"]
    keep = iv["action"].isin(list(actions)) if actions else iv["relation"].isin(KEY_RELATIONS)
    iv = iv[keep].merge(ref.takes[["take", "surgery_type", "frames"]], on="take")
    if surgery_type is not None:
        iv = iv[iv["surgery_type"] == surgery_type]
    if take is not None:
        iv = iv[iv["take"] == take]
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
                                    for row in gaze[f]
                                    if np.isfinite(row[0])
                                )
                                okh = any(
                                    CAMERA_TYPE_NAMES.get(int(row[0])) == role
                                    and np.isfinite(row[1:]).any()
                                    for row in hands[f]
                                    if np.isfinite(row[0])
                                )
                                ng, nh, nb = ng + okg, nh + okh, nb + (okg and okh)
                            out.append(
                                {
                                    "take": take,
                                    "role": role,
                                    "frames": frames,
                                    "gaze_frames": ng,
                                    "hands_frames": nh,
                                    "both_frames": nb,
                                    "gaze_share": ng / frames,
                                    "hands_share": nh / frames,
                                    "both_share": nb / frames,
                                    "gaze_seconds": ng / FPS,
                                    "hands_seconds": nh / FPS,
                                }
                            )
    return pd.DataFrame(out)
