"""Plotly figures used by several pages: the swimlane Gantt, bars, heatmaps and curves."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

PALETTE = px.colors.qualitative.Dark24 + px.colors.qualitative.Light24


def gantt(intervals: pd.DataFrame, lanes: list[str]) -> go.Figure:
    """One lane per subject, one bar per interaction interval (seconds), coloured by relation.

    Each bar carries its start frame as customdata, so a click can open that frame.
    """
    fig = go.Figure()
    relations = sorted(intervals["relation"].unique())
    for i, rel in enumerate(relations):
        part = intervals[intervals["relation"] == rel]
        fig.add_trace(
            go.Bar(
                name=rel,
                orientation="h",
                y=part["subject"],
                base=part["start_time"],
                x=part["end_time"] - part["start_time"],
                marker_color=PALETTE[i % len(PALETTE)],
                customdata=part[["start_frame", "end_frame", "object"]].to_numpy(),
                hovertemplate="%{y} " + rel + " %{customdata[2]}<br>frames %{customdata[0]}-"
                "%{customdata[1]}<br>%{base:.2f}s + %{x:.2f}s<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="overlay",
        height=140 + 42 * max(1, len(lanes)),
        legend_title="relation",
        xaxis_title="time (s)",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(lanes))},
    )
    fig.update_xaxes(rangeslider_visible=True)
    return fig


def bar(
    df: pd.DataFrame,
    x: str,
    y: str,
    color: str | None = None,
    title: str = "",
    horizontal: bool = False,
) -> go.Figure:
    """A bar chart (horizontal bars read better for long names)."""
    if horizontal:
        fig = px.bar(df, x=y, y=x, color=color, orientation="h", title=title)
        fig.update_layout(
            yaxis={"categoryorder": "total ascending"}, height=max(320, 22 * df[x].nunique())
        )
    else:
        fig = px.bar(df, x=x, y=y, color=color, title=title)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def heatmap(matrix: pd.DataFrame, title: str, x_title: str, y_title: str) -> go.Figure:
    """A labelled heatmap of a square or rectangular count matrix."""
    fig = px.imshow(
        matrix, text_auto=True, aspect="auto", color_continuous_scale="Blues", title=title
    )
    fig.update_layout(
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=max(400, 24 * len(matrix)),
        margin={"l": 10, "r": 10, "t": 40},
    )
    return fig


def curves(df: pd.DataFrame, x: str, columns: list[str], title: str, y_title: str) -> go.Figure:
    """Several metrics against the epoch, one line each."""
    long = df.melt(id_vars=[x], value_vars=columns, var_name="series", value_name=y_title)
    fig = px.line(long, x=x, y=y_title, color="series", markers=True, title=title)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def phase_chart(df: pd.DataFrame) -> go.Figure:
    """Per take, each key action's span from first to last occurrence (share of the take)."""
    fig = go.Figure()
    actions = sorted(df["action"].unique())
    for i, action in enumerate(actions):
        part = df[df["action"] == action]
        fig.add_trace(
            go.Bar(
                name=action,
                orientation="h",
                y=part["take"],
                base=part["first_position"],
                x=(part["last_position"] - part["first_position"]).clip(lower=0.005),
                marker_color=PALETTE[i % len(PALETTE)],
            )
        )
    fig.update_layout(
        barmode="overlay",
        xaxis_title="position in the take (0 = start, 1 = end)",
        xaxis_range=[0, 1],
        height=160 + 40 * df["take"].nunique(),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig
