"""One evaluation on the Model page: scopes, per-relation scores, confusion, consistency.

Every score can be clicked (a take's row, a relation's bar, a confusion cell) to list the
frames behind it, for the models whose predictions are stored in the graph.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from orgraph.dashboard import model_charts, model_drill, model_flicker, runs

TAKE_WIDTH, SCORE_WIDTH = 160, 120
"""Pixel widths of the consistency table's columns (a cell click opens its frame pairs)."""
NO_FRAMES_PUBLISHED = (
    "The published numbers have no frames behind them here: their authors measured them on "
    "the real EgoExOR test set, which is not in this graph. This graph's own overall scores "
    "open their frames from the *overall* row of the scope table above."
)


def show_scopes(reports: dict[str, dict], prefix: str) -> None:
    """Macro F1 per take, surgery type and overall; a row opens the mistakes behind it."""
    st.markdown("**Macro F1 per take, per surgery type and overall** (click a row)")
    table = runs.scope_table(reports)
    key = f"{prefix}_scopes"
    st.dataframe(
        table,
        hide_index=True,
        key=key,
        on_select=partial(model_drill.on_scope, key, table),
        selection_mode="single-row",
        column_config={m: st.column_config.NumberColumn(m, format="%.4f") for m in reports},
    )


def show_relations(reports: dict[str, dict], prefix: str) -> None:
    """Grouped precision / recall / F1 bars per relation, one colour per model."""
    labels = runs.per_label(reports)
    key = f"{prefix}_relations"
    st.plotly_chart(
        model_charts.relation_bars(labels),
        key=key,
        on_select=partial(model_drill.on_relation, key),
        selection_mode="points",
    )


def show_confusion(reports: dict[str, dict], prefix: str) -> None:
    """The chosen model's confusion matrix, row shares by default, counts on hover."""
    left, mid, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    model = left.selectbox("Confusion matrix of", list(reports), key=f"{prefix}_cm_model")
    share = mid.toggle("Row shares", value=True, key=f"{prefix}_cm_share")
    with_none = right.toggle("Include none", value=True, key=f"{prefix}_cm_none")
    matrix = runs.confusion(reports[model], include_none=with_none)
    key = f"{prefix}_confusion"
    title = f"Confusion ({model}): truth rows, {'share of each row' if share else 'pairs'}"
    st.plotly_chart(
        model_charts.confusion_figure(matrix, title, normalise=share),
        key=key,
        on_select=partial(model_drill.on_confusion, key, model),
        selection_mode="points",
    )


def show_consistency(
    reports: dict[str, dict], prefix: str, changes: dict[str, pd.DataFrame], stored: dict
) -> None:
    """Temporal consistency per take of the truth and of each model; a bar opens its frames."""
    table = runs.consistency_table(reports)
    if table.empty:
        st.caption("This evaluation has no temporal consistency (saved by an older ORGraph).")
        return
    key = f"{prefix}_consistency"
    st.plotly_chart(
        model_charts.consistency_bars(table),
        key=key,
        on_select=partial(model_flicker.on_consistency, key, prefix),
        selection_mode="points",
    )
    model_flicker.show_changes(prefix, changes, stored)
    wide = table.pivot(index="take", columns="model", values="consistency").reset_index()
    wide.columns.name = None
    table_key = f"{prefix}_consistency_table"
    st.dataframe(
        wide,
        hide_index=True,
        key=table_key,
        on_select=partial(model_flicker.on_consistency_cell, table_key, prefix, wide),
        selection_mode="single-cell",
        use_container_width=False,
        column_config={
            "take": st.column_config.TextColumn("take", width=TAKE_WIDTH),
            **{
                m: st.column_config.NumberColumn(m, format="%.4f", width=SCORE_WIDTH)
                for m in wide.columns[1:]
            },
        },
    )


def show_evaluation(
    reports: dict[str, dict],
    source: str,
    prefix: str,
    pairs: dict[str, pd.DataFrame] | None = None,
    stored: dict[str, str] | None = None,
    changes: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Everything of one evaluation; `pairs` / `stored` name the models that can be drilled,
    `changes` the frame pairs behind each model's (and the truth's) consistency."""
    first = next(iter(reports.values()))
    st.caption(f"From {source}; entities in play: {first.get('entities', '?')}")
    show_scopes(reports, prefix)
    show_relations(reports, prefix)
    show_confusion(reports, prefix)
    model_drill.show_frames(pairs or {}, stored or {})
    st.markdown("**Temporal consistency** (mean Jaccard of consecutive frames' triplet sets)")
    show_consistency(reports, prefix, changes or {}, stored or {})
    st.markdown("**Baselines and published numbers**")
    st.dataframe(runs.headline(reports), hide_index=True, key=f"{prefix}_headline")
    st.caption(NO_FRAMES_PUBLISHED)
    st.warning(runs.NOTE)
