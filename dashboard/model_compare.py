"""Two stored prediction runs compared: per-relation F1 side by side, and where they disagree.

A click on a relation's bar or row narrows the disagreements to that relation; each one
opens the frame viewer with either run (or both) beside the truth.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from orgraph.core.vocabulary import SPLITS
from orgraph.dashboard import model_charts, model_data, runs
from orgraph.dashboard.moment_links import frame_url

SHOWN = 200
PAIR = ["take", "frame", "subject", "object"]
RELATION = "mc_relation"
"""Session key of the relation the disagreements are narrowed to (absent: all)."""


def f1_side_by_side(a: str, b: str, reports: dict[str, dict]) -> pd.DataFrame:
    """Per relation (with truth support): F1 of each run and the difference b - a."""
    labels = runs.per_label(reports)
    wide = labels.pivot(index="label", columns="model", values="f1")
    support = labels.groupby("label")["support"].first()
    out = pd.DataFrame(
        {"label": wide.index, a: wide[a].to_numpy(), b: wide[b].to_numpy()}
    ).reset_index(drop=True)
    out["difference"] = out[b] - out[a]
    out["support"] = support.reindex(out["label"]).to_numpy()
    return out.sort_values("difference").reset_index(drop=True)


def disagreements(a: str, b: str, pa: pd.DataFrame, pb: pd.DataFrame) -> pd.DataFrame:
    """Pair-frames where the two runs predict differently, with the truth and who is right.

    A pair missing from one run's table is `none` there (not predicted, or not in play).
    """
    left = pa[[*PAIR, "truth", "predicted"]].rename(columns={"predicted": a})
    right = pb[[*PAIR, "truth", "predicted"]].rename(columns={"predicted": b, "truth": "_t"})
    both = left.merge(right, on=PAIR, how="outer")
    both["truth"] = both["truth"].fillna(both["_t"])
    both = both.drop(columns="_t").fillna({a: "none", b: "none"})
    diff = both[both[a] != both[b]].copy()
    diff["right"] = [
        a if x == t else b if y == t else "neither"
        for x, y, t in zip(diff[a], diff[b], diff["truth"], strict=True)
    ]
    return diff.sort_values(PAIR).reset_index(drop=True)


def about_relation(diff: pd.DataFrame, a: str, b: str, relation: str) -> pd.DataFrame:
    """The disagreements with `relation` as the truth or either run's prediction."""
    mask = (diff["truth"] == relation) | (diff[a] == relation) | (diff[b] == relation)
    return diff[mask].reset_index(drop=True)


def on_relation_bar(key: str) -> None:
    """Callback of the F1 bars: narrow to the clicked relation."""
    points = model_charts.selected_points(st.session_state.get(key))
    if points and points[0].get("customdata"):
        st.session_state[RELATION] = str(points[0]["customdata"][0])


def on_relation_row(key: str, table: pd.DataFrame) -> None:
    """Callback of the F1 table: narrow to the clicked row's relation."""
    rows = model_charts.selected_rows(st.session_state.get(key))
    if rows:
        st.session_state[RELATION] = str(table.iloc[rows[0]]["label"])


def f1_bars(table: pd.DataFrame, a: str, b: str) -> go.Figure:
    """Grouped F1 bars of A and B per relation; customdata [label, model] for a click."""
    long = table.melt(id_vars=["label"], value_vars=[a, b], var_name="model", value_name="f1")
    fig = px.bar(
        long,
        x="label",
        y="f1",
        color="model",
        barmode="group",
        custom_data=["label", "model"],
        color_discrete_map=model_charts.colour_map([a, b]),
        title="Per-relation F1, A and B (click a bar for the frames where they disagree on it)",
    )
    fig.update_yaxes(range=[0, 1.0])
    return fig


def _links(df: pd.DataFrame, a: str, b: str) -> tuple[pd.DataFrame, dict]:
    out = df.copy()
    out.insert(
        0, "open B", [frame_url(t, f, b) for t, f in zip(df["take"], df["frame"], strict=True)]
    )
    out.insert(
        0, "open A", [frame_url(t, f, a) for t, f in zip(df["take"], df["frame"], strict=True)]
    )
    out.insert(
        0,
        "open both",
        [frame_url(t, f, a, b) for t, f in zip(df["take"], df["frame"], strict=True)],
    )
    config = {
        "open both": st.column_config.LinkColumn("Both", display_text="A and B ▸"),
        "open A": st.column_config.LinkColumn("With A", display_text=f"{a} ▸"),
        "open B": st.column_config.LinkColumn("With B", display_text=f"{b} ▸"),
    }
    return out, config


def render(names: list[str], empty: str) -> None:
    """Choose two runs and a split, then the F1 table, its chart and the disagreements."""
    if len(names) < 2:
        st.info(empty if not names else "Only one prediction run is stored; store another.")
        return
    c1, c2, c3 = st.columns([2, 2, 1])
    a = c1.selectbox("Run A", names, index=0, key="mc_a")
    b = c2.selectbox("Run B", names, index=1, key="mc_b")
    split = c3.selectbox("Split", SPLITS, index=SPLITS.index("test"), key="mc_split")
    if a == b:
        st.caption("Choose two different runs.")
        return
    (ra, pa), (rb, pb) = (
        model_data.stored_evaluation(a, split),
        model_data.stored_evaluation(b, split),
    )
    reports = {a: ra, b: rb}
    fa, fb = ra["overall"]["macro_f1"] or 0.0, rb["overall"]["macro_f1"] or 0.0
    m1, m2, m3 = st.columns(3)
    m1.metric(f"A: {a}", f"{fa:.4f}")
    m2.metric(f"B: {b}", f"{fb:.4f}")
    m3.metric("B - A", f"{fb - fa:+.4f}")
    st.caption(
        "The frames behind B - A are where the two runs disagree (below); each run's own "
        "mistakes are listed under *Prediction runs in the graph*."
    )
    table = f1_side_by_side(a, b, reports)
    st.plotly_chart(
        f1_bars(table, a, b),
        key="mc_f1",
        on_select=partial(on_relation_bar, "mc_f1"),
        selection_mode="points",
    )
    st.dataframe(
        table,
        hide_index=True,
        key="mc_table",
        on_select=partial(on_relation_row, "mc_table", table),
        selection_mode="single-row",
    )
    show_disagreements(disagreements(a, b, pa, pb), a, b)


def show_disagreements(diff: pd.DataFrame, a: str, b: str) -> None:
    """All disagreements (the frames behind B - A), or those about the clicked relation."""
    relation = st.session_state.get(RELATION)
    if relation is not None:
        diff = about_relation(diff, a, b, relation)
        if st.button("Show every relation", key="mc_all"):
            st.session_state.pop(RELATION, None)
            st.rerun()
    about = f" on **{relation}**" if relation is not None else ""
    st.markdown(f"**Where they disagree**{about}: {len(diff)} pair-frames (first {SHOWN} shown)")
    st.caption("Every disagreement is behind B - A; click a relation's bar or row to narrow them.")
    shown, config = _links(diff.head(SHOWN), a, b)
    st.dataframe(shown, hide_index=True, column_config=config, key="mc_disagree")
