"""Object-centric views (event-knowledge-graph style): lifecycles and working together.

`object_dfg` is the directly-follows graph of another kind of case (definitions of
docs/workflow-mining.md, text shared with `directly_follows`): perspective "object",
one case per (take, object), activity "role relation" (which role does what to the
instrument or the patient, in what order); perspective "pair", one case per (take,
role, object), activity "relation". The `entity` column names the case's object, or
"role ~ object" for a pair.

`working_together`: two different roles acting on the same object at the same time.
Every pair of their intervals on one object of one take that share at least one
frame counts once in `pairs`; `overlap_frames` sums the frames each such pair shares
(a pair of roles with two relations to the object at once counts those frames twice).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import ROLE, ROLE_LIST, SURGERY_TYPE, TAKE_FILTER, typed
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import CatalogQuery, Param, register
from orgraph.queries.catalog.sequences import _DF_TAIL, DF_COLUMNS, _finish_df
from orgraph.queries.catalog.steps import FLICKER, OBJECT, steps_query

OBJECT_DF_COLUMNS = tuple("entity" if c == "role" else c for c in DF_COLUMNS)
_PERSPECTIVES = ("object", "pair")
_TEXTS = {p: steps_query(_DF_TAIL, p) for p in _PERSPECTIVES}


def _finish_object_df(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    return _finish_df(df, params).rename(columns={"role": "entity"})


def _register_object_dfg(perspective: str) -> None:
    what = "an object's" if perspective == "object" else "a role-object pair's"
    register(
        CatalogQuery(
            name=f"{perspective}_dfg",
            description=f"Directly-follows graph of {what} lifecycle ("
            + ("'role relation'" if perspective == "object" else "'relation'")
            + " activities), with start/end, follows (gap >= 0) and concurrent edges.",
            cypher=_TEXTS[perspective],
            params=(
                ROLE,
                OBJECT,
                TAKE_FILTER,
                SURGERY_TYPE,
                FLICKER,
                Param("per_take", bool, False, "one graph per take instead of summing"),
            ),
            post=_finish_object_df,
            columns=OBJECT_DF_COLUMNS,
            scope="dataset",
        )
    )


for _p in _PERSPECTIVES:
    _register_object_dfg(_p)

_TOGETHER_MATCH = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e1:Entity)<-[:HAS_SUBJECT]-(i:Interaction)-[:HAS_OBJECT]->(o:Entity)
      <-[:HAS_OBJECT]-(j:Interaction)-[:HAS_SUBJECT]->(e2:Entity)
WHERE e1.name IN {ROLE_LIST} AND e2.name IN {ROLE_LIST} AND e1.name < e2.name
  AND coalesce($take, t.key) = t.key
  AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
  AND i.start_frame <= j.end_frame AND j.start_frame <= i.end_frame
WITH t, e1.name AS role_a, e2.name AS role_b, i.object AS object,
     i.start_frame AS s1, i.end_frame AS x1, j
"""
"""One pattern: Neo4j hash-joins its two sides on the object."""

_TOGETHER_TAKE_FIRST = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e1:Entity)<-[:HAS_SUBJECT]-(i:Interaction)-[:HAS_OBJECT]->(o:Entity)
WHERE e1.name IN {ROLE_LIST}
  AND coalesce($take, t.key) = t.key
  AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
WITH t, o, e1.name AS role_a, i.start_frame AS s1, i.end_frame AS x1
MATCH (o)<-[:HAS_OBJECT]-(j:Interaction)-[:HAS_SUBJECT]->(e2:Entity)
WITH t, o, role_a, s1, x1, j, e2.name AS role_b
WHERE role_b IN {ROLE_LIST} AND role_a < role_b AND s1 <= j.end_frame AND j.start_frame <= x1
WITH t, role_a, role_b, o.name AS object, s1, x1, j
"""
"""The chosen takes' role intervals first, then the other roles' intervals on each one's
object entity (one per take): LadybugDB expands one whole pattern for every take before
the take filter (about 0.45 s for one take at the EgoExOR scale); the pair filter sits in
a WITH, as LadybugDB 0.22 needs after a re-matched node."""

_TOGETHER_SUM = """
WITH t.surgery_type AS st, t.key AS tk, t.fps AS fps, role_a, role_b, object,
     CASE WHEN x1 < j.end_frame THEN x1 ELSE j.end_frame END
     - CASE WHEN s1 > j.start_frame THEN s1 ELSE j.start_frame END
     + 1 AS overlap
RETURN st AS surgery_type, role_a, role_b, object, count(*) AS pairs,
       count(DISTINCT tk) AS takes, sum(overlap) AS overlap_frames,
       sum(overlap / fps) AS overlap_seconds
"""


def _together(d: Dialect) -> str:
    """The pattern the engine's planner joins best (the algorithms differ, not the answer)."""
    return (_TOGETHER_MATCH if d.joins_whole_patterns else _TOGETHER_TAKE_FIRST) + _TOGETHER_SUM


TOGETHER_COLUMNS = (
    "surgery_type",
    "role_a",
    "role_b",
    "object",
    "pairs",
    "takes",
    "overlap_frames",
    "overlap_seconds",
)


def _finish_together(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    df = typed(df, ints=("pairs", "takes", "overlap_frames"), floats=("overlap_seconds",))
    df = df.sort_values(
        ["surgery_type", "overlap_frames", "role_a", "role_b", "object"],
        ascending=[True, False, True, True, True],
    )
    return df.reset_index(drop=True)[list(TOGETHER_COLUMNS)]


register(
    CatalogQuery(
        name="working_together",
        description="Pairs of roles acting on the same object at the same time: interval "
        "pairs, takes, and the frames (seconds) they share, per surgery type.",
        cypher=_together,
        params=(TAKE_FILTER, SURGERY_TYPE),
        post=_finish_together,
        columns=TOGETHER_COLUMNS,
        scope="dataset",
    )
)
