"""Figures of the object-centric and comparison views: handover Sankey, working-together
network, two takes on one time axis; the Allen relations' fixed colours."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from orgraph.dashboard.charts import ROLE_COLOURS, relation_colour, vocabulary_colours
from orgraph.queries.catalog.concurrency import ALLEN_RELATIONS

_GREY = "#9e9e9e"
ALLEN_COLOURS: dict[str, str] = vocabulary_colours(ALLEN_RELATIONS)
"""One fixed colour per Allen relation (its order in the catalog), whatever a take shows."""


def handover_sankey(handovers: pd.DataFrame) -> go.Figure:
    """Giver -> object -> receiver, link width = number of handovers; roles in their fixed
    colours (ROLE_COLOURS), objects grey."""
    givers = sorted(set(handovers["giver"]))
    objects = sorted(set(handovers["object"]))
    receivers = sorted(set(handovers["receiver"]))
    labels = [f"{g} (gives)" for g in givers] + objects + [f"{r} (receives)" for r in receivers]
    index = {("g", g): i for i, g in enumerate(givers)}
    index |= {("o", o): len(givers) + i for i, o in enumerate(objects)}
    index |= {("r", r): len(givers) + len(objects) + i for i, r in enumerate(receivers)}
    colours = [ROLE_COLOURS.get(r, _GREY) for r in givers] + [_GREY] * len(objects)
    colours += [ROLE_COLOURS.get(r, _GREY) for r in receivers]
    left = handovers.groupby(["giver", "object"]).size()
    right = handovers.groupby(["object", "receiver"]).size()
    src = [index[("g", g)] for g, _ in left.index] + [index[("o", o)] for o, _ in right.index]
    dst = [index[("o", o)] for _, o in left.index] + [index[("r", r)] for _, r in right.index]
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "thickness": 14, "color": colours},
            link={"source": src, "target": dst, "value": [*left.tolist(), *right.tolist()]},
        )
    )
    fig.update_layout(height=max(360, 22 * len(labels)), margin={"l": 10, "r": 10, "t": 30})
    return fig


def together_network(df: pd.DataFrame) -> go.Figure:
    """Roles on a circle; an edge per pair of roles, width by the frames they share."""
    pairs = df.groupby(["role_a", "role_b"], as_index=False)["overlap_seconds"].sum()
    roles = sorted(set(pairs["role_a"]) | set(pairs["role_b"]))
    pos = {
        r: (math.cos(2 * math.pi * k / len(roles)), math.sin(2 * math.pi * k / len(roles)))
        for k, r in enumerate(roles)
    }
    peak = max(1e-9, float(pairs["overlap_seconds"].max()))
    fig = go.Figure()
    for r in pairs.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[r.role_a], pos[r.role_b]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                line={"width": 1 + 10 * r.overlap_seconds / peak, "color": "#78909c"},
                hoverinfo="text",
                text=f"{r.role_a} + {r.role_b}: {r.overlap_seconds:.1f} s together",
                showlegend=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[pos[r][0] for r in roles],
            y=[pos[r][1] for r in roles],
            mode="markers+text",
            text=roles,
            textposition="top center",
            marker={"size": 22, "color": [ROLE_COLOURS.get(r, _GREY) for r in roles]},
            showlegend=False,
        )
    )
    fig.update_layout(
        height=460,
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig


def compare_takes(rows: pd.DataFrame) -> go.Figure:
    """Two takes on one time axis: a lane per (take, phase or role), bars by relation."""
    fig = go.Figure()
    for rel in sorted(set(rows["relation"])):
        part = rows[rows["relation"] == rel]
        fig.add_trace(
            go.Bar(
                name=rel,
                orientation="h",
                y=part["lane"],
                base=part["start_s"],
                x=part["end_s"] - part["start_s"],
                marker_color=relation_colour(rel),
                customdata=part[["what", "start_s", "end_s"]].to_numpy(),
                hovertemplate="%{y}: %{customdata[0]}<br>start %{customdata[1]:.2f} s, end "
                "%{customdata[2]:.2f} s, length %{x:.2f} s<extra></extra>",
            )
        )
    lanes = list(dict.fromkeys(rows["lane"]))
    fig.update_layout(
        barmode="overlay",
        height=160 + 24 * len(lanes),
        xaxis_title="time since the take's start (s)",
        legend_title="relation",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(lanes)), fixedrange=True)
    return fig
