"""Crash-safe replacement of durable rows in the embedded engine: write a copy, swap it in.

LadybugDB 0.22 logs deletes in its write-ahead log but not the rows of a COPY, which live
in memory until a checkpoint. A process killed after committing "delete take, COPY its new
rows" and before the checkpoint comes back with the deletes replayed and the new rows gone:
the take is lost. So writes that delete checkpointed rows run on a copy of the database
file (graph.lbug.next); at the store's next checkpoint (its doubling schedule, or
close) the copy is checkpointed, closed and renamed over graph.lbug.
A crash at any moment leaves the old file or the new one, complete; a writer opening the
store removes what an interrupted replacement left. Our own writer lock (flock on
writer.lock) keeps a second writer out while the file changes under the engine's lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from orgraph.core.errors import StoreError

if TYPE_CHECKING:
    from orgraph.core.store.ladybug_store import LadybugStore

LOCK_FILE = "writer.lock"
NEXT_SUFFIX = ".next"
"""graph.lbug.next: the copy being written; its .wal and .shadow are the engine's."""


class WriterLock:
    """An exclusive flock on the database directory's writer.lock, held while a writer lives."""

    def __init__(self, db_dir: Path) -> None:
        self.path = Path(db_dir) / LOCK_FILE
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            self._fd = None
            raise StoreError(
                f"the embedded database {db_dir} is open for writing by another process "
                "(only one `orgraph load` may write at a time; readers can still open it)"
            ) from None

    def release(self) -> None:
        """Unlock (closing the descriptor drops the flock); safe to call twice."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def next_file(main: Path) -> Path:
    """The sibling a replacement writes before it is swapped in: graph.lbug.next."""
    return main.with_name(main.name + NEXT_SUFFIX)


def remove_leftovers(main: Path) -> list[Path]:
    """Delete graph.lbug.next and the engine's files beside it; returns what was removed.

    Only a writer holding the WriterLock may call this: a copy not yet swapped in is
    never the store's state, so removing it loses nothing that was durable.
    """
    nxt = next_file(main)
    gone = [p for p in nxt.parent.glob(nxt.name + "*") if p.is_file()]
    for path in gone:
        path.unlink()
    return gone


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _engine_files(main: Path) -> list[Path]:
    """The engine's files beside a database file that hold unfinished work (WAL, shadow)."""
    return [p for p in (main.with_name(main.name + s) for s in (".wal", ".shadow")) if p.exists()]


def open_copy(store: LadybugStore) -> None:
    """Checkpoint the database file, copy it to graph.lbug.next and point the store at the copy.

    On failure the store is back on its untouched file.
    """
    main = store.path
    store.checkpoint()  # the copy must hold every commit so far
    store._close_engine()
    try:
        if _engine_files(main):  # a copy would miss what the engine's log still holds
            raise StoreError(
                f"embedded database {store.db_dir}: {_engine_files(main)[0].name} remains "
                "after a checkpoint; nothing was replaced"
            )
        remove_leftovers(main)
        shutil.copyfile(main, next_file(main))
        store._open_engine(next_file(main))
    except BaseException:
        remove_leftovers(main)
        store._open_engine(main)
        raise


def swap_in(store: LadybugStore) -> None:
    """Close the checkpointed copy, rename it over the database file durably, reopen the file.

    If the rename does not happen, the copy is deleted and the file is as it was.
    """
    main = store.path
    nxt = next_file(main)
    try:
        store._close_engine()
        unfinished = _engine_files(nxt)
        if unfinished:  # renaming would drop work the copy's own log still holds
            raise StoreError(
                f"embedded database {store.db_dir}: the replacement copy was not fully "
                f"checkpointed ({unfinished[0].name} remains); the store is unchanged"
            )
        _fsync(nxt)
        os.replace(nxt, main)
        _fsync(main.parent)
    except BaseException:
        remove_leftovers(main)
        store._open_engine(main)
        raise
    store._open_engine(main)
