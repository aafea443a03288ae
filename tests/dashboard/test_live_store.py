"""LiveStore: no lock around store calls, and a reopen never closes a store still in use."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from orgraph.core.store import StoreChanged
from orgraph.core.store.ladybug_store import LadybugStore
from orgraph.dashboard import live_store
from orgraph.dashboard.live_store import LiveStore
from tests.support.core import SLOW, TAKES
from tests.support.dashboard import Loaded
from tests.support.loads import commit_held_in_wal


@pytest.fixture
def db(loaded: Loaded, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(loaded.settings.db, tmp_path / "db")
    return tmp_path / "db"


def test_calls_run_side_by_side_and_a_reopen_waits_for_them(db: Path) -> None:
    opened: list[LadybugStore] = []

    def opener() -> LadybugStore:
        opened.append(LadybugStore(db))
        return opened[-1]

    live = LiveStore(opener)
    done: dict[str, float | int] = {}

    def slow() -> None:
        with live.use() as store:
            done["sum"] = int(store.query(SLOW)["s"][0])
            done["slow"] = time.monotonic()

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    with live.use() as store:  # not held up by the slow call on the other thread
        takes = int(store.query(TAKES)["n"][0])
    done["fast"] = time.monotonic()
    assert live.check(force=True) is False  # reopened, though nothing changed
    with live.use() as store:
        assert store is opened[1] and int(store.query(TAKES)["n"][0]) == takes
    thread.join()
    assert done["fast"] < done["slow"] and done["sum"] > 0  # the old store served to the end
    assert live.generation == 1 and live.changes == 0
    live.close()


def test_check_reopens_only_on_a_change_once_a_second(
    monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    monkeypatch.setattr(live_store, "CHECK_INTERVAL_S", 0.2)
    live = LiveStore(lambda: LadybugStore(db))
    time.sleep(0.3)
    assert live.check() is False and live.generation == 0
    with commit_held_in_wal(db):
        live._checked = time.monotonic()  # the writer may take longer than the interval
        assert live.check() is False  # looked less than CHECK_INTERVAL_S ago
        time.sleep(0.3)
        assert live.check() is True
        assert (live.generation, live.changes) == (1, 1)
        with live.use() as store:
            assert store.query("MATCH (t:Take {key: 'MISS/9/9'}) RETURN count(t) AS n")["n"][0] == 1
    live.close()


def test_a_store_that_found_a_change_is_replaced_once(db: Path, loaded: Loaded) -> None:
    live = LiveStore(lambda: LadybugStore(db))
    with live.use() as store:
        before = int(store.query(TAKES)["n"][0])
    with commit_held_in_wal(db):
        pass  # the writer process commits one take, then checkpoints as it closes
    with live.use() as stale, pytest.raises(StoreChanged):
        stale.query(TAKES)
    assert live.replace_stale(stale) is True
    assert live.replace_stale(stale) is False  # a second session finding it: already done
    assert (live.generation, live.changes) == (1, 1)
    with live.use() as store:
        assert store is not stale and int(store.query(TAKES)["n"][0]) == before + 1
    live.close()
