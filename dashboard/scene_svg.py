"""One frame's scene graph drawn as inline SVG, laid out here in columns.

The frame viewer redraws its graph on every step; st.graphviz_chart animates each change
by sampling every edge path in the browser, which took 1.2-1.8 s of the browser's main
thread per step in headless Chromium. A frame's graph is small (a dozen entities), so a
plain layered drawing is enough and costs nothing to show.
"""

from __future__ import annotations

from html import escape

import pandas as pd

EDGE_STYLE = {  # status -> (colour, dash pattern); the same colours as graphs.STATUS_STYLE
    "both": ("#2e7d32", ""),
    "truth": ("#c62828", "6 4"),
    "predicted": ("#ef6c00", "2 3"),
}
PLAIN = ("#555555", "")
NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 112, 26, 58, 14, 6
MAX_COLUMNS = 4


def columns(triplets: pd.DataFrame) -> dict[str, int]:
    """Entity -> column: 0 for pure subjects, then one column further per edge followed.

    Longest-path layering, capped (cycles such as a closeto b, b closeto a stop there).
    """
    names = sorted(set(triplets["subject"]) | set(triplets["object"]))
    col = dict.fromkeys(names, 0)
    edges = [(str(s), str(o)) for s, o in triplets[["subject", "object"]].itertuples(False)]
    for _ in range(len(names)):
        changed = False
        for s, o in edges:
            if s != o and col[o] < min(col[s] + 1, MAX_COLUMNS - 1):
                col[o] = min(col[s] + 1, MAX_COLUMNS - 1)
                changed = True
        if not changed:
            break
    return col


def _positions(col: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Top-left corner of each entity's box."""
    out: dict[str, tuple[float, float]] = {}
    for c in sorted(set(col.values())):
        for row, name in enumerate(sorted(n for n in col if col[n] == c)):
            out[name] = (PAD + c * (NODE_W + COL_GAP), PAD + row * (NODE_H + ROW_GAP))
    return out


def _edge(a: tuple[float, float], b: tuple[float, float], relation: str, style) -> str:
    """A curved edge from box a to box b with its relation at the middle."""
    colour, dash = style
    x1, y1 = a[0] + NODE_W, a[1] + NODE_H / 2
    x2, y2 = b[0], b[1] + NODE_H / 2
    if x2 <= x1:  # same column or backwards: leave and enter on the right, bowed out
        x2 = b[0] + NODE_W
        bend = 60
        path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 + bend},{y2} {x2},{y2}"
        mx, my = max(x1, x2) + bend * 0.75, (y1 + y2) / 2
    else:
        mid = (x1 + x2) / 2
        path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        mx, my = mid, (y1 + y2) / 2
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dashes} '
        f'marker-end="url(#arrow-{colour[1:]})"/>'
        f'<text x="{mx}" y="{my - 3}" text-anchor="middle" font-size="11" fill="{colour}" '
        f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(relation)}</text>'
    )


def scene_graph_svg(triplets: pd.DataFrame, compare: bool) -> str:
    """The frame's triplets as an SVG graph; with compare, edges coloured by status."""
    col = columns(triplets)
    pos = _positions(col)
    width = PAD * 2 + (max(col.values()) + 1) * (NODE_W + COL_GAP)
    height = PAD * 2 + max(y for _, y in pos.values()) + NODE_H + 10
    colours = sorted({c for c, _ in EDGE_STYLE.values()} | {PLAIN[0]})
    markers = "".join(
        f'<marker id="arrow-{c[1:]}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
        for c in colours
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" font-family="sans-serif" '
        f'data-testid="scene-graph"><defs>{markers}</defs>'
    ]
    for r in triplets.itertuples(index=False):
        style = EDGE_STYLE.get(str(r.status), PLAIN) if compare else PLAIN
        parts.append(_edge(pos[str(r.subject)], pos[str(r.object)], str(r.relation), style))
    for name, (x, y) in pos.items():
        parts.append(
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="#eef3fb" '
            f'stroke="#3b4a6b"/><text x="{x + NODE_W / 2}" y="{y + NODE_H / 2 + 4}" '
            f'text-anchor="middle" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
