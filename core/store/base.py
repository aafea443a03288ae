"""The one graph-store interface every part uses, whatever the backend."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from orgraph.core.errors import StoreError
from orgraph.core.store.predictions import PredictionRun, TakePredictions
from orgraph.core.store.records import TakeGraph, require_distinct_takes


class StoreChanged(StoreError):
    """A read-only store's data changed under it (a load ran): open the store again."""


class GraphStore(ABC):
    """A temporal scene-graph store: read queries for everyone, writes for the loader.

    Query results are DataFrames; `df.attrs["truncated"]` is True when the row
    limit cut the result short.
    """

    backend: str = ""
    read_only: bool = True
    groups_takes: bool = False
    """True when replace_takes writes several takes in one transaction (commits are
    costly), so a loader should hand it a group of takes at a time."""

    @abstractmethod
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        """Run a read query with parameters and return its rows."""

    def query_untrusted(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        """Run a read typed by a user (the console), which may be hostile.

        Stopped after `timeout` s by the engine and, should the engine not stop it,
        by the client (core.store.deadline.QueryStopped) without waiting for the
        engine. Backends isolate it further where an engine could crash or hang the
        process (LadybugDB: a child process; Neo4j: a connection of its own).
        """
        from orgraph.core.store.deadline import call_with_deadline

        return call_with_deadline(
            lambda: self.query(cypher, params, timeout=timeout, row_limit=row_limit), timeout
        )

    @abstractmethod
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Run one write statement in its own transaction."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints, indexes (or tables) and the shared nodes, if missing."""

    @abstractmethod
    def replace_take(self, graph: TakeGraph) -> None:
        """Replace one take with these rows in a single transaction: all or nothing."""

    def replace_takes(self, graphs: list[TakeGraph]) -> None:
        """Replace several takes; a backend may group them into one transaction.

        Either way the outcome is per take: if one fails, the takes before it are
        stored, it is absent (or as it was), and its error is raised.
        """
        require_distinct_takes(graphs)
        for graph in graphs:
            self.replace_take(graph)

    @abstractmethod
    def replace_predictions(self, run: PredictionRun, takes: Iterable[TakePredictions]) -> None:
        """Store the Run node, then replace its predictions take by take.

        Each take is replaced in one transaction, and a crash at any moment leaves each
        take's predictions of the run as they were or as written, never a mix or none.
        `takes` may be a generator: it is consumed once, in order.
        """

    @abstractmethod
    def delete_take(self, take_key: str) -> None:
        """Remove one take and everything that belongs to it."""

    @abstractmethod
    def data_version(self) -> str:
        """A cheap token that changes whenever the stored takes or prediction runs change.

        Readers that keep a store open (the dashboard) compare it to reopen and re-read.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the connection or database handle."""

    def take_fingerprints(self) -> dict[str, str]:
        """Take key -> fingerprint of the input it was loaded from."""
        df = self.query("MATCH (t:Take) RETURN t.key AS key, t.fingerprint AS fingerprint")
        return dict(zip(df["key"], df["fingerprint"], strict=True))

    def is_empty(self) -> bool:
        """True when no take is loaded."""
        return self.query("MATCH (t:Take) RETURN count(t) AS n")["n"].iloc[0] == 0

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
