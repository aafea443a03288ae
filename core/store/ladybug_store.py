"""The embedded backend: LadybugDB (the maintained fork of Kuzu) in a directory.

One read-write process per database; read-only opens work beside it. Takes are
written with bulk COPY from DataFrames, a group of takes per transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from orgraph.core.errors import StoreError
from orgraph.core.settings import DEFAULT_READ_BUFFER_POOL_MB
from orgraph.core.store.base import GraphStore
from orgraph.core.store.ladybug_reader import MAX_DB_BYTES, ReadOnlyDatabase, data_version
from orgraph.core.store.ladybug_replace import WriterLock, open_copy, remove_leftovers, swap_in
from orgraph.core.store.predictions import PredictionRun, TakePredictions
from orgraph.core.store.records import TakeGraph, require_distinct_takes, validate_take_graph
from orgraph.core.store.schema import NODE_BY_NAME, NODES, RELS, TAKE_DELETES, static_rows

DB_FILE = "graph.lbug"


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
    """GraphStore on an embedded LadybugDB directory.

    Checkpoints are ours, not the engine's: its automatic checkpoint after every
    commit costs more the bigger the graph, which made loading grow faster than the
    data. A writer checkpoints when the rows committed since its last checkpoint
    reach the rows it checkpointed before (so O(log n) times in a load), and on
    close. A crash loses at most the new takes since the last checkpoint, fingerprints
    included, so a rerun loads exactly those again. Groups that replace stored takes
    go through `replacing()` (core.store.ladybug_replace), so a crash never loses them.
    """

    backend = "embedded"
    groups_takes = True

    def __init__(
        self,
        db_dir: Path,
        read_only: bool = True,
        read_buffer_pool_mb: int = DEFAULT_READ_BUFFER_POOL_MB,
        buffer_pool_mb: int = 0,
    ) -> None:
        """`buffer_pool_mb` caps a writer's page cache (0: the engine's default, most of the
        memory, used only as the graph needs it); a write group's pages cannot be evicted,
        so a cap must hold one group: 1024 MB loaded 5x the EgoExOR scale."""
        self.db_dir = Path(db_dir)
        self._buffer_pool_bytes = buffer_pool_mb * 1024 * 1024
        self.read_only = read_only
        self.path = database_file(self.db_dir)
        self._reader: ReadOnlyDatabase | None = None
        if read_only and not self.path.exists():
            raise StoreError(
                f"nothing is loaded in {self.db_dir} yet (no graph there): load one with "
                f"`orgraph load FILE.h5 --db {self.db_dir}`"
            )
        if read_only:  # shared by threads, page cache capped (see ladybug_reader)
            try:
                self._reader = ReadOnlyDatabase(self.path, self.db_dir, read_buffer_pool_mb)
            except RuntimeError as exc:
                raise _friendly(exc, self.db_dir) from None
            self._db, self._conn = self._reader.db, None
            try:
                self._require_graph()
            except BaseException:  # e.g. the file changed under this first read
                self.close()
                raise
            return
        self._lock: WriterLock | None = None
        self._rows_checkpointed = 0
        self._rows_since_checkpoint = 0
        self._on_copy = False
        if not read_only:
            self.db_dir.mkdir(parents=True, exist_ok=True)
            self._lock = WriterLock(self.db_dir)  # held until close (see ladybug_replace)
            remove_leftovers(self.path)
        try:
            self._open_engine(self.path)
        except BaseException:
            self._release_lock()
            raise

    def _require_graph(self) -> None:
        """A reader of a directory that holds no graph yet says so: no Take table, or a
        schema a load was killed while creating (tables missing and no take written yet).
        A store of an older layout with takes but without a newer table still opens."""
        tables = set(self.query("CALL show_tables() RETURN name")["name"])
        missing = [t.name for t in (*NODES, *RELS) if t.name not in tables]
        if missing and "Take" in tables:
            takes = self.query("MATCH (t:Take) RETURN count(t) AS n")["n"].iloc[0]
            if int(takes) > 0:
                return
        if missing:
            raise StoreError(
                f"nothing is loaded in {self.db_dir} yet (it holds no graph"
                + (f": table {missing[0]} is missing" if tables else "")
                + f"): load one with `orgraph load FILE.h5 --db {self.db_dir}`"
            )

    def _open_engine(self, path: Path) -> None:
        """Open the engine on a database file (ours, or the copy of a replacement)."""
        import ladybug

        try:
            self._db = ladybug.Database(
                str(path),
                read_only=self.read_only,
                buffer_pool_size=self._buffer_pool_bytes,
                auto_checkpoint=self.read_only,
                max_db_size=MAX_DB_BYTES,
            )
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            raise _friendly(exc, self.db_dir) from None

    def _close_engine(self) -> None:
        self._conn.close()
        self._db.close()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextmanager
    def replacing(self) -> Iterator[None]:
        """Writes inside may delete checkpointed rows: they go to a copy of the database file.

        The copy replaces the file at the next checkpoint (the doubling schedule, or
        close), so a crash leaves every row as checkpointed before or as written since,
        never deletes without their new rows. Later writes join the same copy; use
        transactions inside as usual. See core.store.ladybug_replace.
        """
        self._require_writable()
        if not self._on_copy:
            open_copy(self)
            self._on_copy = True
        yield

    # -- reading ---------------------------------------------------------
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        if self._reader is None:
            return _run_query(self._conn, cypher, params, timeout, row_limit)
        with self._reader.connection() as conn:
            try:
                df = _run_query(conn, cypher, params, timeout, row_limit)
            except StoreError as exc:
                raise self._reader.explain(exc) from None
            self._reader.require_unchanged()  # rows read while a writer checkpointed
            return df

    def data_version(self) -> str:
        return data_version(database_file(self.db_dir))

    def query_untrusted(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float,
        row_limit: int | None = None,
    ) -> pd.DataFrame:
        """A console read in a child process (core.store.ladybug_console): if the engine
        crashes or hangs there, this process carries on and the caller gets one line."""
        from orgraph.core.store.ladybug_console import workers_of

        return workers_of(self).run(cypher, params, timeout=timeout, row_limit=row_limit)

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
        require_distinct_takes(graphs)
        for i, graph in enumerate(graphs):
            try:
                validate_take_graph(graph)
            except StoreError:
                self._write_group(graphs[:i])
                raise
        self._write_group(graphs)

    def _write_group(self, graphs: list[TakeGraph]) -> None:
        """Replace validated takes in one transaction, all or nothing.

        Each table gets one COPY for the whole group: a COPY into a non-empty table
        costs more as the table grows, so per-take COPYs made loading superlinear.
        A failure here is the engine itself (memory, disk). It is not retried take by
        take: LadybugDB 0.22 keeps the primary keys of a failed COPY.
        """
        if not graphs:
            return
        stored = self._stored_takes([g.key for g in graphs])
        rows = sum(len(g.frames) + len(g.shows) for g in graphs)
        if stored:  # deletes of durable rows: only on a copy (see replacing)
            with self.replacing():
                self._write_transaction(graphs, stored)
        else:  # only new takes: a crash can lose nothing stored, so write where we are
            self._write_transaction(graphs, [])
        self._committed(rows)

    def _write_transaction(self, graphs: list[TakeGraph], stored: list[str]) -> None:
        """Delete the `stored` takes and write `graphs`, in one transaction."""
        self._conn.execute("BEGIN TRANSACTION")
        try:
            for key in stored:
                self._delete_take_rows(key)
            self._write_rows(graphs)
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, RuntimeError):
                what = "take" if len(graphs) == 1 else "takes"
                keys = ", ".join(g.key for g in graphs)
                raise StoreError(
                    f"writing {what} {keys} failed and was rolled back: {_clean_message(str(exc))}"
                ) from None
            raise

    def _committed(self, rows: int) -> None:
        """Checkpoint once the rows since the last checkpoint reach those checkpointed before."""
        self._rows_since_checkpoint += rows
        if self._rows_since_checkpoint >= self._rows_checkpointed:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Write committed transactions into the database file (see the class docstring);
        a copy being written (see `replacing`) is swapped in."""
        try:
            self._conn.execute("CHECKPOINT")
        except RuntimeError as exc:
            raise StoreError(
                f"embedded database {self.db_dir}: checkpoint failed: {_clean_message(str(exc))}"
            ) from None
        if self._on_copy:
            self._on_copy = False
            swap_in(self)
        self._rows_checkpointed += self._rows_since_checkpoint
        self._rows_since_checkpoint = 0

    def _rollback(self) -> None:
        """Roll back, unless the engine already did when a statement failed."""
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as exc:
            if "no active transaction" not in str(exc).lower():
                raise

    def _stored_takes(self, keys: list[str]) -> list[str]:
        """Those of `keys` already in the graph (only they need deleting first)."""
        found = self.query("MATCH (t:Take) WHERE t.key IN $keys RETURN t.key AS k", {"keys": keys})
        return found["k"].tolist()

    def _delete_take_rows(self, take_key: str) -> None:
        for statement in TAKE_DELETES:
            self._conn.execute(statement, {"k": take_key})

    def _write_rows(self, graphs: list[TakeGraph]) -> None:
        conn = self._conn
        procedures = {str(g.procedure["key"]): g.procedure for g in graphs}
        conn.execute(
            "UNWIND $rows AS r MERGE (p:Procedure {key: r.key}) "
            "SET p.surgery_type = r.surgery_type, p.procedure_id = r.procedure_id",
            {"rows": list(procedures.values())},
        )
        sources = sorted({s for g in graphs for s in g.sources["dst"]})
        conn.execute("UNWIND $keys AS k MERGE (:Source {key: k})", {"keys": sources})
        takes = pd.DataFrame([g.take for g in graphs])
        self._copy("Take", takes)
        self._copy_rel(
            "HAS_TAKE",
            pd.DataFrame({"src": [g.procedure["key"] for g in graphs], "dst": takes["key"]}),
        )
        in_split = takes[takes["split"].astype(bool)]
        self._copy_rel("IN_SPLIT", pd.DataFrame({"src": in_split["key"], "dst": in_split["split"]}))

        def rows(part: Callable[[TakeGraph], pd.DataFrame]) -> pd.DataFrame:
            return pd.concat([part(g) for g in graphs], ignore_index=True)

        frames, entities = rows(lambda g: g.frames), rows(lambda g: g.entities)
        self._copy("Frame", frames)
        self._copy("Entity", entities)
        self._copy("Interaction", rows(lambda g: g.interactions))
        self._copy_rel("HAS_SOURCE", rows(lambda g: g.sources))
        self._copy_rel("HAS_FRAME", pd.DataFrame({"src": frames["take"], "dst": frames["key"]}))
        self._copy_rel("NEXT", rows(lambda g: g.next))
        self._copy_rel(
            "HAS_ENTITY", pd.DataFrame({"src": entities["take"], "dst": entities["key"]})
        )
        self._copy_rel(
            "INSTANCE_OF", pd.DataFrame({"src": entities["key"], "dst": entities["name"]})
        )
        self._copy_rel("HAS_SUBJECT", rows(lambda g: g.has_subject))
        self._copy_rel("HAS_OBJECT", rows(lambda g: g.has_object))
        self._copy_rel("SHOWS", rows(lambda g: g.shows))

    def replace_predictions(self, run: PredictionRun, takes: Iterable[TakePredictions]) -> None:
        """See core.store.ladybug_predictions (crash-safe through `replacing`)."""
        from orgraph.core.store.ladybug_predictions import replace_predictions

        self._require_writable()
        replace_predictions(self, run, takes)

    def _copy(self, table: str, rows: pd.DataFrame) -> None:
        """Bulk-append rows to a node table (this backend's only way to write many rows)."""
        if rows.empty:
            return
        frame = rows[NODE_BY_NAME[table].column_names]  # noqa: F841 - read by COPY by name
        self._conn.execute(f"COPY {table} FROM frame")

    def _copy_rel(self, table: str, rows: pd.DataFrame) -> None:
        """Bulk-append rows (src, dst, props...) to a relationship table."""
        if rows.empty:
            return
        frame = rows  # noqa: F841 - read by COPY by name
        self._conn.execute(f"COPY {table} FROM frame")

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the embedded database {self.db_dir} was opened read-only")

    def close(self) -> None:
        from orgraph.core.store.ladybug_console import close_workers_of

        close_workers_of(self)
        if getattr(self, "_reader", None) is not None:
            self._reader.close()  # type: ignore[union-attr]
            return
        conn = getattr(self, "_conn", None)
        if conn is None:
            return
        try:
            if not self.read_only:
                self.checkpoint()
        finally:
            try:
                self._close_engine()
            finally:
                self._conn = None
                self._release_lock()


_LOCATION = re.compile(r"\s+at\s+/\S+")


def _run_query(
    conn: Any,
    cypher: str,
    params: Mapping[str, Any] | None,
    timeout: float | None,
    row_limit: int | None,
) -> pd.DataFrame:
    """Run one read on a connection and collect its rows (up to row_limit)."""
    if timeout is not None:
        conn.set_query_timeout(int(timeout * 1000))
    try:
        result = conn.execute(cypher, dict(params or {}))
    except RuntimeError as exc:
        raise StoreError(_clean_message(str(exc))) from None
    finally:
        if timeout is not None:
            conn.set_query_timeout(0)
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


def _clean_message(text: str) -> str:
    return _LOCATION.sub("", text.strip().splitlines()[0] if text.strip() else text)
