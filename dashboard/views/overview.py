"""Overview: how much data the graph holds, and which relations and entities dominate."""

from __future__ import annotations

import streamlit as st

from orgraph.dashboard import charts, data
from orgraph.dashboard.context import run_page


def render() -> None:
    """Counts at a glance, the per-procedure table, then relation and entity charts."""
    s = data.summary()
    takes = data.takes()
    procedures = takes[["surgery_type", "procedure_id"]].drop_duplicates()
    cols = st.columns(5)
    cols[0].metric("Procedures", len(procedures))
    cols[1].metric("Takes", len(s["takes"]))
    cols[2].metric("Frames", s["frames"])
    cols[3].metric("Annotated frames", s["annotated_frames"])
    cols[4].metric("Triplets", s["triplets"])
    split_cols = st.columns(max(1, len(s["splits"])))
    for col, (name, frames) in zip(split_cols, s["splits"].items(), strict=False):
        col.metric(f"Frames in {name}", frames)

    st.subheader("Per procedure and split")
    st.dataframe(data.catalog("dataset_overview"), hide_index=True)

    left, right = st.columns(2)
    with left:
        st.subheader("Relation frequencies")
        rel = data.catalog("relation_frequencies", level="surgery_type")
        st.plotly_chart(
            charts.bar(rel, "relation", "triplets", color="key", horizontal=True),
            key="relations_chart",
        )
    with right:
        st.subheader("Entity frequencies")
        ent = data.catalog("entity_frequencies", level="surgery_type")
        long = ent.melt(
            id_vars=["entity"],
            value_vars=["subject_triplets", "object_triplets"],
            var_name="as",
            value_name="triplets",
        )
        long = long.groupby(["entity", "as"], as_index=False)["triplets"].sum()
        st.plotly_chart(
            charts.bar(long, "entity", "triplets", color="as", horizontal=True),
            key="entities_chart",
        )


run_page("Overview", render)
