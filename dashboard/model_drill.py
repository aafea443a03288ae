"""The frames behind a score: what a click on a confusion cell, a bar or a take row selects.

A click stores its filter (truth, predicted, relation, take and the model) in the session;
the list below the charts then shows the frames behind it, each opening the frame viewer
with the model's stored run selected.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from orgraph.dashboard.model_charts import selected_points, selected_rows
from orgraph.dashboard.moment_links import frame_url
from orgraph.gnn.evaluation.pairs import frames_behind

DRILL = "md_drill"
"""Session key of the current filter: {"model", "truth", "predicted", "relation", "take",
"surgery_type"}."""
FILTERS: tuple[str, ...] = ("truth", "predicted", "relation", "take", "surgery_type")
SHOWN = 200
LISTED = 5
"""The first few are also listed as plain links above the table."""


def set_filter(**given: Any) -> None:
    """Replace the current filter (None values are left out)."""
    st.session_state[DRILL] = {k: v for k, v in given.items() if v is not None}


def on_confusion(key: str, model: str) -> None:
    """Callback of the confusion heatmap: the clicked cell."""
    points = selected_points(st.session_state.get(key))
    if points and points[0].get("customdata"):
        truth, predicted = points[0]["customdata"][:2]
        set_filter(model=model, truth=str(truth), predicted=str(predicted))


def on_relation(key: str) -> None:
    """Callback of the per-relation bars: the clicked relation and model."""
    points = selected_points(st.session_state.get(key))
    if points and points[0].get("customdata"):
        label, model = points[0]["customdata"][:2]
        set_filter(model=str(model), relation=str(label))


def on_scope(key: str, table: pd.DataFrame) -> None:
    """Callback of the scope table: the clicked row (a take, a surgery type or overall)."""
    rows = selected_rows(st.session_state.get(key))
    if rows:
        row = table.iloc[rows[0]]
        previous = st.session_state.get(DRILL, {}).get("model")
        take = str(row["scope"]) if row["kind"] == "take" else None
        surgery_type = str(row["scope"]) if row["kind"] == "surgery type" else None
        set_filter(model=previous, take=take, surgery_type=surgery_type)


def describe(f: dict[str, Any]) -> str:
    """The filter in words."""
    parts = [f"{k.replace('_', ' ')} = **{f[k]}**" for k in FILTERS if k in f]
    return ", ".join(parts) or "all mistakes"


def show_frames(pairs: dict[str, pd.DataFrame], stored: dict[str, str]) -> None:
    """The frames behind the current filter, for a model whose pairs are known."""
    if not pairs:
        st.caption(
            "No model of this evaluation has its predictions stored in the graph, so its "
            "frames cannot be listed: `orgraph evaluate RUN --write-back` stores them."
        )
        return
    f = dict(st.session_state.get(DRILL, {}))
    models = list(pairs)
    model = f.get("model") if f.get("model") in pairs else models[0]
    if f.get("model") not in (None, model):
        st.caption(
            f"The predictions of {f['model']} are not stored in the graph (`orgraph evaluate "
            f"RUN --write-back` stores the GNN's and the baselines'); showing {model}'s."
        )
    st.markdown(f"**Frames behind the score** ({describe(f)}; model **{model}**)")
    st.caption("Click a confusion cell, a relation's bar or a row of the scope table to choose.")
    rows = frames_behind(
        pairs[model],
        f.get("truth"),
        f.get("predicted"),
        f.get("take"),
        f.get("relation"),
        f.get("surgery_type"),
    )
    run = stored.get(model)
    shown = rows.head(SHOWN)
    shown.insert(
        0,
        "open",
        [frame_url(t, fr, run) for t, fr in zip(shown["take"], shown["frame"], strict=True)],
    )
    st.caption(
        f"{len(rows)} pair-frames, longest runs of consecutive frames first"
        + (f"; the first {SHOWN} are shown" if len(rows) > SHOWN else "")
    )
    st.markdown(
        "\n".join(
            f"- [{r.take} frame {r.frame} ▸]({url}): {r.subject} → {r.object}, truth "
            f"*{r.truth}*, predicted *{r.predicted}* ({r.in_a_row} in a row)"
            for url, r in zip(shown["open"], shown.head(LISTED).itertuples(), strict=False)
        )
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="md_frames",
        column_config={
            "open": st.column_config.LinkColumn(
                "Open", help="Open in the frame viewer with this run", display_text="open ▸"
            )
        },
    )
