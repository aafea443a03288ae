"""Set algebra on runs of frames, vectorised with numpy (no per-frame work).

A run table is a DataFrame with an int `take` code, one int column per variable
(the bound entity's index), and `start`, `end` (inclusive frames), `a_s` and `a_e`:
the number of annotated frames of the take before `start` and before `end + 1`.
Those two counts tell whether only unannotated frames lie between two runs, and how
many annotated frames a run covers (`a_e - a_s`), without reading any frame.

Within one key (take plus variables) a table made by `merge_runs` holds disjoint runs
sorted by start; `intersect`, `subtract` and `follow` rely on that for the side they
search (np.searchsorted on keys encoded as `combo * BAND + frame`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BAND = 1 << 26
"""Frames of one key's band in the encoded axis: more than any take has frames."""
LOW, HIGH = -1, BAND - 2
"""Stand-ins for minus and plus infinity inside a band."""
RUN = ["start", "end", "a_s", "a_e"]


def empty(variables: list[str]) -> pd.DataFrame:
    """A run table with no rows."""
    return pd.DataFrame({c: np.zeros(0, dtype=np.int64) for c in ["take", *variables, *RUN]})


def merge_runs(df: pd.DataFrame, variables: list[str], bridge: int) -> pd.DataFrame:
    """Union of the runs per key: overlapping or touching runs join, and runs with only
    unannotated frames between them join when there are at most `bridge` such frames."""
    keys = ["take", *variables]
    if df.empty:
        return empty(variables)
    key_cols = [df[k].to_numpy(np.int64) for k in keys]
    order = np.lexsort((df["start"].to_numpy(), *reversed(key_cols)))
    sorted_keys = [c[order] for c in key_cols]
    changed = np.zeros(len(order), dtype=bool)
    for c in sorted_keys:
        changed[1:] |= c[1:] != c[:-1]
    gid = np.cumsum(changed)
    s, e = df["start"].to_numpy()[order], df["end"].to_numpy()[order]
    a_s, a_e = df["a_s"].to_numpy()[order], df["a_e"].to_numpy()[order]
    band = gid * BAND
    reach = np.maximum.accumulate(band + e) - band  # furthest end so far in the group
    seen = np.maximum.accumulate(band + a_e) - band  # a_e grows with the end frame
    new = np.ones(len(s), dtype=bool)
    prev_end, prev_ae = reach[:-1], seen[:-1]
    gap = s[1:] - prev_end[:] - 1
    joins = (gap <= 0) | ((a_s[1:] == prev_ae) & (gap <= bridge))
    new[1:] = (gid[1:] != gid[:-1]) | ~joins
    first = np.flatnonzero(new)
    columns = {k: c[first] for k, c in zip(keys, sorted_keys, strict=True)}
    columns["start"] = s[first]
    columns["end"] = np.maximum.reduceat(e, first)
    columns["a_s"] = a_s[first]
    columns["a_e"] = np.maximum.reduceat(a_e, first)
    return pd.DataFrame(columns)


def combine(
    left: pd.DataFrame, right: pd.DataFrame, lvars: list[str], rvars: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Tag both tables with a `cid` per consistent binding of all their variables.

    Shared variables must agree; different variables must bind different entities.
    """
    shared = ["take", *[v for v in lvars if v in rvars]]
    allvars = [*lvars, *[v for v in rvars if v not in lvars]]
    lk = left[["take", *lvars]].drop_duplicates()
    rk = right[["take", *rvars]].drop_duplicates()
    combos = lk.merge(rk, on=shared)
    for i, a in enumerate(allvars):
        for b in allvars[i + 1 :]:
            combos = combos[combos[a] != combos[b]]
    combos = combos.sort_values(["take", *allvars]).reset_index(drop=True)
    combos["cid"] = np.arange(len(combos), dtype=np.int64)
    lx = left.merge(combos[["take", *lvars, "cid"]], on=["take", *lvars])
    rx = right.merge(combos[["take", *rvars, "cid"]], on=["take", *rvars])
    rx = rx.drop(columns=[v for v in rvars if v in lvars] + ["take"])
    return lx, rx, allvars


def _pairs(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) for every j in [lo[i], hi[i])."""
    count = np.maximum(hi - lo, 0)
    li = np.repeat(np.arange(len(lo)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return li, np.repeat(lo, count) + offsets


def _sorted_by(df: pd.DataFrame, column: str) -> pd.DataFrame:
    return df.sort_values(["cid", column], kind="stable").reset_index(drop=True)


def _clip(a: pd.DataFrame, b: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """The overlap of row-aligned runs a and b, written into `out`."""
    later = a["start"].to_numpy() >= b["start"].to_numpy()
    out["start"] = np.where(later, a["start"], b["start"])
    out["a_s"] = np.where(later, a["a_s"], b["a_s"])
    sooner = a["end"].to_numpy() <= b["end"].to_numpy()
    out["end"] = np.where(sooner, a["end"], b["end"])
    out["a_e"] = np.where(sooner, a["a_e"], b["a_e"])
    return out


def _overlapping(left: pd.DataFrame, right: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j) of left runs and overlapping right runs of the same cid.

    `right` must hold disjoint runs per cid, sorted by (cid, start).
    """
    lband, rband = left["cid"].to_numpy() * BAND, right["cid"].to_numpy() * BAND
    lo = np.searchsorted(rband + right["end"].to_numpy(), lband + left["start"].to_numpy(), "left")
    hi = np.searchsorted(rband + right["start"].to_numpy(), lband + left["end"].to_numpy(), "right")
    return _pairs(lo, hi)


def intersect(
    left: pd.DataFrame, right: pd.DataFrame, lvars: list[str], rvars: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Frames where both hold, per binding of the variables of both sides."""
    lx, rx, allvars = combine(left, right, lvars, rvars)
    if lx.empty or rx.empty:
        return empty(allvars), allvars
    rx = _sorted_by(rx, "start")
    li, ri = _overlapping(lx, rx)
    a, b = lx.iloc[li].reset_index(drop=True), rx.iloc[ri].reset_index(drop=True)
    out = a[["take", *lvars]].copy()
    for v in allvars:
        if v not in lvars:
            out[v] = b[v].to_numpy()
    return _clip(a, b, out)[["take", *allvars, *RUN]], allvars


def complement(runs: pd.DataFrame) -> pd.DataFrame:
    """The gaps around disjoint runs per `cid`, from minus to plus infinity, sorted."""
    runs = _sorted_by(runs, "start")
    cid = runs["cid"].to_numpy()
    first = np.r_[True, cid[1:] != cid[:-1]]
    last = np.r_[cid[1:] != cid[:-1], True]
    ends, a_e = runs["end"].to_numpy(), runs["a_e"].to_numpy()
    before = pd.DataFrame(
        {
            "cid": cid,
            "start": np.where(first, LOW, np.r_[0, ends[:-1] + 1]),
            "a_s": np.where(first, 0, np.r_[0, a_e[:-1]]),
            "end": runs["start"].to_numpy() - 1,
            "a_e": runs["a_s"].to_numpy(),
        }
    )
    after = pd.DataFrame(
        {
            "cid": cid[last],
            "start": ends[last] + 1,
            "a_s": a_e[last],
            "end": np.full(int(last.sum()), HIGH),
            "a_e": np.full(int(last.sum()), np.iinfo(np.int64).max // 4),
        }
    )
    gaps = pd.concat([before, after], ignore_index=True)
    return _sorted_by(gaps[gaps["start"] <= gaps["end"]], "start")


def subtract(
    pieces: pd.DataFrame, negative: pd.DataFrame, pvars: list[str], nvars: list[str]
) -> pd.DataFrame:
    """The pieces minus the frames where the negated runs hold (nvars within pvars)."""
    if pieces.empty or negative.empty:
        return pieces
    keys = ["take", *nvars]
    nk = negative[keys].drop_duplicates()
    nk["cid"] = np.arange(len(nk), dtype=np.int64)
    hit = pieces.merge(nk, on=keys, how="left")
    untouched = hit[hit["cid"].isna()].drop(columns="cid")
    touched = hit[hit["cid"].notna()].astype({"cid": np.int64}).reset_index(drop=True)
    gaps = complement(negative.merge(nk, on=keys)[["cid", *RUN]])
    pi, gi = _overlapping(touched, gaps)
    a, b = touched.iloc[pi].reset_index(drop=True), gaps.iloc[gi].reset_index(drop=True)
    cut = _clip(a, b, a[["take", *pvars]].copy())
    return pd.concat([untouched, cut], ignore_index=True)[["take", *pvars, *RUN]]


def start_state(runs: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
    """Moments of a first step, in the shape `follow` extends."""
    state = runs[["take", *variables]].copy()
    state["first_start"], state["first_a_s"] = runs["start"], runs["a_s"]
    state["last_start"], state["last_end"] = runs["start"], runs["end"]
    state["end"], state["a_e"] = runs["end"], runs["a_e"]
    state["s0"], state["e0"] = runs["start"], runs["end"]
    return state


def follow(
    state: pd.DataFrame,
    runs: pd.DataFrame,
    svars: list[str],
    rvars: list[str],
    window: np.ndarray,
    step: int,
) -> tuple[pd.DataFrame, list[str]]:
    """Extend each moment by every run that starts after the last step's start and at
    most `window[take]` frames after the last step's end (`start - last_end - 1 <= w`)."""
    sx, rx, allvars = combine(state, runs, svars, rvars)
    if sx.empty or rx.empty:
        return state.iloc[0:0].assign(**{v: [] for v in allvars if v not in svars}), allvars
    rx = _sorted_by(rx, "start")
    sband, rband = sx["cid"].to_numpy() * BAND, rx["cid"].to_numpy() * BAND
    rstart = rband + rx["start"].to_numpy()
    w = window[sx["take"].to_numpy()]
    lo = np.searchsorted(rstart, sband + sx["last_start"].to_numpy(), "right")
    hi = np.searchsorted(rstart, sband + sx["last_end"].to_numpy() + 1 + w, "right")
    si, ri = _pairs(lo, hi)
    a, b = sx.iloc[si].reset_index(drop=True), rx.iloc[ri].reset_index(drop=True)
    out = a.drop(columns="cid")
    for v in allvars:
        if v not in svars:
            out[v] = b[v].to_numpy()
    out["last_start"], out["last_end"] = b["start"].to_numpy(), b["end"].to_numpy()
    longer = b["end"].to_numpy() > a["end"].to_numpy()
    out["end"] = np.where(longer, b["end"], a["end"])
    out["a_e"] = np.where(longer, b["a_e"], a["a_e"])
    out[f"s{step}"], out[f"e{step}"] = b["start"].to_numpy(), b["end"].to_numpy()
    return out, allvars
