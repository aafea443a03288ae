"""The embedded backend: LadybugDB (the maintained fork of Kuzu) in a directory.

One read-write process per database; read-only opens work beside it. Takes are
written with bulk COPY from DataFrames inside one transaction per take.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import StoreError
from core.store.base import GraphStore
from core.store.records import TakeGraph, validate_take_graph
from core.store.schema import NODE_BY_NAME, NODES, RELS, TAKE_DELETES, static_rows

DB_FILE = "graph.lbug"


def buffer_pool_bytes() -> int:
    """Page cache of the engine: $ORGRAPH_BUFFER_POOL_MB, or 0 for the engine's default.

    The default (most of the machine's memory, used only as the graph needs it) is
    kept because a transaction's pages cannot be evicted: 2 GB was too small for
    writing 5x the EgoExOR scale.
    """
    raw = os.environ.get("ORGRAPH_BUFFER_POOL_MB", "0")
    if raw == "0":
        return 0
    try:
        mb = int(raw)
    except ValueError:
        raise StoreError(
            f"ORGRAPH_BUFFER_POOL_MB must be a whole number of MB, got {raw!r}"
        ) from None
    if mb < 64:
        raise StoreError(f"ORGRAPH_BUFFER_POOL_MB must be at least 64, got {mb}")
    return mb * 1024 * 1024


def database_file(db_dir: Path) -> Path:
    """The LadybugDB file inside an ORGraph database directory."""
    return Path(db_dir) / DB_FILE


def _ddl() -> list[str]:
    stmts = []
    for node in NODES:
        cols = ", ".join(f"{name} {typ}" for name, typ in node.columns)
        stmts.append(
            f"CREATE NODE TABLE IF NOT EXISTS {node.name}"
            f"({cols}, PRIMARY KEY({node.columns[0][0]}))"
        )
        # a database made by an older layout gains the new columns; the load
        # fingerprint (schema.LAYOUT_VERSION) then rewrites its takes
        stmts += [
            f"ALTER TABLE {node.name} ADD IF NOT EXISTS {name} {typ}"
            for name, typ in node.columns[1:]
        ]
    for rel in RELS:
        cols = "".join(f", {name} {typ}" for name, typ in rel.columns)
        stmts.append(
            f"CREATE REL TABLE IF NOT EXISTS {rel.name}(FROM {rel.source} TO {rel.target}{cols})"
        )
    return stmts


def _friendly(exc: Exception, db_dir: Path) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(
            f"the embedded database {db_dir} is open for writing by another process "
            "(only one `orgraph load` may write at a time; readers can still open it)"
        )
    return StoreError(f"embedded database {db_dir}: {text}")


class LadybugStore(GraphStore):
    """GraphStore on an embedded LadybugDB directory."""

    backend = "embedded"

    def __init__(self, db_dir: Path, read_only: bool = True) -> None:
        import ladybug

        self.db_dir = Path(db_dir)
        self.read_only = read_only
        path = database_file(self.db_dir)
        if read_only and not path.exists():
            raise StoreError(
                f"no graph at {self.db_dir}: load one with "
                f"`orgraph load FILE.h5 --db {self.db_dir}`"
            )
        try:
            if not read_only:
                self.db_dir.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(
                str(path), read_only=read_only, buffer_pool_size=buffer_pool_bytes()
            )
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            raise _friendly(exc, self.db_dir) from None

    # -- reading ---------------------------------------------------------
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        if timeout is not None:
            self._conn.set_query_timeout(int(timeout * 1000))
        try:
            result = self._conn.execute(cypher, dict(params or {}))
        except RuntimeError as exc:
            raise StoreError(_clean_message(str(exc))) from None
        finally:
            if timeout is not None:
                self._conn.set_query_timeout(0)
        assert not isinstance(result, list)
        columns = result.get_column_names()
        rows: list[list[Any]] = []
        truncated = False
        while result.has_next():
            if row_limit is not None and len(rows) >= row_limit:
                truncated = True
                break
            rows.append(result.get_next())
        result.close()
        df = pd.DataFrame(rows, columns=columns)
        df.attrs["truncated"] = truncated
        return df

    # -- writing ---------------------------------------------------------
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        self._require_writable()
        try:
            self._conn.execute(cypher, dict(params or {}))
        except RuntimeError as exc:
            raise StoreError(_clean_message(str(exc))) from None

    def ensure_schema(self) -> None:
        self._require_writable()
        for stmt in _ddl():
            self._conn.execute(stmt)
        for table, rows in static_rows().items():
            for row in rows:
                sets = ", ".join(f"n.{k} = ${k}" for k in row if k != "key")
                self._conn.execute(
                    f"MERGE (n:{table} {{key: $key}})" + (f" SET {sets}" if sets else ""), row
                )

    def delete_take(self, take_key: str) -> None:
        self._require_writable()
        self._conn.execute("BEGIN TRANSACTION")
        try:
            self._delete_take_rows(take_key)
            self._conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def replace_take(self, graph: TakeGraph) -> None:
        self.replace_takes([graph])

    def replace_takes(self, graphs: list[TakeGraph]) -> None:
        """One transaction for the group, since commits are costly here.

        Rows are validated first: a bad take raises after the takes before it are written.
        """
        self._require_writable()
        for i, graph in enumerate(graphs):
            try:
                validate_take_graph(graph)
            except StoreError:
                self._write_group(graphs[:i])
                raise
        self._write_group(graphs)

    def _write_group(self, graphs: list[TakeGraph]) -> None:
        """Replace validated takes in one transaction, all or nothing.

        A failure here is the engine itself (memory, disk). It is not retried take by
        take: LadybugDB 0.22 keeps the primary keys of a failed COPY.
        """
        if not graphs:
            return
        self._conn.execute("BEGIN TRANSACTION")
        try:
            for graph in graphs:
                self._delete_take_rows(graph.key)
                self._write_take_rows(graph)
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, RuntimeError):
                what = "take" if len(graphs) == 1 else "takes"
                keys = ", ".join(g.key for g in graphs)
                raise StoreError(
                    f"writing {what} {keys} failed and was rolled back: "
                    f"{_clean_message(str(exc))}"
                ) from None
            raise

    def _rollback(self) -> None:
        """Roll back, unless the engine already did when a statement failed."""
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as exc:
            if "no active transaction" not in str(exc).lower():
                raise

    def _delete_take_rows(self, take_key: str) -> None:
        for statement in TAKE_DELETES:
            self._conn.execute(statement, {"k": take_key})

    def _write_take_rows(self, g: TakeGraph) -> None:
        conn = self._conn
        conn.execute(
            "MERGE (p:Procedure {key: $key}) SET p.surgery_type = $surgery_type, "
            "p.procedure_id = $procedure_id",
            g.procedure,
        )
        take_cols = [c for c, _ in NODE_BY_NAME["Take"].columns]
        sets = ", ".join(f"{c}: ${c}" for c in take_cols)
        conn.execute(f"CREATE (:Take {{{sets}}})", {c: g.take[c] for c in take_cols})
        conn.execute(
            "MATCH (p:Procedure {key: $p}), (t:Take {key: $t}) CREATE (p)-[:HAS_TAKE]->(t)",
            {"p": g.procedure["key"], "t": g.key},
        )
        if g.take["split"]:
            conn.execute(
                "MATCH (s:Split {key: $s}), (t:Take {key: $t}) CREATE (t)-[:IN_SPLIT]->(s)",
                {"s": g.take["split"], "t": g.key},
            )
        for source in g.sources["dst"]:
            conn.execute("MERGE (s:Source {key: $k})", {"k": source})
        self._copy("Frame", g.frames)
        self._copy("Entity", g.entities)
        self._copy("Interaction", g.interactions)
        self._copy_rel("HAS_SOURCE", g.sources)
        self._copy_rel("HAS_FRAME", _from_take(g.key, g.frames))
        self._copy_rel("NEXT", g.next)
        self._copy_rel("HAS_ENTITY", _from_take(g.key, g.entities))
        self._copy_rel(
            "INSTANCE_OF", pd.DataFrame({"src": g.entities["key"], "dst": g.entities["name"]})
        )
        self._copy_rel("HAS_SUBJECT", g.has_subject)
        self._copy_rel("HAS_OBJECT", g.has_object)
        self._copy_rel("SHOWS", g.shows)

    def copy_nodes(self, table: str, rows: pd.DataFrame) -> None:
        """Bulk-append rows to a node table (used for predictions)."""
        self._copy(table, rows)

    def copy_rels(self, table: str, rows: pd.DataFrame) -> None:
        """Bulk-append rows (src, dst, props...) to a relationship table."""
        self._copy_rel(table, rows)

    def _copy(self, table: str, rows: pd.DataFrame) -> None:
        if rows.empty:
            return
        frame = rows[NODE_BY_NAME[table].column_names]  # noqa: F841 - read by COPY by name
        self._conn.execute(f"COPY {table} FROM frame")

    def _copy_rel(self, table: str, rows: pd.DataFrame) -> None:
        if rows.empty:
            return
        frame = rows  # noqa: F841 - read by COPY by name
        self._conn.execute(f"COPY {table} FROM frame")

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the embedded database {self.db_dir} was opened read-only")

    def close(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._db.close()
            self._conn = None




def _from_take(take_key: str, nodes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"src": take_key, "dst": nodes["key"]})


_LOCATION = re.compile(r"\s+at\s+/\S+")


def _clean_message(text: str) -> str:
    return _LOCATION.sub("", text.strip().splitlines()[0] if text.strip() else text)
