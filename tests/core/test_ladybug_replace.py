"""Embedded store: replacements on a copy swapped in, the writer lock, leftovers removed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orgraph.core.errors import StoreError
from orgraph.core.store.ladybug_store import LadybugStore, database_file
from orgraph.loader.records import build_take_graph
from tests.support.core import ANNOTATED, ROWS, take_annotations


def stored_store(tmp_path: Path) -> LadybugStore:
    store = LadybugStore(tmp_path / "db", read_only=False)
    store.ensure_schema()
    store.replace_takes([build_take_graph(take_annotations(1, ROWS, ANNOTATED))])
    return store


def interactions(store: LadybugStore) -> int:
    return int(store.query("MATCH (i:Interaction) RETURN count(i) AS n")["n"].iloc[0])


def test_replacing_a_stored_take_swaps_in_a_new_file(tmp_path: Path) -> None:
    store = stored_store(tmp_path)
    store.checkpoint()
    inode = database_file(store.db_dir).stat().st_ino
    store.replace_takes([build_take_graph(take_annotations(1, ROWS[:-1], ANNOTATED))])
    store.checkpoint()
    assert database_file(store.db_dir).stat().st_ino != inode  # a new file, renamed in
    assert interactions(store) == 3
    store.close()
    assert sorted(p.name for p in store.db_dir.iterdir()) == ["graph.lbug", "writer.lock"]
    with LadybugStore(store.db_dir) as reader:
        assert interactions(reader) == 3


def test_a_failure_inside_a_replacement_keeps_the_rows(tmp_path: Path) -> None:
    store = stored_store(tmp_path)
    with pytest.raises(RuntimeError, match="stop"), store.replacing():
        store.write("BEGIN TRANSACTION")
        store.write("MATCH (i:Interaction) DETACH DELETE i")
        store.write("ROLLBACK")
        raise RuntimeError("stop")
    store.close()
    with LadybugStore(store.db_dir) as reader:
        assert interactions(reader) == 4


def test_new_takes_only_are_written_in_place(tmp_path: Path) -> None:
    store = stored_store(tmp_path)
    store.checkpoint()
    inode = database_file(store.db_dir).stat().st_ino
    store.replace_takes([build_take_graph(take_annotations(2, ROWS, ANNOTATED))])
    store.close()
    assert database_file(store.db_dir).stat().st_ino == inode


def test_leftovers_of_an_interrupted_replacement_are_removed(tmp_path: Path) -> None:
    stored_store(tmp_path).close()
    db = tmp_path / "db"
    for name in ("graph.lbug.next", "graph.lbug.next.wal", "graph.lbug.next.shadow"):
        (db / name).write_bytes(b"half a copy")
    with LadybugStore(db) as reader:  # a reader leaves them: they are the writer's
        assert interactions(reader) == 4
    assert (db / "graph.lbug.next").exists()
    with LadybugStore(db, read_only=False) as writer:
        assert interactions(writer) == 4
    assert sorted(p.name for p in db.iterdir()) == ["graph.lbug", "writer.lock"]


def test_writer_lock_keeps_a_second_writer_out(tmp_path: Path) -> None:
    """Our lock holds even while no engine has the file open (during a swap)."""
    stored_store(tmp_path).close()
    db = tmp_path / "db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from core.store.ladybug_replace import WriterLock; "
            "WriterLock(sys.argv[1]); print('held', flush=True); time.sleep(120)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="open for writing by another process"):
            LadybugStore(db, read_only=False)
        with LadybugStore(db) as reader:
            assert interactions(reader) == 4
    finally:
        holder.kill()
        holder.wait()
    LadybugStore(db, read_only=False).close()  # free again once the holder is gone


def test_replacing_needs_a_writable_store(tmp_path: Path) -> None:
    stored_store(tmp_path).close()
    with (
        LadybugStore(tmp_path / "db") as reader,
        pytest.raises(StoreError, match="read-only"),
        reader.replacing(),
    ):
        pass
