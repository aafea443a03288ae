"""The dashboard kept open across real loads: it shows the new data, never zeros or stale counts.

Loads are real `orgraph load` processes run while the app (AppTest, in this process) keeps
its store open; the replaced-file case is done the way a shadow-copy load will do it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.core.store.ladybug_store import database_file
from orgraph.dashboard import live_store
from orgraph.dashboard.context import CHANGED_NOTICE
from orgraph.queries.stats import graph_summary
from tests.support.apptest import app, page, player_frames, texts
from tests.support.dashboard import generate_tiny
from tests.support.loads import cli_load, commit_held_in_wal, swap_in


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    """Generated tiny files, and a database holding only the first file's takes."""
    work = tmp_path_factory.mktemp("live")
    synth = generate_tiny(work / "h5", seed=5)
    cli_load(synth.files[:1], synth.splits, work / "db_first")
    return synth, work / "db_first"


@pytest.fixture
def db(tiny, tmp_path: Path) -> Path:
    shutil.copytree(tiny[1], tmp_path / "db")
    return tmp_path / "db"


def shown(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def expected(db: Path) -> dict[str, int]:
    with open_store(Settings(db=db)) as store:
        s = graph_summary(store)
    return {"Takes": len(s["takes"]), "Frames": s["frames"], "Triplets": s["triplets"]}


def counts(at: AppTest) -> dict[str, int]:
    return {k: v for k, v in shown(at).items() if k in ("Takes", "Frames", "Triplets")}


def test_load_that_adds_takes_is_shown_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, tiny, db: Path
) -> None:
    synth, _ = tiny
    at = page(app(monkeypatch, db), "overview")
    before = counts(at)
    assert before == expected(db)
    cli_load(synth.files, synth.splits, db)
    at.run()
    assert not at.exception
    after = counts(at)
    assert after == expected(db) and after["Takes"] > before["Takes"]
    assert CHANGED_NOTICE in texts(at.info)
    at.run()
    assert CHANGED_NOTICE not in texts(at.info)  # said once


def test_reload_data_reopens_the_store(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    """With the automatic check out of the way, the button alone must bring the new data."""
    monkeypatch.setattr(live_store, "CHECK_INTERVAL_S", 3600.0)
    at = page(app(monkeypatch, db), "overview")
    before = counts(at)
    with commit_held_in_wal(db):
        at.run()
        assert counts(at) == before  # the open store and the cache: consistent, but old
        next(b for b in at.sidebar.button if b.label == "Reload data").click().run()
        assert not at.exception
        assert counts(at) == {
            **before,
            "Takes": before["Takes"] + 1,
            "Frames": before["Frames"] + 1,
        }


def test_commit_in_the_wal_is_noticed(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    """A load still running (its commits in the WAL) is seen without any button."""
    at = page(app(monkeypatch, db), "overview")
    before = counts(at)
    with commit_held_in_wal(db):
        time.sleep(live_store.CHECK_INTERVAL_S + 0.1)
        at.run()
        assert counts(at)["Takes"] == before["Takes"] + 1
        assert CHANGED_NOTICE in texts(at.info)


def test_forced_reload_then_load_shows_every_take(
    monkeypatch: pytest.MonkeyPatch, small_h5, tmp_path: Path
) -> None:
    """The store is opened by a page that reads little, so later reads go to the file.

    At scale small, as the failure was found (a tiny graph hid it: every page was cached).
    """
    synth, db = small_h5, tmp_path / "db"
    cli_load(synth.files, synth.splits, db)
    full = expected(db)
    at = app(monkeypatch, db).switch_page("views/console.py").run()  # the first page run
    assert at.title[0].value == "Cypher console"
    cli_load(synth.files, synth.splits, db, "--force")
    cli_load(synth.files, synth.splits, db)
    at.switch_page("views/overview.py").run()
    assert not at.exception and not at.error, texts(at.error)
    assert counts(at) == full  # not 0, not an engine error
    at.switch_page("views/frame_viewer.py").run()
    assert not at.exception and not at.error, texts(at.error)
    assert player_frames(at)  # the player got the frame's mosaic


def test_replaced_database_file_is_read(monkeypatch: pytest.MonkeyPatch, tiny, db: Path) -> None:
    """A load that writes a copy and os.replace()s it over the file (a new inode)."""
    synth, _ = tiny
    at = page(app(monkeypatch, db), "overview")
    before = counts(at)
    swap_in(db, synth.files, synth.splits)
    at.run()
    assert not at.exception and not at.error
    assert counts(at) == expected(db) != before
    assert CHANGED_NOTICE in texts(at.info)


def test_a_store_outrun_by_a_load_is_reopened_or_named(
    monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    """Reads that find the file changed are tried again on a new open; out of tries, the
    page says a load is writing instead of showing an engine error."""
    from orgraph.dashboard import context

    def touch_file() -> None:  # what a checkpoint or a swapped-in copy does to readers
        copy = db.parent / "copy.lbug"
        shutil.copyfile(database_file(db), copy)
        copy.replace(database_file(db))

    monkeypatch.setattr(live_store, "CHECK_INTERVAL_S", 3600.0)
    at = page(app(monkeypatch, db), "overview")
    before = counts(at)
    monkeypatch.setattr(context, "RETRY_PAUSES_S", ())
    touch_file()
    at.run()
    assert not at.exception and not at.error
    assert context.BUSY_NOTICE in texts(at.warning)
    monkeypatch.setattr(context, "RETRY_PAUSES_S", (0.0,))
    touch_file()
    at.run()
    assert not at.exception and not at.warning
    assert counts(at) == before
