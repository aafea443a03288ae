"""The frames behind a temporal consistency bar: a take's consecutive frame pairs, worst first.

A click on a take's bar (the truth's or a model's) lists that take's pairs of consecutive
annotated frames, lowest Jaccard first, with the triplets that appeared and disappeared;
the mean of their Jaccards is the bar's height. Each row opens the frame viewer there.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgraph.dashboard.model_charts import selected_cells, selected_points
from orgraph.dashboard.moment_links import frame_url
from orgraph.gnn.evaluation.flicker import flicker

SHOWN = 200
LISTED = 5
TRUTH = "ground truth"


def state_key(prefix: str) -> str:
    """Session key of the clicked bar ({"model", "take"}) of one evaluation view."""
    return f"{prefix}_flicker"


def on_consistency(key: str, prefix: str) -> None:
    """Callback of the consistency bars: the clicked take and model (or the truth)."""
    points = selected_points(st.session_state.get(key))
    if points and points[0].get("customdata"):
        take, model = points[0]["customdata"][:2]
        st.session_state[state_key(prefix)] = {"model": str(model), "take": str(take)}


def on_consistency_cell(key: str, prefix: str, wide: pd.DataFrame) -> None:
    """Callback of the consistency table: the clicked cell's take and model."""
    cells = selected_cells(st.session_state.get(key))
    if cells and cells[0][1] != "take":
        row, model = cells[0]
        st.session_state[state_key(prefix)] = {"model": model, "take": str(wide.iloc[row]["take"])}


def with_links(rows: pd.DataFrame, run: str | None) -> pd.DataFrame:
    """The rows with an `open` column: the frame viewer at the pair's first frame."""
    shown = rows.head(SHOWN).copy()
    links = [frame_url(t, f, run) for t, f in zip(shown["take"], shown["frame"], strict=True)]
    shown.insert(0, "open", links)
    return shown


def show_changes(prefix: str, changes: dict[str, pd.DataFrame], stored: dict[str, str]) -> None:
    """The frame pairs behind the clicked bar; `changes` per model (and the truth)."""
    chosen = st.session_state.get(state_key(prefix))
    if not chosen:
        st.caption("Click a take's bar to list its consecutive frames, least alike first.")
        return
    model, take = chosen["model"], chosen["take"]
    if model not in changes:
        st.caption(
            f"The predictions of {model} are not stored in the graph, so the frames behind "
            "its consistency cannot be listed: `orgraph evaluate RUN --write-back` stores them."
        )
        return
    rows = flicker(changes[model], take)
    run = None if model == TRUTH else stored.get(model)
    shown = with_links(rows, run)
    mean = f"{rows['jaccard'].mean():.4f}" if len(rows) else "n/a"
    st.markdown(
        f"**Frames behind the consistency** (take = **{take}**; model **{model}**): "
        f"{len(rows)} consecutive frame pairs, mean Jaccard {mean}, least alike first"
    )
    st.markdown(
        "\n".join(
            f"- [{r.take} frame {r.frame} ▸]({r.open}) → frame {r.next_frame}: Jaccard "
            f"{r.jaccard:.2f}; appeared *{r.appeared or 'nothing'}*; disappeared "
            f"*{r.disappeared or 'nothing'}*"
            for r in shown.head(LISTED).itertuples()
        )
    )
    if len(rows) > SHOWN:
        st.caption(f"The first {SHOWN} are shown.")
    st.dataframe(
        shown,
        hide_index=True,
        key=f"{prefix}_flicker_frames",
        column_config={
            "open": st.column_config.LinkColumn(
                "Open", help="Open in the frame viewer at the first frame", display_text="open ▸"
            ),
            "jaccard": st.column_config.NumberColumn("Jaccard", format="%.3f"),
        },
    )
