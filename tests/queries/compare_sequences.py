"""Independent pandas answers for directly_follows and ngrams (docs/workflow-mining.md).

Written again with plain loops over reference.intervals: merge an activity's intervals
across flicker, order each (take, role) case, then walk consecutive pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgraph.core.vocabulary import FPS, ROLES

Instance = tuple[int, int, str]
"""(start_frame, end_frame, activity)."""


def merge_flicker(spans: list[tuple[int, int]], flicker: int) -> list[tuple[int, int]]:
    """Merge sorted disjoint spans whose gap (frames strictly between) is <= flicker."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s - out[-1][1] - 1 <= flicker:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _case_and_label(rec: dict, perspective: str) -> tuple[str, str]:
    s, r, o = rec["subject"], rec["relation"], rec["object"]
    if perspective == "object":
        return o, f"{s} {r}"
    if perspective == "pair":
        return f"{s} ~ {o}", r
    return s, f"{r} {o}"


def cases(
    intervals: pd.DataFrame, flicker: int = 0, perspective: str = "role", obj: str | None = None
) -> dict[tuple[str, str], list[Instance]]:
    """(take, case) -> the case's activity instances, ordered by start, end, activity.

    Flicker merges the intervals of one triplet; case and label follow the perspective.
    """
    spans: dict[tuple[str, str, str, tuple], list[tuple[int, int]]] = {}
    for rec in intervals.to_dict("records"):
        if rec["subject"] in ROLES and (obj is None or rec["object"] == obj):
            case, act = _case_and_label(rec, perspective)
            triplet = (rec["subject"], rec["relation"], rec["object"])
            key = (rec["take"], case, act, triplet)
            spans.setdefault(key, []).append((int(rec["start_frame"]), int(rec["end_frame"])))
    out: dict[tuple[str, str], list[Instance]] = {}
    for (take, case, act, _), sp in spans.items():
        for s, e in merge_flicker(sp, flicker):
            out.setdefault((take, case), []).append((s, e, act))
    for events in out.values():
        events.sort()
    return out


def _keep(take: str, role: str, want_role, want_take, surgery_type) -> bool:
    return (
        (want_role is None or role == want_role)
        and (want_take is None or take == want_take)
        and (surgery_type is None or take.split("/")[0] == surgery_type)
    )


def directly_follows(
    intervals: pd.DataFrame,
    role: str | None = None,
    take: str | None = None,
    per_take: bool = False,
    flicker: int = 0,
    surgery_type: str | None = None,
    perspective: str = "role",
    obj: str | None = None,
) -> pd.DataFrame:
    """Start, end, follows and concurrent edges with count, takes, mean and median gap."""
    rows = []
    for (tk, rl), events in cases(intervals, flicker, perspective, obj).items():
        if not _keep(tk, rl, role, take, surgery_type):
            continue
        scope, st = (tk if per_take else "*"), tk.split("/")[0]
        rows.append((scope, st, tk, rl, "[start]", events[0][2], "start", None))
        for a, b in zip(events, events[1:], strict=False):
            kind = "follows" if b[0] > a[1] else "concurrent"
            rows.append((scope, st, tk, rl, a[2], b[2], kind, (b[0] - a[1] - 1) / FPS))
        rows.append((scope, st, tk, rl, events[-1][2], "[end]", "end", None))
    cols = ["take", "surgery_type", "tk", "role", "source", "target", "kind", "gap"]
    df = pd.DataFrame(rows, columns=cols)
    df["gap"] = df["gap"].astype(float)
    keys = ["take", "surgery_type", "role", "source", "target", "kind"]
    out = df.groupby(keys, as_index=False).agg(
        count=("gap", "size"),
        takes=("tk", "nunique"),
        mean_gap_s=("gap", "mean"),
        median_gap_s=("gap", lambda g: float(np.median(g.dropna())) if g.notna().any() else np.nan),
    )
    return out


def ngrams(
    intervals: pd.DataFrame,
    n: int,
    role: str | None = None,
    take: str | None = None,
    min_support: int = 1,
    collapse: bool = False,
    flicker: int = 0,
    surgery_type: str | None = None,
    obj: str | None = None,
) -> pd.DataFrame:
    """Runs of n consecutive instances (repeats dropped first with collapse)."""
    grams = []
    for (tk, rl), events in cases(intervals, flicker, obj=obj).items():
        if not _keep(tk, rl, role, take, surgery_type):
            continue
        labels = [e[2] for e in events]
        if collapse:
            labels = [x for k, x in enumerate(labels) if k == 0 or x != labels[k - 1]]
        for k in range(len(labels) - n + 1):
            grams.append((tk, rl, " -> ".join(labels[k : k + n])))
    df = pd.DataFrame(grams, columns=["tk", "role", "pattern"])
    out = df.groupby(["role", "pattern"], as_index=False).agg(
        support=("tk", "nunique"), occurrences=("tk", "size")
    )
    out["n"] = n
    return out[out["support"] >= min_support][["role", "pattern", "n", "support", "occurrences"]]


def working_together(
    intervals: pd.DataFrame, take: str | None = None, surgery_type: str | None = None
) -> pd.DataFrame:
    """Interval pairs of two roles (a < b) on one object of one take sharing a frame."""
    iv = intervals[intervals["subject"].isin(ROLES)]
    if take is not None:
        iv = iv[iv["take"] == take]
    if surgery_type is not None:
        iv = iv[iv["take"].str.split("/").str[0] == surgery_type]
    m = iv.merge(iv, on=["take", "object"], suffixes=("_a", "_b"))
    m = m[
        (m["subject_a"] < m["subject_b"])
        & (m["start_frame_a"] <= m["end_frame_b"])
        & (m["start_frame_b"] <= m["end_frame_a"])
    ]
    overlap = (
        np.minimum(m["end_frame_a"], m["end_frame_b"])
        - np.maximum(m["start_frame_a"], m["start_frame_b"])
        + 1
    )
    m = m.assign(overlap=overlap, surgery_type=m["take"].str.split("/").str[0])
    out = m.groupby(["surgery_type", "subject_a", "subject_b", "object"], as_index=False).agg(
        pairs=("overlap", "size"), takes=("take", "nunique"), overlap_frames=("overlap", "sum")
    )
    out["overlap_seconds"] = out["overlap_frames"] / FPS
    return out.rename(columns={"subject_a": "role_a", "subject_b": "role_b"})
