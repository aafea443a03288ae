"""Readers never show a raw engine message: an empty store says what loads it, and a
checkpoint a killed writer left pending is finished by the reader when no writer is alive."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgraph.core.errors import StoreError
from orgraph.core.settings import Settings
from orgraph.core.store import ladybug_reader, ladybug_store, open_store
from orgraph.core.store.ladybug_replace import WriterLock
from tests.loader.damage import loaded_store, run_cli, snapshot

READERS = (
    ["stats"],
    ["stats", "--json"],
    ["cypher", "MATCH (t:Take) RETURN t.key"],
    ["query", "dataset_overview"],
    ["find", "?a holding ?x"],
)


def test_readers_of_a_directory_without_a_graph_say_what_loads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    with open_store(Settings(backend="embedded", db=db), read_only=False):
        pass  # a writer came and went before any load: a file, but no tables
    for argv in READERS:
        code, err = run_cli([*argv, "--db", str(db)], capsys)
        assert code == 1 and len(err) == 1, (argv, err)
        assert "nothing is loaded in" in err[0] and f"orgraph load FILE.h5 --db {db}" in err[0]
        assert "Binder" not in err[0] and "exception" not in err[0].lower()


def test_a_schema_half_made_by_a_killed_load_is_nothing_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    with open_store(Settings(backend="embedded", db=db), read_only=False) as store:
        for stmt in ladybug_store._ddl()[:4]:  # killed while creating the tables
            store.write(stmt)
    code, err = run_cli(["stats", "--db", str(db)], capsys)
    assert code == 1 and len(err) == 1 and "nothing is loaded in" in err[0], err
    assert "is missing" in err[0] and "Binder" not in err[0]


def test_stats_of_an_empty_schema_says_nothing_is_loaded(
    store_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(store_settings, read_only=False) as store:
        store.ensure_schema()
    if store_settings.backend == "neo4j":
        argv = ["stats", "--backend", "neo4j", "--uri", store_settings.neo4j_uri]
    else:
        argv = ["stats", "--db", str(store_settings.db)]
    code, err = run_cli(argv, capsys)
    assert code == 1 and len(err) == 1 and "nothing is loaded in" in err[0], err
    assert "orgraph load FILE.h5" in err[0]


def _leave_recovery_pending(settings: Settings) -> None:
    """What a writer killed inside a checkpoint leaves: the engine's shadow file."""
    (Path(settings.db) / "graph.lbug.shadow").write_bytes(b"")


def test_pending_recovery_is_finished_by_a_reader_when_no_writer_lives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = loaded_store(tmp_path)
    before = snapshot(settings)
    _leave_recovery_pending(settings)
    code, err = run_cli(["stats", "--db", str(settings.db)], capsys)
    assert code == 0 and err == []
    assert not (Path(settings.db) / "graph.lbug.shadow").exists()
    assert snapshot(settings) == before


def test_pending_recovery_while_a_writer_lives_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = loaded_store(tmp_path)
    _leave_recovery_pending(settings)
    monkeypatch.setattr(ladybug_reader, "OPEN_RETRY_S", 0.5)
    lock = WriterLock(Path(settings.db))  # a live writer: the reader must leave it alone
    try:
        with pytest.raises(StoreError) as err:
            open_store(settings)
        assert (Path(settings.db) / "graph.lbug.shadow").exists()
    finally:
        lock.release()
    msg = str(err.value)
    assert "\n" not in msg and "recovery is pending and the writer" in msg
    assert f"orgraph load FILE.h5 --db {settings.db}" in msg and "read-only mode" not in msg
    code, errs = run_cli(["stats", "--db", str(settings.db)], capsys)  # the writer is gone
    assert code == 0 and errs == []
