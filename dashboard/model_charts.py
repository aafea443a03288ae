"""The Model page's figures: one colour per model on every chart, scores that can be clicked.

Each clickable mark carries what it stands for as customdata (a relation, a confusion
cell), so the page can list the frames behind it when it is clicked.
"""

from __future__ import annotations

import zlib

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

KNOWN_COLOURS: dict[str, str] = {
    "gnn": "#1f77b4",
    "mlp": "#ff7f0e",
    "prior": "#7f7f7f",
    "ground truth": "#2ca02c",
}
"""Our run's three models keep these colours on every chart."""
PALETTE: tuple[str, ...] = tuple(
    c for c in px.colors.qualitative.Dark24 if c not in KNOWN_COLOURS.values()
)
METRICS: tuple[str, ...] = ("precision", "recall", "f1")
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def model_colour(model: str) -> str:
    """A model's colour, the same wherever it is drawn (known names fixed, others by name)."""
    if model in KNOWN_COLOURS:
        return KNOWN_COLOURS[model]
    return PALETTE[zlib.crc32(model.encode()) % len(PALETTE)]


def colour_map(models: list[str]) -> dict[str, str]:
    """{model: colour} for plotly express's color_discrete_map."""
    return {m: model_colour(m) for m in models}


def curve_model(series: str) -> str:
    """The model a metrics column is about: val_f1_gnn -> gnn, loss_mlp -> mlp."""
    return series.rsplit("_", 1)[-1]


def curves(df: pd.DataFrame, columns: list[str], title: str, y_title: str) -> go.Figure:
    """Metrics per epoch, one line per model in its colour, integer epoch ticks."""
    long = df.melt(id_vars=["epoch"], value_vars=columns, var_name="series", value_name=y_title)
    long["model"] = long["series"].map(curve_model)
    fig = px.line(
        long,
        x="epoch",
        y=y_title,
        color="model",
        markers=True,
        title=title,
        color_discrete_map=colour_map(sorted(long["model"].unique())),
    )
    fig.update_xaxes(tickmode="linear", dtick=1, tickformat="d")
    fig.update_layout(margin=MARGIN)
    return fig


def relation_bars(labels: pd.DataFrame) -> go.Figure:
    """Precision, recall and F1 per relation as grouped bars (one bar per model), 0 to 1.

    `labels` has model, label, precision, recall, f1; each bar's customdata is
    [label, model, metric].
    """
    long = labels.melt(
        id_vars=["model", "label"], value_vars=list(METRICS), var_name="metric", value_name="score"
    )
    fig = px.bar(
        long,
        x="label",
        y="score",
        color="model",
        facet_row="metric",
        barmode="group",
        custom_data=["label", "model", "metric"],
        color_discrete_map=colour_map(sorted(labels["model"].unique())),
        category_orders={"metric": list(METRICS)},
        title="Per-relation precision, recall and F1 (click a bar for its mistakes)",
    )
    fig.update_yaxes(range=[0, 1.0])
    fig.update_layout(height=640, margin=MARGIN)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    return fig


def confusion_figure(matrix: pd.DataFrame, title: str, normalise: bool = True) -> go.Figure:
    """Truth (rows) against prediction (columns); row shares by default, counts on hover.

    A heatmap cannot be clicked in Streamlit, so an invisible marker sits on every cell,
    carrying [truth, predicted, count] as customdata: a click on a cell selects its marker.
    """
    counts = matrix.to_numpy()
    shares = counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    z = shares if normalise else counts
    truth, predicted = list(matrix.index), list(matrix.columns)
    text = [[f"{v:.0%}" if normalise else str(v) for v in row] for row in z.tolist()]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=predicted,
            y=truth,
            colorscale="Blues",
            zmin=0,
            zmax=1 if normalise else None,
            text=text,
            texttemplate="%{text}",
            hoverinfo="skip",
            colorbar={"title": "share of row" if normalise else "pairs"},
        )
    )
    cells = [
        (t, p, int(counts[i, j]), float(z[i, j]))
        for i, t in enumerate(truth)
        for j, p in enumerate(predicted)
    ]
    fig.add_trace(
        go.Scatter(
            x=[c[1] for c in cells],
            y=[c[0] for c in cells],
            mode="markers",
            marker={"symbol": "square", "size": 18, "opacity": 0, "color": "#ff7f0e"},
            selected={"marker": {"opacity": 0.45}},
            unselected={"marker": {"opacity": 0}},
            customdata=[[c[0], c[1], c[2]] for c in cells],
            hovertemplate="truth %{customdata[0]}<br>predicted %{customdata[1]}<br>"
            "%{customdata[2]} pairs<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title="predicted",
        yaxis_title="truth",
        yaxis={"autorange": "reversed"},
        height=max(420, 26 * len(truth)),
        margin=MARGIN,
        hovermode="closest",
    )
    return fig


def consistency_bars(table: pd.DataFrame) -> go.Figure:
    """Temporal consistency per take: truth and each model side by side (grouped).

    Each bar's customdata is [take, model], for the list of frame pairs behind it.
    """
    fig = px.bar(
        table,
        x="take",
        y="consistency",
        color="model",
        barmode="group",
        custom_data=["take", "model"],
        color_discrete_map=colour_map(sorted(table["model"].unique())),
        title="Temporal consistency per take (1 = the scene graph never changes; click a bar "
        "for its frames)",
    )
    fig.update_yaxes(range=[0, 1.0])
    fig.update_layout(margin=MARGIN)
    return fig


def selected_points(event: object) -> list[dict]:
    """The points of a plotly_chart selection event (empty when nothing is selected)."""
    selection = getattr(event, "selection", None) or (
        event.get("selection") if isinstance(event, dict) else None
    )
    if not selection:
        return []
    points = selection.get("points") if isinstance(selection, dict) else None
    return list(points or [])


def selected_rows(event: object) -> list[int]:
    """The row positions of a dataframe selection event (empty when nothing is selected)."""
    rows = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    if not rows and isinstance(event, dict):
        rows = list(event.get("selection", {}).get("rows", []))
    return [int(r) for r in rows]


def selected_cells(event: object) -> list[tuple[int, str]]:
    """The (row position, column) cells of a dataframe selection event."""
    cells = list(getattr(getattr(event, "selection", None), "cells", None) or [])
    if not cells and isinstance(event, dict):
        cells = list(event.get("selection", {}).get("cells", []))
    return [(int(r), str(c)) for r, c in cells]
