"""The server backend: Neo4j 5.26 through the official driver (bolt:// or neo4j://).

Takes are written with UNWIND batches inside one managed write transaction per
take, so a failure leaves the take as it was and transient errors are retried.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import neo4j
import pandas as pd
from neo4j import exceptions as nx

from orgraph.core.errors import StoreError, StoreUnreachable
from orgraph.core.settings import Settings, check_neo4j_uri, redact_text, redact_uri
from orgraph.core.store.base import GraphStore
from orgraph.core.store.predictions import PredictionRun, TakePredictions
from orgraph.core.store.records import TakeGraph, validate_take_graph
from orgraph.core.store.schema import NEO4J_INDEXES, NODES, TAKE_DELETES, static_rows

BATCH_SIZE = 5_000

_DATA_VERSION = """
OPTIONAL MATCH (t:Take) WITH t ORDER BY t.key
WITH collect([t.key, t.fingerprint]) AS takes
OPTIONAL MATCH (r:Run) WITH takes, r ORDER BY r.key
RETURN takes, collect([r.key, toString(r.created)]) AS runs
"""


def _batches(df: pd.DataFrame, size: int) -> Iterator[list[dict[str, Any]]]:
    records = df.to_dict("records")
    for start in range(0, len(records), size):
        yield records[start : start + size]


def _to_python(value: Any) -> Any:
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **dict(value)}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **dict(value)}
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    return value


_FRAMES_WITH_SHOWS = """
UNWIND range(0, size($ikeys) - 1) AS j
MATCH (i:Interaction {key: $ikeys[j]})
WITH j, i ORDER BY j
WITH collect(i) AS ints
MATCH (t:Take {key: $take})
UNWIND $rows AS row
CREATE (t)-[:HAS_FRAME]->(f:Frame) SET f = row.props
WITH f, row, ints
UNWIND row.shows AS s
WITH f, ints[s[0]] AS i, s[1] AS n
CREATE (f)-[:SHOWS {n: n}]->(i)
"""

_NEXT_CHAIN = """
MATCH (f:Frame {take: $take})
WITH f ORDER BY f.idx
WITH collect(f) AS fs
UNWIND range(0, size(fs) - 2) AS j
WITH fs[j] AS a, fs[j + 1] AS b
CREATE (a)-[:NEXT]->(b)
"""


def _frame_rows(g: TakeGraph) -> list[dict[str, Any]]:
    """One row per frame: its properties and its SHOWS edges as [interval position, n]."""
    ipos = {k: i for i, k in enumerate(g.interactions["key"])}
    fpos = {k: i for i, k in enumerate(g.frames["key"])}
    shows: list[list[list[int]]] = [[] for _ in range(len(g.frames))]
    for src, dst, n in zip(g.shows["src"], g.shows["dst"], g.shows["n"], strict=True):
        shows[fpos[src]].append([ipos[dst], int(n)])
    props = g.frames.to_dict("records")
    return [{"props": p, "shows": s} for p, s in zip(props, shows, strict=True)]


class Neo4jStore(GraphStore):
    """GraphStore on a Neo4j server."""

    backend = "neo4j"

    def __init__(self, settings: Settings, read_only: bool = True, batch_size: int = BATCH_SIZE):
        self.read_only = read_only
        check_neo4j_uri(settings.neo4j_uri)  # never hand credentials in a URI to the driver
        self.uri = settings.neo4j_uri
        self.shown_uri = redact_uri(settings.neo4j_uri)
        self.user = settings.neo4j_user
        self.database = settings.neo4j_database
        self.batch_size = batch_size
        self._password = settings.neo4j_password
        try:
            self._driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, settings.neo4j_password.reveal()),
                connection_timeout=10,
                max_transaction_retry_time=30,
            )
            self._driver.verify_connectivity()
        except Exception as exc:  # driver raises many types; all become one clear line
            raise self._friendly(exc) from None

    def _friendly(self, exc: Exception) -> StoreError:
        """One clear line for a driver error; no URI in it shows its userinfo."""
        unreachable = isinstance(exc, nx.ServiceUnavailable | OSError | nx.SessionExpired)
        kind = StoreUnreachable if unreachable else StoreError
        return kind(redact_text(self._friendly_text(exc)))

    def _friendly_text(self, exc: Exception) -> str:
        uri = self.shown_uri
        if isinstance(exc, nx.AuthError):
            return (
                f"Neo4j at {uri} refused the credentials of user {self.user!r} "
                "(check NEO4J_USER / NEO4J_PASSWORD)"
            )
        if isinstance(exc, nx.ServiceUnavailable | OSError | nx.SessionExpired):
            return (
                f"cannot reach Neo4j at {uri}: is the server running? "
                "(`orgraph neo4j start` runs a local one)"
            )
        if isinstance(exc, nx.ConfigurationError | ValueError):
            return f"invalid Neo4j settings for {uri}: {exc}"
        if isinstance(exc, nx.ClientError) and "TransactionTimedOut" in str(exc.code):
            return "the query ran past its time limit and was stopped"
        if isinstance(exc, nx.Neo4jError):
            return f"Neo4j refused the query: {exc.message}"
        return f"Neo4j at {uri}: {exc}"

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        rows: list[list[Any]] = []
        truncated = False

        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            nonlocal truncated
            rows.clear()
            result = tx.run(cypher, dict(params or {}))
            keys = list(result.keys())
            for record in result:
                if row_limit is not None and len(rows) >= row_limit:
                    truncated = True
                    break
                rows.append([_to_python(v) for v in record.values()])
            result.consume()
            return keys

        work_fn = neo4j.unit_of_work(timeout=timeout)(work) if timeout else work
        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                keys = session.execute_read(work_fn)
        except Exception as exc:
            raise self._friendly(exc) from None
        df = pd.DataFrame(rows, columns=keys)
        df.attrs["truncated"] = truncated
        return df

    def query_untrusted(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        """A console read on its own connection, READ access, stopped on both sides
        after `timeout` (core.store.neo4j_console)."""
        from orgraph.core.store.neo4j_console import Neo4jConsole

        console = Neo4jConsole(
            self.uri,
            (self.user, self._password.reveal()),
            self.database,
            convert=_to_python,
            friendly=self._friendly,
        )
        return console.run(cypher, params, timeout=timeout, row_limit=row_limit)

    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        self._require_writable()
        try:
            self._driver.execute_query(
                cypher,
                dict(params or {}),
                database_=self.database,
                routing_=neo4j.RoutingControl.WRITE,
            )
        except Exception as exc:
            raise self._friendly(exc) from None

    def write_batched(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Run a write in an implicit transaction, as `CALL {} IN TRANSACTIONS` needs."""
        self._require_writable()
        try:
            with self._driver.session(database=self.database) as session:
                session.run(cypher, dict(params or {})).consume()  # type: ignore[arg-type]
        except Exception as exc:
            raise self._friendly(exc) from None

    def ensure_schema(self) -> None:
        self._require_writable()
        for node in NODES:
            self.write(
                f"CREATE CONSTRAINT {node.name.lower()}_key IF NOT EXISTS "
                f"FOR (n:{node.name}) REQUIRE n.key IS UNIQUE"
            )
        for label, props in NEO4J_INDEXES:
            name = f"{label.lower()}_{'_'.join(props)}"
            cols = ", ".join(f"n.{p}" for p in props)
            self.write(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON ({cols})")
        self.write("CALL db.awaitIndexes(300)")
        for table, rows in static_rows().items():
            self.write(
                f"UNWIND $rows AS row MERGE (n:{table} {{key: row.key}}) SET n += row",
                {"rows": rows},
            )

    def replace_predictions(self, run: PredictionRun, takes: Iterable[TakePredictions]) -> None:
        """See core.store.neo4j_predictions (one statement per take)."""
        from orgraph.core.store.neo4j_predictions import replace_predictions

        self._require_writable()
        replace_predictions(self, run, takes)

    def delete_take(self, take_key: str) -> None:
        self._require_writable()
        self._run_write(lambda tx: self._delete_take_rows(tx, take_key))

    def replace_take(self, graph: TakeGraph) -> None:
        self._require_writable()
        validate_take_graph(graph)

        def work(tx: neo4j.ManagedTransaction) -> None:
            self._delete_take_rows(tx, graph.key)
            self._write_take_rows(tx, graph)

        self._run_write(work, what=f"writing take {graph.key}")

    def _run_write(self, work: Any, what: str = "write") -> None:
        try:
            with self._driver.session(database=self.database) as session:
                session.execute_write(work)
        except Exception as exc:
            err = self._friendly(exc)
            raise StoreError(f"{what} failed and was rolled back: {err}") from None

    @staticmethod
    def _delete_take_rows(tx: neo4j.ManagedTransaction, take_key: str) -> None:
        for statement in TAKE_DELETES:
            tx.run(statement, k=take_key).consume()

    def _write_take_rows(self, tx: neo4j.ManagedTransaction, g: TakeGraph) -> None:
        def unwind(cypher: str, df: pd.DataFrame, **extra: Any) -> None:
            for rows in _batches(df, self.batch_size):
                tx.run("UNWIND $rows AS row " + cypher, rows=rows, **extra).consume()

        tx.run(
            "MERGE (p:Procedure {key: $p.key}) SET p += $p "
            "CREATE (t:Take) SET t = $t CREATE (p)-[:HAS_TAKE]->(t) "
            "WITH t MATCH (s:Split {key: $t.split}) CREATE (t)-[:IN_SPLIT]->(s)",
            p=g.procedure,
            t=g.take,
        ).consume()
        unwind(
            "MATCH (t:Take {key: $take}) MERGE (s:Source {key: row.dst}) "
            "CREATE (t)-[:HAS_SOURCE {idx: row.idx}]->(s)",
            g.sources,
            take=g.key,
        )
        unwind(
            "MATCH (t:Take {key: $take}), (c:EntityClass {key: row.name}) "
            "CREATE (t)-[:HAS_ENTITY]->(e:Entity)-[:INSTANCE_OF]->(c) SET e = row",
            g.entities,
            take=g.key,
        )
        interactions = g.interactions.assign(
            _s=g.has_subject["dst"].to_numpy(), _o=g.has_object["dst"].to_numpy()
        )
        unwind(
            "MATCH (s:Entity {key: row._s}), (o:Entity {key: row._o}) "
            "CREATE (s)<-[:HAS_SUBJECT]-(i:Interaction)-[:HAS_OBJECT]->(o) "
            "SET i = row REMOVE i._s, i._o",
            interactions,
        )
        # Frames with their SHOWS edges: the take's intervals are looked up once per
        # batch and addressed by position, instead of two index seeks per edge.
        ikeys = g.interactions["key"].tolist()
        rows = _frame_rows(g)
        for start in range(0, len(rows), self.batch_size):
            batch = rows[start : start + self.batch_size]
            tx.run(_FRAMES_WITH_SHOWS, ikeys=ikeys, rows=batch, take=g.key).consume()
        tx.run(_NEXT_CHAIN, take=g.key).consume()

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the Neo4j store at {self.shown_uri} was opened read-only")

    def data_version(self) -> str:
        """A digest of the stored takes' keys and fingerprints and of the prediction runs."""
        row = self.query(_DATA_VERSION).iloc[0]
        text = json.dumps([row["takes"], row["runs"]], default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def close(self) -> None:
        self._driver.close()
