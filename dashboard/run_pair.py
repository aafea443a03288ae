"""Two stored prediction runs beside the truth for one frame (the Model page's "runs
compared" opens the frame viewer with both)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

TRIPLET = ["subject", "relation", "object"]


def _triplets(df: pd.DataFrame | None) -> set[tuple[str, str, str]]:
    if df is None or not len(df):
        return set()
    return set(map(tuple, df[TRIPLET].itertuples(index=False)))


def two_run_status(truth: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Every triplet of the truth or of either run, with whether each side holds it."""
    t, pa, pb = _triplets(truth), _triplets(a), _triplets(b)
    rows = [(*x, x in t, x in pa, x in pb) for x in sorted(t | pa | pb)]
    return pd.DataFrame(rows, columns=[*TRIPLET, "truth", "a", "b"])


def agreement_line(status: pd.DataFrame, name: str, col: str) -> str:
    """'gnn: 5 correct, 1 missed, 2 extra' for one run of the table."""
    hit = int((status["truth"] & status[col]).sum())
    missed = int((status["truth"] & ~status[col]).sum())
    extra = int((~status["truth"] & status[col]).sum())
    return f"**{name}**: {hit} correct, {missed} missed, {extra} extra"


def show_two_runs(status: pd.DataFrame, a: str, b: str) -> None:
    """Counts per run and the triplet table with a tick per side."""
    st.markdown(
        f"**Both runs beside the truth** · {agreement_line(status, a, 'a')} · "
        f"{agreement_line(status, b, 'b')}"
    )
    shown = status.rename(columns={"a": a, "b": b})
    for col in ("truth", a, b):
        shown[col] = shown[col].map({True: "✓", False: ""})
    st.dataframe(shown, hide_index=True, key="fv_two_runs")
