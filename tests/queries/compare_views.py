"""Independent pandas answers for variants, deviations and the performance queries,
from the HDF5 reference (definitions in the query modules' docstrings)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgraph.core.vocabulary import FPS, ROLES
from orgraph.queries.catalog.phases import KEY_RELATIONS
from tests.queries import compare_sequences as seq
from tests.queries.reference import Reference


def take_steps(ref: Reference, unit: str = "phase") -> dict[str, tuple[str, list[tuple[str, int]]]]:
    """take -> (surgery type, [(step, first frame)] in order)."""
    out: dict[str, dict[str, int]] = {}
    for rec in ref.intervals.to_dict("records"):
        if rec["relation"] in KEY_RELATIONS:
            step = rec["relation"] if unit == "phase" else f"{rec['relation']} {rec['object']}"
            firsts = out.setdefault(rec["take"], {})
            firsts[step] = min(firsts.get(step, 10**12), int(rec["start_frame"]))
    return {
        tk: (tk.split("/")[0], sorted(f.items(), key=lambda x: (x[1], x[0])))
        for tk, f in out.items()
    }


def variants(ref: Reference, unit: str = "phase", level: str = "variant") -> pd.DataFrame:
    rows = [
        (st, tk, " -> ".join(s for s, _ in steps), len(steps))
        for tk, (st, steps) in take_steps(ref, unit).items()
    ]
    takes = pd.DataFrame(rows, columns=["surgery_type", "take", "variant", "steps"])
    if level == "take":
        return takes
    out = []
    for (st, var), g in takes.groupby(["surgery_type", "variant"]):
        total = (takes["surgery_type"] == st).sum()
        out.append((st, var, g["steps"].iloc[0], len(g), len(g) / total, min(g["take"])))
    cols = ["surgery_type", "variant", "steps", "takes", "share", "example_take"]
    return pd.DataFrame(out, columns=cols)


def deviations(ref: Reference, take: str, unit: str = "phase") -> pd.DataFrame:
    """Missing / extra / reordered / ok steps against the most followed variant."""
    steps = take_steps(ref, unit)
    st, mine = steps[take]
    counts: dict[tuple[str, ...], int] = {}
    for s_type, seq_ in steps.values():
        if s_type == st:
            key = tuple(s for s, _ in seq_)
            counts[key] = counts.get(key, 0) + 1
    best = sorted(counts.items(), key=lambda kv: (-kv[1], " -> ".join(kv[0])))[0]
    ref_steps, n_ref = list(best[0]), best[1]
    names = [s for s, _ in mine]
    frame = dict(mine)
    common_t = [s for s in names if s in ref_steps]
    common_r = [s for s in ref_steps if s in names]
    rows = []
    for s in names + [x for x in ref_steps if x not in names]:
        if s not in ref_steps:
            status = "extra"
        elif s not in names:
            status = "missing"
        elif common_t.index(s) != common_r.index(s):
            status = "reordered"
        else:
            status = "ok"
        rows.append(
            {
                "take": take,
                "step": s,
                "status": status,
                "take_position": names.index(s) if s in names else pd.NA,
                "reference_position": ref_steps.index(s) if s in ref_steps else pd.NA,
                "first_frame": frame.get(s, pd.NA),
                "reference_variant": " -> ".join(ref_steps),
                "reference_takes": n_ref,
            }
        )
    out = pd.DataFrame(rows)
    for c in ("take_position", "reference_position", "first_frame"):
        out[c] = out[c].astype("Int64")
    return out


def _stats(df: pd.DataFrame, keys: list[str], count: str) -> pd.DataFrame:
    return df.groupby(keys, as_index=False).agg(
        **{count: ("d", "size")},
        takes=("tk", "nunique"),
        mean_s=("d", "mean"),
        median_s=("d", lambda v: float(np.median(v))),
        min_s=("d", "min"),
        max_s=("d", "max"),
    )


def activity_durations(ref: Reference, flicker: int = 0) -> pd.DataFrame:
    rows = [
        (tk.split("/")[0], tk, act, (e - s + 1) / FPS)
        for (tk, _), events in seq.cases(ref.intervals, flicker).items()
        for s, e, act in events
    ]
    df = pd.DataFrame(rows, columns=["surgery_type", "tk", "activity", "d"])
    return _stats(df, ["surgery_type", "activity"], "instances")


def phase_durations(ref: Reference) -> pd.DataFrame:
    iv = ref.intervals[ref.intervals["relation"].isin(KEY_RELATIONS)]
    g = iv.groupby(["take", "relation"], as_index=False).agg(
        s=("start_frame", "min"), e=("end_frame", "max")
    )
    df = pd.DataFrame(
        {
            "surgery_type": g["take"].str.split("/").str[0],
            "tk": g["take"],
            "phase": g["relation"],
            "d": (g["e"] - g["s"] + 1) / FPS,
        }
    )
    return _stats(df, ["surgery_type", "phase"], "occurrences")


def waiting_times(ref: Reference, flicker: int = 0) -> pd.DataFrame:
    rows = []
    for (tk, role), events in seq.cases(ref.intervals, flicker).items():
        for a, b in zip(events, events[1:], strict=False):
            if b[0] > a[1]:
                rows.append((tk.split("/")[0], tk, role, (b[0] - a[1] - 1) / FPS))
    df = pd.DataFrame(rows, columns=["surgery_type", "tk", "role", "d"])
    return _stats(df, ["surgery_type", "role"], "waits")


def idle_time(ref: Reference) -> pd.DataFrame:
    busy = ref.rows[ref.rows["subject"].isin(ROLES)].groupby(["take", "subject"])["frame"].nunique()
    ents = ref.entities[ref.entities["entity"].isin(ROLES)]
    takes = ref.takes.set_index("take")
    rows = []
    for take, role in ents.itertuples(index=False):
        annotated = int(takes.loc[take, "annotated_frames"])
        b = int(busy.get((take, role), 0))
        share = (annotated - b) / annotated if annotated else np.nan
        rows.append(
            (takes.loc[take, "surgery_type"], take, role, annotated, b, annotated - b, share)
        )
    cols = ["surgery_type", "take", "role", "annotated_frames", "busy_frames", "idle_frames"]
    return pd.DataFrame(rows, columns=[*cols, "idle_share"])
