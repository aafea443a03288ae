"""What a catalog query is, how parameters are typed and checked, and how it runs.

User input reaches Cypher only as parameters: the text of a query is fixed here,
built for the engine's Dialect (queries.catalog.dialect), never from what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from orgraph.core.errors import OrgraphError
from orgraph.core.store import GraphStore
from orgraph.queries.catalog.dialect import Dialect, dialect_of


class QueryError(OrgraphError):
    """A catalog query name or parameter is wrong."""


@dataclass(frozen=True)
class Param:
    """A typed query parameter with a default; None means "not given" unless `required`."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    required: bool = False

    def coerce(self, value: Any) -> Any:
        """The value as this parameter's type, or QueryError naming the parameter."""
        if value is None:
            return None
        try:
            if self.type is bool and isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(value)
                out: Any = value.lower() in ("true", "1", "yes")
            else:
                out = self.type(value)
        except (TypeError, ValueError):
            raise QueryError(
                f"parameter {self.name!r} expects {self.type.__name__}, got {value!r}"
            ) from None
        if self.choices is not None and out not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            raise QueryError(f"parameter {self.name!r} must be one of {allowed}, got {out!r}")
        return out


PostProcess = Callable[[pd.DataFrame, dict[str, Any]], pd.DataFrame]


@dataclass(frozen=True)
class CatalogQuery:
    """A named, documented, parameterised Cypher query whose result is a DataFrame.

    `cypher` is one text for every engine, or a function building the text for an
    engine's Dialect where engines differ. `post` may finish the result in pandas
    (ordering, ratios); the mining itself stays in Cypher.
    """

    name: str
    description: str
    cypher: str | Callable[[Dialect], str]
    params: tuple[Param, ...] = ()
    post: PostProcess | None = None
    columns: tuple[str, ...] = ()
    scope: str = "dataset"
    """"take" for per-take queries, "dataset" for whole-dataset mining (benchmark targets)."""

    def text_for(self, backend: str) -> str:
        """The Cypher text for a backend ("embedded" or "neo4j")."""
        if isinstance(self.cypher, str):
            return self.cypher
        return self.cypher(dialect_of(backend))

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Typed parameters: defaults filled in, unknown names refused."""
        known = {p.name: p for p in self.params}
        unknown = set(given) - set(known)
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        bound = {n: p.coerce(given.get(n, p.default)) for n, p in known.items()}
        missing = [n for n, p in known.items() if p.required and bound[n] is None]
        if missing:
            raise QueryError(
                f"query {self.name!r} needs parameter {', '.join(missing)} "
                f"({'; '.join(known[n].help for n in missing)})"
            )
        return bound


CATALOG: dict[str, CatalogQuery] = {}

POST_FETCH_CAP = 1_000_000
"""Most engine rows read for a query with a `post` step (a safety cap; sets `truncated`)."""


def register(query: CatalogQuery) -> CatalogQuery:
    """Add a query to the catalog (names are unique)."""
    if query.name in CATALOG:
        raise ValueError(f"duplicate catalog query {query.name!r}")
    CATALOG[query.name] = query
    return query


def get_query(name: str) -> CatalogQuery:
    """A catalog query by name, or QueryError listing the names."""
    try:
        return CATALOG[name]
    except KeyError:
        raise QueryError(
            f"no catalog query {name!r}; `orgraph queries` lists: {', '.join(sorted(CATALOG))}"
        ) from None


def run_query(
    store: GraphStore,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    row_limit: int | None = None,
) -> pd.DataFrame:
    """Run a catalog query by name with typed parameters; returns its DataFrame.

    `row_limit` cuts the final result: when a `post` step orders or reshapes the rows,
    the engine's rows are fetched up to POST_FETCH_CAP first, so the cut keeps the top.
    """
    query = get_query(name)
    bound = query.bind(params or {})
    text = query.text_for(store.backend)
    if query.post is None:
        df = store.query(text, bound, timeout=timeout, row_limit=row_limit)
        return df.reset_index(drop=True)
    fetch = None if row_limit is None else max(row_limit, POST_FETCH_CAP)
    df = store.query(text, bound, timeout=timeout, row_limit=fetch)
    truncated = bool(df.attrs.get("truncated", False))
    df = query.post(df, bound)
    if row_limit is not None and len(df) > row_limit:
        df, truncated = df.iloc[:row_limit], True
    df = df.reset_index(drop=True)
    df.attrs["truncated"] = truncated
    return df
