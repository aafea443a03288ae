"""scene_graph_at_frame and scene_graph_range: the triplets that hold in frames of a take.

A single frame is one primary-key lookup (its key is TAKE#IDX) and one SHOWS hop,
never a scan; a range walks the take's HAS_FRAME edges.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import TAKE, typed
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

_RETURN = """
RETURN f.idx AS frame, f.time AS time, i.subject AS subject, i.relation AS relation,
       i.object AS object, s.n AS n, i.start_frame AS interval_start,
       i.end_frame AS interval_end
ORDER BY frame, subject, relation, object
"""


def _at(d: Dialect) -> str:
    key = d.numbered_key("$take", "$frame")
    return f"MATCH (f:Frame {{key: {key}}})-[s:SHOWS]->(i:Interaction)\n" + _RETURN


_COLUMNS = (
    "frame",
    "time",
    "subject",
    "relation",
    "object",
    "n",
    "interval_start",
    "interval_end",
)


def _finish(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    return typed(df, ints=("frame", "n", "interval_start", "interval_end"), floats=("time",))


register(
    CatalogQuery(
        name="scene_graph_at_frame",
        description="Triplets of one frame (n = duplicate rows), by indexed frame lookup.",
        cypher=_at,
        params=(TAKE, Param("frame", int, None, "frame index (0-based)", required=True)),
        post=_finish,
        columns=_COLUMNS,
        scope="take",
    )
)

_RANGE = (
    """
MATCH (t:Take {key: $take})-[:HAS_FRAME]->(f:Frame)
WHERE f.idx >= $first AND f.idx <= $last
MATCH (f)-[s:SHOWS]->(i:Interaction)
"""
    + _RETURN
)

register(
    CatalogQuery(
        name="scene_graph_range",
        description="Triplets of every frame from first to last (inclusive) of one take "
        "(LadybugDB reserves $end, hence first/last).",
        cypher=_RANGE,
        params=(
            TAKE,
            Param("first", int, 0, "first frame index"),
            Param("last", int, 149, "last frame index (inclusive)"),
        ),
        post=_finish,
        columns=_COLUMNS,
        scope="take",
    )
)
