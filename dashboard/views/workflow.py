"""Workflow patterns: directly-follows graphs, n-grams, handovers, concurrency and phases.

One view at a time (only its queries run); each view offers its table as CSV.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgraph.core.vocabulary import ROLES
from orgraph.dashboard import charts, data
from orgraph.dashboard.context import run_page
from orgraph.dashboard.graphs import dfg_dot
from orgraph.dashboard.moment_links import show_linked

VIEWS = ("Directly-follows", "N-grams", "Handovers", "Allen concurrency", "Phase timelines")
ANY = "(all)"


def _download(df: pd.DataFrame, name: str) -> None:
    st.download_button(
        f"Download {name} (CSV)",
        df.to_csv(index=False),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
    )


def _take_filter(key: str) -> str | None:
    keys = [ANY, *map(str, data.takes()["take"])]
    choice = st.selectbox("Take", keys, key=key)
    return None if choice == ANY else choice


def directly_follows() -> None:
    """One role's directly-follows graph, summed over the chosen takes."""
    c1, c2, c3 = st.columns(3)
    role = c1.selectbox("Role", ROLES, key="df_role")
    with c2:
        take = _take_filter("df_take")
    top = c3.slider("Most frequent edges shown", 5, 80, 25, key="df_top")
    df = data.catalog("directly_follows", role=role, take=take)
    if df.empty:
        st.info(f"No consecutive actions of {role} found.")
        return
    st.graphviz_chart(dfg_dot(df, top))
    st.dataframe(df, hide_index=True)
    _download(df, f"directly_follows_{role}")


def ngrams() -> None:
    """Frequent runs of n consecutive actions per role."""
    c1, c2, c3 = st.columns(3)
    role = c1.selectbox("Role", [ANY, *ROLES], key="ng_role")
    n = c2.selectbox("n", (2, 3, 4), key="ng_n")
    support = c3.number_input("Minimum support (takes)", 1, 100, 1, key="ng_support")
    df = data.catalog("ngrams", role=None if role == ANY else role, n=n, min_support=support)
    if df.empty:
        st.info("No pattern reaches this support.")
        return
    top = df.nlargest(25, "occurrences").assign(label=lambda d: d["role"] + ": " + d["pattern"])
    st.plotly_chart(
        charts.bar(top, "label", "occurrences", color="role", horizontal=True), key="ngram_chart"
    )
    st.dataframe(df, hide_index=True)
    _download(df, f"ngrams_{n}")


def handovers() -> None:
    """Objects passed from one role to another: counts per pair, then every handover."""
    c1, c2 = st.columns(2)
    with c1:
        take = _take_filter("ho_take")
    gap = c2.slider("Largest gap (frames)", 0, 150, 45, key="ho_gap")
    df = data.catalog("handovers", take=take, max_gap=gap)
    if df.empty:
        st.info("No handover found with this gap.")
        return
    pairs = df.groupby(["giver", "receiver"], as_index=False).size()
    matrix = pairs.pivot(index="giver", columns="receiver", values="size").fillna(0).astype(int)
    st.plotly_chart(
        charts.heatmap(matrix, "Handovers per pair of roles", "receiver", "giver"),
        key="handover_chart",
    )
    st.caption("*open* shows the receiver's first holding frame in the frame viewer.")
    show_linked(df, take="take", frame="receiver_start_frame", key="ho_table")
    _download(df, "handovers")


def concurrency() -> None:
    """Allen relations between the actions of two roles, counted per pair of roles."""
    c1, c2 = st.columns(2)
    with c1:
        take = _take_filter("al_take")
    window = c2.slider("'before' window (frames)", 0, 150, 30, key="al_window")
    df = data.catalog("allen_concurrency", take=take, before_window=window)
    if df.empty:
        st.info("No pair of concurrent actions found.")
        return
    totals = df.groupby(["x_role", "relation"], as_index=False)["pairs"].sum()
    st.plotly_chart(charts.bar(totals, "x_role", "pairs", color="relation"), key="allen_chart")
    st.dataframe(df.sort_values("pairs", ascending=False), hide_index=True)
    _download(df, "allen_concurrency")


def phases() -> None:
    """Key actions' first-to-last spans, compared across the takes of one surgery type."""
    types = sorted(data.takes()["surgery_type"].unique())
    surgery = st.selectbox("Surgery type", types, key="ph_type")
    per_take = data.catalog("phase_timeline", surgery_type=surgery, level="take")
    if per_take.empty:
        st.info(f"No key action found in {surgery} takes.")
        return
    st.plotly_chart(charts.phase_chart(per_take), key="phase_chart")
    summary = data.catalog("phase_timeline", surgery_type=surgery, level="procedure")
    st.dataframe(summary, hide_index=True)
    _download(per_take, f"phases_{surgery}")


def render() -> None:
    """The view chooser, then the chosen view."""
    view = st.radio("View", VIEWS, horizontal=True, key="wf_view")
    {
        "Directly-follows": directly_follows,
        "N-grams": ngrams,
        "Handovers": handovers,
        "Allen concurrency": concurrency,
        "Phase timelines": phases,
    }[view]()


run_page("Workflow patterns", render)
