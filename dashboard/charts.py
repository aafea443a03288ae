"""Plotly figures used by several pages: the swimlane Gantt, bars, heatmaps and curves."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from orgraph.core.vocabulary import ENTITIES, RELATIONS, ROLES

PALETTE = px.colors.qualitative.Dark24 + px.colors.qualitative.Light24


def vocabulary_colours(names: Sequence[str]) -> dict[str, str]:
    """One fixed colour per name of a vocabulary, by its position in the vocabulary."""
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


RELATION_COLOURS: dict[str, str] = vocabulary_colours(RELATIONS)
"""One fixed colour per relation (vocabulary order), the same in every take and chart:
the Timeline's bars, the phases and key actions, the take comparison."""

ROLE_COLOURS: dict[str, str] = vocabulary_colours(ROLES)
"""One fixed colour per role (ROLES order), whichever roles a chart shows."""

_PATTERNS = ("/", "\\", "x", "-", "|", "+", ".")
OBJECT_PATTERNS: dict[str, str] = {"patient": ""} | {
    e: _PATTERNS[i % len(_PATTERNS)] for i, e in enumerate(x for x in ENTITIES if x != "patient")
}
"""A fixed bar pattern per object (solid for the patient, vocabulary order for the rest):
tells apart key actions of one relation (one colour), e.g. cutting patient / tissue_paper."""

SUB_LANES = ("object", "relation")


def relation_colour(relation: str) -> str:
    """The relation's fixed colour (grey for a name outside the vocabulary)."""
    return RELATION_COLOURS.get(relation, "#9e9e9e")


def lane_label(subject: str, sub: str) -> str:
    """The y label of a sub-lane: "subject · object" (or relation)."""
    return f"{subject} · {sub}"


def lane_rows(intervals: pd.DataFrame, lanes: list[str], sub_lane: str) -> list[tuple[str, str]]:
    """(subject, sub-lane) rows in display order: lanes in the given order, sub-lanes sorted."""
    pairs = set(zip(intervals["subject"], intervals[sub_lane], strict=True))
    return [(lane, sub) for lane in lanes for sub in sorted(s for lz, s in pairs if lz == lane)]


def _lane_bands(fig: go.Figure, rows: list[tuple[str, str]]) -> None:
    """Shade every other role's block of sub-lanes so the role lanes stay visible."""
    labels = [lane_label(*r) for r in rows]
    roles = list(dict.fromkeys(r[0] for r in rows))
    for k, role in enumerate(roles):
        if k % 2:
            continue
        mine = [labels[i] for i, r in enumerate(rows) if r[0] == role]
        fig.add_hrect(
            y0=len(rows) - 1 - labels.index(mine[0]) + 0.5,
            y1=len(rows) - 1 - labels.index(mine[-1]) - 0.5,
            fillcolor="#eceff1",
            opacity=0.5,
            line_width=0,
            layer="below",
        )


def gantt(intervals: pd.DataFrame, lanes: list[str], sub_lane: str = "object") -> go.Figure:
    """One lane per subject split into sub-lanes (one per object or relation), one bar per
    interval (seconds), coloured by relation with fixed colours, so no bar hides another
    of a different sub-lane. Each bar carries its start frame as customdata (click opens
    it); drag zooms the time axis.
    """
    rows = lane_rows(intervals, lanes, sub_lane)
    fig = go.Figure()
    for rel in [r for r in (*RELATIONS, *sorted(set(intervals["relation"]) - set(RELATIONS)))]:
        part = intervals[intervals["relation"] == rel]
        if part.empty:
            continue
        length = part["end_time"] - part["start_time"]
        fig.add_trace(
            go.Bar(
                name=rel,
                orientation="h",
                y=[lane_label(a, b) for a, b in zip(part["subject"], part[sub_lane], strict=True)],
                base=part["start_time"],
                x=length,
                marker_color=relation_colour(rel),
                customdata=part[["start_frame", "end_frame", "object", "n_frames"]]
                .assign(end_s=part["end_time"])
                .to_numpy(),
                hovertemplate="<b>%{y}</b>: " + rel + " %{customdata[2]}<br>"
                "start %{base:.2f} s (frame %{customdata[0]})<br>"
                "end %{customdata[4]:.2f} s (frame %{customdata[1]})<br>"
                "length %{x:.2f} s (%{customdata[3]} frames)<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="overlay",
        dragmode="zoom",
        height=160 + 22 * max(1, len(rows)),
        legend_title="relation",
        xaxis_title="time (s)",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[lane_label(*r) for r in reversed(rows)],
        fixedrange=True,
    )
    _lane_bands(fig, rows)
    fig.update_xaxes(rangeslider_visible=True)
    return fig


def bar(
    df: pd.DataFrame,
    x: str,
    y: str,
    color: str | None = None,
    title: str = "",
    horizontal: bool = False,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """A bar chart (horizontal bars read better for long names); `colours` fixes the
    colour (and legend order) of each value of `color`, e.g. RELATION_COLOURS."""
    fixed = {}
    if colours is not None and color is not None:
        fixed = {"color_discrete_map": colours, "category_orders": {color: list(colours)}}
    if horizontal:
        fig = px.bar(df, x=y, y=x, color=color, orientation="h", title=title, **fixed)
        fig.update_layout(
            yaxis={"categoryorder": "total ascending"}, height=max(320, 22 * df[x].nunique())
        )
    else:
        fig = px.bar(df, x=x, y=y, color=color, title=title, **fixed)
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


def _vocabulary_rank(action: str) -> tuple[int, int, str]:
    """Sort key of "relation object": the relation's then the object's vocabulary position."""
    rel, _, obj = action.partition(" ")
    ranks = (RELATIONS.index(rel) if rel in RELATIONS else len(RELATIONS),)
    return (*ranks, ENTITIES.index(obj) if obj in ENTITIES else len(ENTITIES), action)


def phase_chart(df: pd.DataFrame) -> go.Figure:
    """Per take, each key action's span from first to last occurrence (share of the take).

    A bar has its relation's fixed colour (RELATION_COLOURS, as on the Timeline) and its
    object's fixed pattern, so an action looks the same in every take and surgery type.
    """
    fig = go.Figure()
    for action in sorted(df["action"].unique(), key=_vocabulary_rank):
        part = df[df["action"] == action]
        rel, _, obj = action.partition(" ")
        fig.add_trace(
            go.Bar(
                name=action,
                orientation="h",
                y=part["take"],
                base=part["first_position"],
                x=(part["last_position"] - part["first_position"]).clip(lower=0.005),
                marker={
                    "color": relation_colour(rel),
                    "pattern": {"shape": OBJECT_PATTERNS.get(obj, ""), "fillmode": "overlay"},
                },
                customdata=part[["first_seconds", "last_seconds"]].to_numpy(),
                hovertemplate="%{y}: " + action + "<br>first %{customdata[0]:.1f} s, last "
                "%{customdata[1]:.1f} s<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="overlay",
        legend_title="key action (colour: relation, pattern: object)",
        xaxis_title="position in the take (0 = start, 1 = end)",
        xaxis_range=[0, 1],
        height=160 + 40 * df["take"].nunique(),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig
