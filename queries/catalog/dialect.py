"""The few Cypher fragments that differ between the engines, one Dialect per backend.

A catalog query whose text differs by engine is a function of a Dialect; where the
algorithm itself differs (what an engine can seek or sort), the Dialect says which
capability the engine has and the query picks its own text for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgraph.core.keys import numbered_key_cypher


@dataclass(frozen=True)
class Dialect:
    """Spellings and capabilities of one engine's Cypher."""

    backend: str
    to_string_fn: str
    """Function or template turning a number into text: `toString(x)` / `CAST(x AS STRING)`."""
    rel_type_fn: str
    """The function naming a relationship's type: `type(r)` / `label(r)`."""
    count_zero: str
    """A zero of the type a sum of counts has (UNION ALL needs equal column types)."""
    one_based_lists: bool
    """Lists index from 1 (LadybugDB) rather than 0 (Neo4j)."""
    sorted_collect: bool
    """`WITH ... ORDER BY` before collect() keeps that order in the list (Neo4j)."""
    range_seek: bool
    """The engine seeks a composite (take, start_frame) index by range (Neo4j); else
    interval joins go through time buckets (core.store.schema.BUCKET_FRAMES)."""
    joins_whole_patterns: bool
    """The planner joins the two sides of one long pattern on their shared node (Neo4j's
    hash join); else it expands the whole pattern before later filters apply, and a query
    matches its filtered side first (LadybugDB)."""

    def to_string(self, expr: str) -> str:
        """`expr` (a number) as text."""
        return self.to_string_fn.format(expr)

    def rel_type(self, var: str) -> str:
        """The type name of relationship variable `var`."""
        return self.rel_type_fn.format(var)

    def numbered_key(self, take: str, number: str) -> str:
        """A frame or bucket key (core.keys) from a take key and a number expression."""
        return numbered_key_cypher(take, self.to_string(number))

    def lookup(self, names: str, values: str, name: str) -> str:
        """The element of list `values` at the position of `name` in the aligned list `names`."""
        if self.one_based_lists:
            return f"list_extract({values}, list_position({names}, {name}))"
        return f"[i IN range(0, size({names}) - 1) WHERE {names}[i] = {name} | {values}[i]][0]"


NEO4J = Dialect(
    backend="neo4j",
    to_string_fn="toString({})",
    rel_type_fn="type({})",
    count_zero="0",
    one_based_lists=False,
    sorted_collect=True,
    range_seek=True,
    joins_whole_patterns=True,
)
EMBEDDED = Dialect(
    backend="embedded",
    to_string_fn="CAST({} AS STRING)",
    rel_type_fn="label({})",
    count_zero="CAST(0 AS INT128)",  # LadybugDB sums INT64 as INT128
    one_based_lists=True,
    sorted_collect=False,
    range_seek=False,
    joins_whole_patterns=False,
)
DIALECTS: dict[str, Dialect] = {d.backend: d for d in (NEO4J, EMBEDDED)}


def dialect_of(backend: str) -> Dialect:
    """The Dialect of a store's backend name."""
    return DIALECTS[backend]
