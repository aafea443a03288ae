"""directly_follows and ngrams: process mining over each role's ordered activity instances.

A case is one role in one take; its events are the activity instances of
queries/catalog/steps.py ("relation object" intervals, optionally with flicker merged),
ordered by start frame, then end frame, then activity. See docs/workflow-mining.md.

directly_follows: for each pair of consecutive instances (a, b) of a case, b starts
after a started. If b starts after a's last frame, the pair is a `follows` edge and its
gap, ``b.start_time - a.end_time = (b.start_frame - a.end_frame - 1) / fps``, is >= 0
(0: b starts on the very next frame). Otherwise b started while a still ran: the pair
is reported as `concurrent`, and its gap is negative (b started -gap seconds before a
ended). Every case adds one `start` edge "[start] -> first" and one `end` edge
"last -> [end]" (first and last in start order); they carry no gap. Edges are summed
per surgery type (MISS and Ultrasound never mix), or per take with per_take.
The sum of `follows` and `concurrent` counts over (source, target) is PM4Py's
directly-follows graph of the same instances with the start as timestamp.

ngrams: runs of n consecutive instances of a case; with collapse, an instance with the
same activity as the one right before it is dropped first (a -> a -> b becomes a -> b).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import ROLE, SURGERY_TYPE, TAKE_FILTER, median_of, typed
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import CatalogQuery, Param, register
from orgraph.queries.catalog.steps import FLICKER, OBJECT, steps_query

START_NODE, END_NODE = "[start]", "[end]"
EDGE_KINDS = ("start", "follows", "concurrent", "end")

_DF_TAIL = f"""
UNWIND [0, 1, 2] AS part
WITH tk, st, fps, role, part, pos, last_pos, start, end_, action, prev_end, prev_action
WHERE (part = 0 AND pos > 0) OR (part = 1 AND pos = 0) OR (part = 2 AND pos = last_pos)
WITH CASE WHEN $per_take THEN tk ELSE '*' END AS scope, st, tk, role,
     CASE part WHEN 0 THEN prev_action WHEN 1 THEN '{START_NODE}' ELSE action END AS source,
     CASE part WHEN 2 THEN '{END_NODE}' ELSE action END AS target,
     CASE WHEN part = 1 THEN 'start' WHEN part = 2 THEN 'end'
          WHEN start > prev_end THEN 'follows' ELSE 'concurrent' END AS kind,
     CASE WHEN part = 0 THEN (start - prev_end - 1) / fps ELSE NULL END AS gap
RETURN scope AS take, st AS surgery_type, role, source, target, kind,
       count(*) AS count, count(DISTINCT tk) AS takes, avg(gap) AS mean_gap_s,
       collect(gap) AS gaps
"""

DF_COLUMNS = (
    "take",
    "surgery_type",
    "role",
    "source",
    "target",
    "kind",
    "count",
    "takes",
    "mean_gap_s",
    "median_gap_s",
)


def _finish_df(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=list(DF_COLUMNS))
    df = df.assign(median_gap_s=df["gaps"].map(median_of)).drop(columns="gaps")
    df = typed(df, ints=("count", "takes"), floats=("mean_gap_s", "median_gap_s"))
    df = df.sort_values(
        ["take", "surgery_type", "role", "count", "source", "target"],
        ascending=[True, True, True, False, True, True],
    )
    return df.reset_index(drop=True)[list(DF_COLUMNS)]


register(
    CatalogQuery(
        name="directly_follows",
        description="Directly-follows graph of each role's activity instances per surgery "
        "type: start/end edges, follows edges with their gap (s, >= 0, mean and median), "
        "and starts during the previous activity reported as 'concurrent'.",
        cypher=steps_query(_DF_TAIL),
        params=(
            ROLE,
            TAKE_FILTER,
            SURGERY_TYPE,
            OBJECT,
            FLICKER,
            Param("per_take", bool, False, "one graph per take instead of summing over takes"),
        ),
        post=_finish_df,
        columns=DF_COLUMNS,
        scope="dataset",
    )
)

_NG_FILTER = """
WITH tk, role, pos, action, prev_action
WHERE NOT $collapse OR pos = 0 OR action <> prev_action
"""

_NG_NEO4J = """
WITH tk, role, pos, action ORDER BY pos
WITH tk, role, collect(action) AS ev
UNWIND range(0, size(ev) - $n) AS k
WITH tk, role, reduce(s = ev[k], x IN ev[k + 1..k + $n] | s + ' -> ' + x) AS pattern
"""

_NG_EMBEDDED = """
WITH tk, role, list_sort(collect(lpad(CAST(pos AS STRING), 10, '0') + '|' + action)) AS ev
WITH tk, role, list_transform(ev, x -> string_split(x, '|')[2]) AS labels
UNWIND range(1, size(labels) - $n + 1) AS k
WITH tk, role, list_to_string(' -> ', labels[k:k + $n - 1]) AS pattern
"""
"""The kept steps, re-collected in order, as n-gram rows: per engine as it can order a
list (Dialect.sorted_collect), the one difference of ngrams beside steps.ordered_steps."""

_NG_TAIL = """
WITH role, pattern, count(DISTINCT tk) AS support, count(*) AS occurrences
WHERE support >= $min_support
RETURN role, pattern, $n AS n, support, occurrences
"""

_ng_steps = steps_query(_NG_FILTER)


def _ngrams(d: Dialect) -> str:
    return _ng_steps(d) + (_NG_NEO4J if d.sorted_collect else _NG_EMBEDDED) + _NG_TAIL


def _finish_ngrams(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    df = typed(df, ints=("n", "support", "occurrences"))
    df = df.sort_values(
        ["role", "support", "occurrences", "pattern"], ascending=[True, False, False, True]
    )
    return df.reset_index(drop=True)


register(
    CatalogQuery(
        name="ngrams",
        description="Frequent runs of n consecutive activity instances of a role: support "
        "(takes) and occurrences; collapse drops immediate repeats first.",
        cypher=_ngrams,
        params=(
            ROLE,
            TAKE_FILTER,
            SURGERY_TYPE,
            OBJECT,
            FLICKER,
            Param("n", int, 2, "pattern length (consecutive actions)", choices=(2, 3, 4)),
            Param("min_support", int, 1, "keep patterns found in at least this many takes"),
            Param("collapse", bool, False, "drop an activity repeated right after itself"),
        ),
        post=_finish_ngrams,
        columns=("role", "pattern", "n", "support", "occurrences"),
        scope="dataset",
    )
)
