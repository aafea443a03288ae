"""Graphs drawn as Graphviz DOT text (rendered in the browser by st.graphviz_chart).

Scene graphs (truth, or truth against a prediction), directly-follows graphs, and the
nodes and relationships a console result holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

STATUS_STYLE = {
    "both": 'color="#2e7d32"',
    "truth": 'color="#c62828", style=dashed',
    "predicted": 'color="#ef6c00", style=dotted',
}
STATUS_TEXT = {
    "both": "correct",
    "truth": "missed (truth only)",
    "predicted": "extra (prediction only)",
}


def _q(text: object) -> str:
    """A DOT string literal."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def triplet_status(truth: pd.DataFrame, predicted: pd.DataFrame | None) -> pd.DataFrame:
    """Distinct triplets with status: both, truth (missed) or predicted (extra)."""
    cols = ["subject", "relation", "object"]
    t = set(map(tuple, truth[cols].itertuples(index=False))) if len(truth) else set()
    if predicted is None:
        rows = [(*x, "truth") for x in sorted(t)]
        return pd.DataFrame(rows, columns=[*cols, "status"])
    p = set(map(tuple, predicted[cols].itertuples(index=False))) if len(predicted) else set()
    rows = [
        (*x, "both" if x in t and x in p else "truth" if x in t else "predicted")
        for x in sorted(t | p)
    ]
    return pd.DataFrame(rows, columns=[*cols, "status"])


def scene_graph_dot(triplets: pd.DataFrame, compare: bool) -> str:
    """One frame's scene graph; with compare, edges are coloured by their status."""
    lines = [
        "digraph G {",
        "rankdir=LR;",
        'node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontsize=11];',
        "edge [fontsize=10];",
    ]
    for name in sorted(set(triplets["subject"]) | set(triplets["object"])):
        lines.append(f"{_q(name)};")
    for r in triplets.itertuples(index=False):
        style = STATUS_STYLE[r.status] if compare else ""
        attrs = ", ".join(a for a in (f"label={_q(r.relation)}", style) if a)
        lines.append(f"{_q(r.subject)} -> {_q(r.object)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines)


def dfg_dot(edges: pd.DataFrame, top: int, timed: bool = False) -> str:
    """A directly-follows graph: start, end and follows edges (concurrent pairs are not
    edges), the `top` most frequent, width by count; `[start]`/`[end]` drawn as circles.
    With `timed`, follows edges are labelled with their median gap as well."""
    if "kind" in edges:
        edges = edges[edges["kind"] != "concurrent"]
    edges = edges.nlargest(top, "count")
    if edges.empty:
        return "digraph G {}"
    peak = max(1, int(edges["count"].max()))
    lines = [
        "digraph G {",
        "rankdir=LR;",
        'node [shape=box, style="rounded,filled", fillcolor="#fdf6e3", fontsize=10];',
        "edge [fontsize=9];",
        '"[start]" [shape=circle, fillcolor="#c8e6c9", label="start"];',
        '"[end]" [shape=doublecircle, fillcolor="#ffcdd2", label="end"];',
    ]
    for r in edges.itertuples(index=False):
        width = 1 + 4 * int(r.count) / peak
        label = f"{int(r.count)}"
        median = getattr(r, "median_gap_s", float("nan"))
        if timed and median == median:
            label += f" | {median:.2f} s"
        lines.append(f"{_q(r.source)} -> {_q(r.target)} [label={_q(label)}, penwidth={width:.1f}];")
    lines.append("}")
    return "\n".join(lines)


def _is_node(v: Any) -> bool:
    return isinstance(v, dict) and ("labels" in v or ("_LABEL" in v and "_SRC" not in v))


def _is_rel(v: Any) -> bool:
    return isinstance(v, dict) and ("type" in v or "_SRC" in v)


def _node_id(v: dict) -> str:
    if "_ID" in v:
        return f"{v['_ID']}"
    return str(v.get("key") or sorted((k, str(x)) for k, x in v.items()))


def _node_label(v: dict) -> str:
    label = v.get("_LABEL") or ":".join(v.get("labels", []))
    return f"{label}\n{v.get('key', '')}".strip()


def result_graph(df: pd.DataFrame, limit: int = 300) -> str | None:
    """DOT of the nodes and relationships in a result, or None when it holds none.

    A relationship joins its endpoints when the backend gives them (LadybugDB); else, as
    in `RETURN a, r, b`, it joins the node columns on either side of it in the row.
    """
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for row in df.head(limit).itertuples(index=False):
        cells = list(_flatten(row))
        for i, v in enumerate(cells):
            if _is_node(v):
                nodes.setdefault(_node_id(v), _node_label(v))
            elif _is_rel(v):
                edges.extend(_edge(v, cells, i))
    if not nodes:
        return None
    lines = [
        "digraph G {",
        'node [shape=ellipse, fontsize=9, style=filled, fillcolor="#e8f0fe"];',
        "edge [fontsize=8];",
    ]
    lines += [f"{_q(k)} [label={_q(v)}];" for k, v in nodes.items()]
    lines += [
        f"{_q(a)} -> {_q(b)} [label={_q(t)}];"
        for a, b, t in dict.fromkeys(edges)
        if a in nodes and b in nodes
    ]
    lines.append("}")
    return "\n".join(lines)


def _flatten(row: Iterable[Any]) -> Iterable[Any]:
    for v in row:
        if isinstance(v, list):
            yield from v
        else:
            yield v


def _edge(rel: dict, cells: list[Any], i: int) -> list[tuple[str, str, str]]:
    kind = str(rel.get("_LABEL") or rel.get("type"))
    if "_SRC" in rel:
        return [(str(rel["_SRC"]), str(rel["_DST"]), kind)]
    before = next((c for c in reversed(cells[:i]) if _is_node(c)), None)
    after = next((c for c in cells[i + 1 :] if _is_node(c)), None)
    if before is None or after is None:
        return []
    return [(_node_id(before), _node_id(after), kind)]
