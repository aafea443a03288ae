"""Workflow patterns: directly-follows graphs, n-grams, handovers, object lifecycles,
variants, performance, take comparison, concurrency and phases.

One view at a time (only its queries run); each view offers its tables as CSV. The
surgery type chosen at the top filters every view (docs/workflow-mining.md).
"""

from __future__ import annotations

import streamlit as st

from orgraph.core.vocabulary import ROLES
from orgraph.dashboard import charts, data, workflow_charts
from orgraph.dashboard.context import run_page
from orgraph.dashboard.graphs import dfg_dot
from orgraph.dashboard.moment_links import show_linked
from orgraph.dashboard.workflow_views import (
    ANY,
    comparison_view,
    download,
    object_views,
    performance_view,
    surgery_types,
    takes_of,
    variants_view,
)

_download = download


def _take_filter(key: str, surgery: str | None) -> str | None:
    choice = st.selectbox("Take", [ANY, *takes_of(surgery)], key=key)
    return None if choice == ANY else choice


def directly_follows(surgery: str | None) -> None:
    """One role's directly-follows graph per surgery type, summed over the chosen takes."""
    c1, c2, c3, c4 = st.columns(4)
    role = c1.selectbox("Role", ROLES, key="df_role")
    with c2:
        take = _take_filter("df_take", surgery)
    flicker = c3.slider("Flicker tolerance (frames)", 0, 15, 0, key="df_flicker")
    top = c4.slider("Most frequent edges shown", 5, 80, 25, key="df_top")
    df = data.catalog(
        "directly_follows", role=role, take=take, surgery_type=surgery, flicker=flicker
    )
    if df.empty:
        st.info(f"No actions of {role} found.")
        return
    st.caption(
        "Edges join consecutive activity starts; an activity started while the previous one "
        "still ran is concurrent (table below), not an edge. Edge labels: count | median gap."
    )
    for surgery_type, part in df.groupby("surgery_type"):
        st.markdown(f"**{surgery_type}**")
        st.graphviz_chart(dfg_dot(part, top, timed=True))
    st.dataframe(df, hide_index=True)
    _download(df, f"directly_follows_{role}")


def ngrams(surgery: str | None) -> None:
    """Frequent runs of n consecutive actions per role."""
    c1, c2, c3, c4 = st.columns(4)
    role = c1.selectbox("Role", [ANY, *ROLES], key="ng_role")
    n = c2.selectbox("n", (2, 3, 4), key="ng_n")
    support = c3.number_input("Minimum support (takes)", 1, 100, 1, key="ng_support")
    collapse = c4.toggle("Collapse repeats", value=True, key="ng_collapse")
    df = data.catalog(
        "ngrams",
        role=None if role == ANY else role,
        n=n,
        min_support=support,
        collapse=collapse,
        surgery_type=surgery,
    )
    if df.empty:
        st.info("No pattern reaches this support.")
        return
    top = df.nlargest(25, "occurrences").assign(label=lambda d: d["role"] + ": " + d["pattern"])
    st.plotly_chart(
        charts.bar(
            top, "label", "occurrences", color="role", horizontal=True, colours=charts.ROLE_COLOURS
        ),
        key="ngram_chart",
    )
    st.dataframe(df, hide_index=True)
    _download(df, f"ngrams_{n}")


def handovers(surgery: str | None) -> None:
    """Objects passed from one role to another: counts per pair, Sankey, every handover."""
    c1, c2 = st.columns(2)
    with c1:
        take = _take_filter("ho_take", surgery)
    gap = c2.slider("Largest gap (frames)", 0, 150, 45, key="ho_gap")
    df = data.catalog("handovers", take=take, surgery_type=surgery, max_gap=gap)
    if df.empty:
        st.info("No handover found with this gap.")
        return
    pairs = df.groupby(["giver", "receiver"], as_index=False).size()
    matrix = pairs.pivot(index="giver", columns="receiver", values="size").fillna(0).astype(int)
    st.plotly_chart(
        charts.heatmap(matrix, "Handovers per pair of roles", "receiver", "giver"),
        key="handover_chart",
    )
    st.plotly_chart(workflow_charts.handover_sankey(df), key="handover_sankey")
    st.caption("*open* shows the receiver's first holding frame in the frame viewer.")
    show_linked(df, take="take", frame="receiver_start_frame", key="ho_table")
    _download(df, "handovers")


def concurrency(surgery: str | None) -> None:
    """Allen relations between the actions of two roles, counted per pair of roles."""
    c1, c2 = st.columns(2)
    with c1:
        take = _take_filter("al_take", surgery)
    window = c2.slider("'before' window (frames)", 0, 150, 30, key="al_window")
    df = data.catalog("allen_concurrency", take=take, surgery_type=surgery, before_window=window)
    if df.empty:
        st.info("No pair of concurrent actions found.")
        return
    totals = df.groupby(["x_role", "relation"], as_index=False)["pairs"].sum()
    colours = workflow_charts.ALLEN_COLOURS
    fig = charts.bar(totals, "x_role", "pairs", color="relation", colours=colours)
    st.plotly_chart(fig, key="allen_chart")
    st.dataframe(df.sort_values("pairs", ascending=False), hide_index=True)
    _download(df, "allen_concurrency")


def phases(chosen: str | None) -> None:
    """Key actions' first-to-last spans, compared across the takes of one surgery type."""
    surgery = chosen or st.selectbox("Surgery type", surgery_types(), key="ph_type")
    per_take = data.catalog("phase_timeline", surgery_type=surgery, level="take")
    if per_take.empty:
        st.info(f"No key action found in {surgery} takes.")
        return
    st.plotly_chart(charts.phase_chart(per_take), key="phase_chart")
    summary = data.catalog("phase_timeline", surgery_type=surgery, level="procedure")
    st.dataframe(summary, hide_index=True)
    _download(per_take, f"phases_{surgery}")


VIEWS = {
    "Directly-follows": directly_follows,
    "N-grams": ngrams,
    "Handovers": handovers,
    "Object lifecycles": object_views,
    "Variants": variants_view,
    "Performance": performance_view,
    "Take comparison": comparison_view,
    "Allen concurrency": concurrency,
    "Phase timelines": phases,
}


def render() -> None:
    """The surgery-type filter and the view chooser, then the chosen view."""
    choice = st.radio("Surgery type", [ANY, *surgery_types()], horizontal=True, key="wf_type")
    view = st.radio("View", tuple(VIEWS), horizontal=True, key="wf_view")
    VIEWS[view](None if choice == ANY else choice)


run_page("Workflow patterns", render)
