"""directly_follows and ngrams: process mining over each role's sequence of actions.

An action (event) is one interaction interval whose subject is a role (head_surgeon,
assistant, circulator, anesthetist, patient); its activity label is
"relation object", e.g. "holding scalpel" (the subject is the role, so it is left
out). A role's events in a take are ordered by start_frame, ties broken by
end_frame, then relation, then object, so the order is total and repeatable.
Overlapping intervals are all events (a role holds several triplets at once), and
an interval split by a gap makes two events, so self-loops ("a -> a") appear.
The gap between consecutive events is next start_time - previous end_time in
seconds (end_time is exclusive): 0 when one ends as the next starts, negative
when they overlap.

LadybugDB keeps no ORDER BY through collect() and has 1-based lists
(Dialect.sorted_collect, one_based_lists), so its text sorts zero-padded
"start|end|label" strings with list_sort instead: a different algorithm, own text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import ROLE, ROLE_LIST, TAKE_FILTER, typed
from orgraph.queries.catalog.dialect import EMBEDDED, Dialect
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

_EVENTS = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)<-[:HAS_SUBJECT]-(i:Interaction)
WHERE e.name IN {ROLE_LIST} AND coalesce($role, e.name) = e.name
  AND coalesce($take, t.key) = t.key
"""

_NEO4J_SORTED = """
WITH t, e, i ORDER BY i.start_frame, i.end_frame, i.relation, i.object
"""

_EMBEDDED_SORTED = f"""
WITH t.key AS tk, e.name AS role, t.fps AS fps,
     list_sort(collect(lpad({EMBEDDED.to_string("i.start_frame")}, 10, '0') + '|'
                       + lpad({EMBEDDED.to_string("i.end_frame")}, 10, '0') + '|'
                       + i.action)) AS ev
"""

_DF_TAIL = """
WITH CASE WHEN $per_take THEN tk ELSE '*' END AS scope, tk, role, source, target, gap
RETURN scope AS take, role, source, target, count(*) AS count, count(DISTINCT tk) AS takes,
       avg(gap) AS mean_gap_s
"""

_DF_NEO4J = (
    _EVENTS
    + _NEO4J_SORTED
    + """
WITH t.key AS tk, e.name AS role, collect(i) AS ev
UNWIND range(0, size(ev) - 2) AS k
WITH tk, role, ev[k] AS a, ev[k + 1] AS b
WITH tk, role, a.action AS source, b.action AS target,
     b.start_time - a.end_time AS gap
"""
    + _DF_TAIL
)

_DF_EMBEDDED = (
    _EVENTS
    + _EMBEDDED_SORTED
    + """
UNWIND range(1, size(ev) - 1) AS k
WITH tk, role, fps, string_split(ev[k], '|') AS a, string_split(ev[k + 1], '|') AS b
WITH tk, role, a[3] AS source, b[3] AS target,
     (CAST(b[1] AS INT64) - CAST(a[2] AS INT64) - 1) / fps AS gap
"""
    + _DF_TAIL
)


def _directly_follows(d: Dialect) -> str:
    return _DF_NEO4J if d.sorted_collect else _DF_EMBEDDED


def _finish_df(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    df = typed(df, ints=("count", "takes"), floats=("mean_gap_s",))
    df = df.sort_values(
        ["take", "role", "count", "source", "target"], ascending=[True, True, False, True, True]
    )
    return df.reset_index(drop=True)


register(
    CatalogQuery(
        name="directly_follows",
        description="Directly-follows graph of each role's actions ('relation object'): "
        "edge counts and mean gap (s).",
        cypher=_directly_follows,
        params=(
            ROLE,
            TAKE_FILTER,
            Param("per_take", bool, False, "one graph per take instead of summing over takes"),
        ),
        post=_finish_df,
        columns=("take", "role", "source", "target", "count", "takes", "mean_gap_s"),
        scope="dataset",
    )
)

_NG_TAIL = """
WITH role, pattern, count(DISTINCT tk) AS support, count(*) AS occurrences
WHERE support >= $min_support
RETURN role, pattern, $n AS n, support, occurrences
"""

_NG_NEO4J = (
    _EVENTS
    + _NEO4J_SORTED
    + """
WITH t.key AS tk, e.name AS role, collect(i.action) AS ev
UNWIND range(0, size(ev) - $n) AS k
WITH tk, role, reduce(s = ev[k], x IN ev[k + 1..k + $n] | s + ' -> ' + x) AS pattern
"""
    + _NG_TAIL
)

_NG_EMBEDDED = (
    _EVENTS
    + _EMBEDDED_SORTED
    + """
WITH tk, role, list_transform(ev, x -> string_split(x, '|')[3]) AS labels
UNWIND range(1, size(labels) - $n + 1) AS k
WITH tk, role, list_to_string(' -> ', labels[k:k + $n - 1]) AS pattern
"""
    + _NG_TAIL
)


def _ngrams(d: Dialect) -> str:
    return _NG_NEO4J if d.sorted_collect else _NG_EMBEDDED


def _finish_ngrams(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    df = typed(df, ints=("n", "support", "occurrences"))
    df = df.sort_values(
        ["role", "support", "occurrences", "pattern"], ascending=[True, False, False, True]
    )
    return df.reset_index(drop=True)


register(
    CatalogQuery(
        name="ngrams",
        description="Frequent runs of n consecutive actions of a role: support (takes) and "
        "occurrences.",
        cypher=_ngrams,
        params=(
            ROLE,
            TAKE_FILTER,
            Param("n", int, 2, "pattern length (consecutive actions)", choices=(2, 3, 4)),
            Param("min_support", int, 1, "keep patterns found in at least this many takes"),
        ),
        post=_finish_ngrams,
        columns=("role", "pattern", "n", "support", "occurrences"),
        scope="dataset",
    )
)
