"""A strip per take showing where moments fall along the take (plotly)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

MOMENT_COLOUR = "#d62728"
TAKE_COLOUR = "#e6e6e6"


def strip(moments: pd.DataFrame, takes: pd.DataFrame) -> go.Figure:
    """One lane per take with moments: the take's length in grey, each moment in red.

    `takes` has take, frames and fps; a bar's customdata is (take, start frame), so a
    click can open the moment.
    """
    lanes = list(dict.fromkeys(moments["take"]))
    info = takes.set_index("take").loc[lanes]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=lanes,
            x=(info["frames"] / info["fps"]).to_numpy(),
            base=0,
            orientation="h",
            marker_color=TAKE_COLOUR,
            hoverinfo="skip",
            name="take",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Bar(
            y=moments["take"],
            x=(moments["end_time"] - moments["start_time"]).clip(lower=0.15),
            base=moments["start_time"],
            orientation="h",
            marker_color=MOMENT_COLOUR,
            marker_line={"color": "white", "width": 1},
            opacity=0.8,
            customdata=moments[["take", "start_frame", "end_frame"]].to_numpy(),
            hovertemplate="%{customdata[0]}<br>frames %{customdata[1]}-%{customdata[2]}"
            "<extra></extra>",
            name="moment",
            showlegend=False,
        )
    )
    fig.update_layout(
        barmode="overlay",
        height=max(160, 28 * len(lanes) + 80),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis_title="time in take (s)",
        yaxis={"autorange": "reversed"},
    )
    return fig
