"""Read-only embedded stores kept open across real loads, shared by threads, bounded in memory.

A read-only LadybugDB handle opened before a load read wrong rows, storage errors or ran
away in memory once the writer checkpointed; now it refuses (StoreChanged) and a new open
sees the load. Loads are real `orgraph load` processes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orgraph.core.errors import StoreError
from orgraph.core.settings import Settings
from orgraph.core.store import StoreChanged, open_store
from orgraph.core.store.ladybug_store import LadybugStore, database_file
from tests.support.core import SLOW, TAKES
from tests.support.dashboard import generate_tiny
from tests.support.loads import cli_load, swap_in

BIG = (
    "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b "
    "WITH a, collect(b) AS bs RETURN sum(size(bs)) AS n"
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    """Generated tiny files, and a database holding only the first file's takes."""
    work = tmp_path_factory.mktemp("ro")
    synth = generate_tiny(work / "h5")
    cli_load(synth.files[:1], synth.splits, work / "db_first")
    return synth, work / "db_first"


@pytest.fixture
def db(tiny, tmp_path: Path) -> Path:
    shutil.copytree(tiny[1], tmp_path / "db")
    return tmp_path / "db"


def takes(db: Path) -> int:
    with LadybugStore(db) as store:
        return int(store.query(TAKES)["n"][0])


def test_open_handle_refuses_after_a_load_and_a_new_open_sees_it(tiny, db: Path) -> None:
    synth, _ = tiny
    before = takes(db)
    store = LadybugStore(db)
    assert int(store.query(TAKES)["n"][0]) == before
    cli_load(synth.files, synth.splits, db)  # adds the other files' takes, checkpoints
    with pytest.raises(StoreChanged, match="changed on disk"):
        store.query(TAKES)
    store.close()
    assert takes(db) > before


def test_forced_reload_then_load_counts_stay_right(tiny, db: Path) -> None:
    synth, _ = tiny
    cli_load(synth.files, synth.splits, db)
    full = takes(db)
    store = LadybugStore(db)
    store.query(TAKES)
    cli_load(synth.files, synth.splits, db, "--force")
    cli_load(synth.files, synth.splits, db)
    with pytest.raises(StoreChanged):
        store.query("MATCH (t:Take)-[:HAS_FRAME]->(f:Frame) RETURN count(f) AS n")
    store.close()
    assert takes(db) == full


def test_replaced_file_is_seen_as_a_change(tiny, db: Path) -> None:
    synth, _ = tiny
    store = LadybugStore(db)
    version = store.data_version()
    first = int(store.query(TAKES)["n"][0])
    swap_in(db, synth.files, synth.splits)
    assert store.data_version() != version
    with pytest.raises(StoreChanged):
        store.query(TAKES)
    store.close()
    assert takes(db) > first


def test_data_version_moves_with_writes_only(tiny, db: Path) -> None:
    synth, _ = tiny
    with LadybugStore(db) as store:
        version = store.data_version()
        store.query("MATCH (f:Frame) RETURN count(f) AS n")
        assert store.data_version() == version  # reading changes nothing
        cli_load(synth.files[:1], synth.splits, db)  # nothing new to load
        unchanged_load = store.data_version()
        cli_load(synth.files, synth.splits, db)
        assert store.data_version() not in (version, unchanged_load)


def test_threads_query_at_once_without_waiting_for_each_other(db: Path) -> None:
    """A long query on one thread does not hold up a short one on another (no store lock)."""
    store = LadybugStore(db)
    expected = store.query(TAKES)["n"][0]
    finished: dict[str, float] = {}

    def slow() -> None:
        store.query(SLOW)
        finished["slow"] = time.monotonic()

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    for _ in range(5):
        assert store.query(TAKES)["n"][0] == expected
    finished["fast"] = time.monotonic()
    thread.join()
    assert finished["fast"] < finished["slow"]
    results: list[int] = []
    workers = [
        threading.Thread(target=lambda: results.append(int(store.query(TAKES)["n"][0])))
        for _ in range(8)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results == [expected] * 8
    store.close()


def test_close_waits_for_a_running_query(db: Path) -> None:
    store = LadybugStore(db)
    out: dict[str, object] = {}

    def slow() -> None:
        out["sum"] = int(store.query(SLOW)["s"][0])

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    store.close()  # the running query keeps its engine until it returns
    thread.join()
    assert out["sum"] > 0
    with pytest.raises(StoreError, match="was closed"):
        store.query(TAKES)


def test_query_running_when_the_file_changes_is_stopped(tiny, db: Path) -> None:
    synth, _ = tiny
    store = LadybugStore(db)
    out: dict[str, BaseException] = {}

    def slow() -> None:
        try:
            store.query(SLOW)
        except StoreError as exc:
            out["error"] = exc

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    aside = db.parent / "copy"
    shutil.copytree(db, aside)
    database_file(aside).replace(database_file(db))  # a new inode under the running query
    thread.join(timeout=60)
    assert isinstance(out.get("error"), StoreChanged)
    store.close()


RSS_PROBE = """
import sys
from orgraph.core.store.ladybug_store import LadybugStore
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
LadybugStore(sys.argv[1]).query("MATCH (t:Take) RETURN count(t)")  # engine loaded once
base = rss()
stores = [LadybugStore(sys.argv[1]) for _ in range(6)]
for s in stores:
    s.query("MATCH (t:Take) RETURN count(t)")
print((rss() - base) / len(stores))
"""


def test_read_only_opens_cost_little_memory(db: Path) -> None:
    """Measured per open: ~75 MB with the engine's default cache (24 GB machine), ~40 capped."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 60, f"{done.stdout.strip()} MB of RSS per read-only open"


def test_read_buffer_pool_setting(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    from orgraph.core.errors import ConfigError
    from orgraph.core.settings import load_settings

    monkeypatch.setenv("ORGRAPH_READ_BUFFER_POOL_MB", "64")
    settings = load_settings(db=str(db))
    assert settings.read_buffer_pool_mb == 64
    with open_store(settings) as store:
        assert store.query(TAKES)["n"][0] > 0
        with pytest.raises(StoreError, match="raise ORGRAPH_READ_BUFFER_POOL_MB") as err:
            store.query(BIG)  # needs a few hundred MB: refused at 64, not grown into
        assert "buffer pool is full" in str(err.value)
        assert store.query(TAKES)["n"][0] > 0  # and the store still answers
    with open_store(settings.with_overrides(read_buffer_pool_mb=1024)) as store:
        assert store.query(BIG)["n"][0] == 9_000_000
    monkeypatch.setenv("ORGRAPH_READ_BUFFER_POOL_MB", "8")
    monkeypatch.chdir(db)
    with pytest.raises(ConfigError, match="ORGRAPH_READ_BUFFER_POOL_MB must be at least 64"):
        load_settings()
    assert Settings().read_buffer_pool_mb == 1024


def test_an_unclosed_store_is_freed_with_its_watcher(db: Path) -> None:
    import gc

    def watchers() -> int:
        return sum(t.name == "lbug-watch" for t in threading.enumerate())

    before = watchers()
    store = LadybugStore(db)
    store.query(TAKES)
    assert watchers() == before + 1
    del store
    gc.collect()
    deadline = time.monotonic() + 5
    while watchers() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert watchers() == before
