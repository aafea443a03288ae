"""Read-only opens of a LadybugDB file: shared by threads, bounded in memory, never stale.

A read-only Database reads the catalog and table metadata once, when it opens. When a
writer later checkpoints into the file (or replaces it), reads through the old handle mix
that metadata with the new pages: wrong counts, storage errors, and queries that spin
while the page cache grows to the engine's default, about 80% of the machine. So a handle
remembers the file's identity at open, refuses to read once it changed (StoreChanged),
and interrupts the queries that were running when it changed.
"""

from __future__ import annotations

import os
import re
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orgraph.core.errors import StoreError
from orgraph.core.store.base import StoreChanged

WAL_SUFFIX = ".wal"
WATCH_INTERVAL_S = 0.5
OPEN_RETRY_S = 10.0
_TRANSIENT_OPEN_ERRORS = (
    re.compile(r"checkpoint recovery is pending"),  # a writer is checkpointing
    re.compile(r"Reading past the end of the file \S+\.wal with size 0"),  # its new, empty WAL
)


MAX_DB_BYTES = 1 << 38
"""Largest database file an open may grow to (256 GiB; the EgoExOR graph is well under
1 GB). The engine reserves this much virtual address space per open Database; its
default (8 TiB) let about fifteen opens in one process exhaust the address space
("Mmap ... failed"), as a dashboard serving many sessions or a test session does."""


def file_identity(path: Path) -> str:
    """inode:size:mtime_ns of a file, or '-' when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "-"
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def data_version(db_file: Path) -> str:
    """Changes whenever a writer commits (the WAL) or checkpoints or swaps (the file)."""
    return f"{file_identity(db_file)}|{file_identity(Path(str(db_file) + WAL_SUFFIX))}"


def changed_message(db_dir: Path) -> str:
    return (
        f"the embedded database {db_dir} changed on disk since it was opened (a load ran); "
        "open it again to read the new data"
    )


PENDING = re.compile(r"checkpoint recovery is pending")


def _open_database(path: Path, buffer_pool_mb: int) -> tuple[Any, bool]:
    """Database(read_only) with a capped page cache; waits out a writer's checkpoint or
    the moment its WAL is created (both make an open fail for a moment). A checkpoint
    left pending by a killed writer is recovered here when no writer holds the store
    (then the bool is True: the file changed during the open)."""
    import ladybug

    deadline = time.monotonic() + OPEN_RETRY_S
    recovered = False
    while True:
        try:
            db = ladybug.Database(
                str(path),
                read_only=True,
                buffer_pool_size=buffer_pool_mb * 1024 * 1024,
                max_db_size=MAX_DB_BYTES,
            )
            return db, recovered
        except RuntimeError as exc:
            transient = any(p.search(str(exc)) for p in _TRANSIENT_OPEN_ERRORS)
            if PENDING.search(str(exc)) and not recovered:
                recovered = recover_if_no_writer(path)
                if recovered:
                    continue
            if not transient:
                raise
            if time.monotonic() > deadline:
                if PENDING.search(str(exc)):
                    raise StoreError(pending_message(path.parent)) from None
                raise
            time.sleep(0.1)


def pending_message(db_dir: Path) -> str:
    """One line for a store whose recovery stays pending while a writer holds it."""
    return (
        f"the embedded database {db_dir}: checkpoint recovery is pending and the writer "
        f"that holds the store is finishing it (waited {OPEN_RETRY_S:.0f} s): retry once "
        f"that `orgraph load` ends, or if none runs, rerun `orgraph load FILE.h5 --db "
        f"{db_dir}` to recover it"
    )


def recover_if_no_writer(path: Path) -> bool:
    """Finish a killed writer's checkpoint as a writer would (its lock held, leftovers of a
    replacement removed, the log replayed and checkpointed); False when a writer holds
    the store, so it must be left to that writer."""
    import ladybug

    from orgraph.core.store.ladybug_replace import WriterLock, remove_leftovers

    try:
        lock = WriterLock(path.parent)
    except StoreError:  # a writer lives: it recovers the store itself
        return False
    except OSError as exc:  # e.g. a directory this reader may not write
        raise StoreError(_cannot_recover(path, exc)) from None
    try:
        remove_leftovers(path)
        db = ladybug.Database(str(path), max_db_size=MAX_DB_BYTES)
        try:
            conn = ladybug.Connection(db)
            conn.execute("CHECKPOINT")
            conn.close()
        finally:
            db.close()
    except (RuntimeError, OSError) as exc:  # e.g. no permission to write the files
        raise StoreError(_cannot_recover(path, exc)) from None
    finally:
        lock.release()
    return True


def _cannot_recover(path: Path, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"the embedded database {path.parent}: checkpoint recovery is pending (a writer was "
        f"killed) and this reader cannot finish it ({text}): rerun `orgraph load FILE.h5 "
        f"--db {path.parent}` to recover it"
    )


class ReadOnlyDatabase:
    """One read-only open shared by threads: a connection per concurrent query.

    Closing waits for the queries in flight: the last one to finish closes the engine,
    so a reopen on one thread never frees what another thread still reads.
    """

    def __init__(self, path: Path, db_dir: Path, buffer_pool_mb: int) -> None:
        import ladybug

        self.path, self.db_dir, self.buffer_pool_mb = path, db_dir, buffer_pool_mb
        self._connection_type = ladybug.Connection
        self.opened_identity = file_identity(path)  # taken first: a change during open shows
        self.db, recovered = _open_database(path, buffer_pool_mb)
        if recovered:  # the recovery rewrote the file: know it as it is now, then reopen
            self.db.close()
            self.opened_identity = file_identity(path)
            self.db, _ = _open_database(path, buffer_pool_mb)
        self._idle = [ladybug.Connection(self.db)]
        self._busy: set[Any] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        watch = threading.Thread(
            target=_watch, args=(weakref.ref(self), self._closed), name="lbug-watch", daemon=True
        )
        watch.start()  # holds a weak reference: a store nobody closes can still be freed

    def changed(self) -> bool:
        """True once a writer has checkpointed into the file or replaced it."""
        return file_identity(self.path) != self.opened_identity

    def require_unchanged(self) -> None:
        if self.changed():
            raise StoreChanged(changed_message(self.db_dir))

    def explain(self, exc: StoreError) -> StoreError:
        """The engine's error, or StoreChanged when the file changed under the query."""
        self.require_unchanged()
        if "buffer pool is full" not in str(exc):
            return exc
        return StoreError(
            f"{exc} (a read-only open caches at most {self.buffer_pool_mb} MB: "
            "raise ORGRAPH_READ_BUFFER_POOL_MB for bigger queries)"
        )

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A connection of this open for one query, checked to still match the file."""
        with self._lock:
            if self._closed.is_set():
                raise StoreError(f"the embedded database {self.db_dir} was closed")
            conn = self._idle.pop() if self._idle else self._connection_type(self.db)
            self._busy.add(conn)
        try:
            self.require_unchanged()
            yield conn
        finally:
            self._give_back(conn)

    def _give_back(self, conn: Any) -> None:
        with self._lock:
            self._busy.discard(conn)
            if not self._closed.is_set():
                self._idle.append(conn)
                return
            conn.close()
            if not self._busy:
                self.db.close()

    def interrupt_if_changed(self) -> None:
        """Stop the queries running once the file changed: their reads are no longer valid."""
        with self._lock:  # held, so that no connection is closed while it is interrupted
            if self._busy and self.changed():
                for conn in self._busy:
                    conn.interrupt()

    def close(self) -> None:
        """Close idle connections now, and the engine once no query runs."""
        with self._lock:
            if self._closed.is_set():
                return
            self._closed.set()
            for conn in self._idle:
                conn.close()
            self._idle.clear()
            if not self._busy:
                self.db.close()


def _watch(ref: weakref.ref[ReadOnlyDatabase], closed: threading.Event) -> None:
    """Every WATCH_INTERVAL_S until the open is closed or freed: interrupt_if_changed."""
    while not closed.wait(WATCH_INTERVAL_S):
        reader = ref()
        if reader is None:
            return
        reader.interrupt_if_changed()
        del reader
