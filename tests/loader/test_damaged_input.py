"""Issue 15's damaged inputs: `inspect` and `load` answer in one line naming file, HDF5 path and
what was expected (the load's reader workers included), and a store loaded before is unchanged.

Shape problems that `load` refuses are warnings in `inspect`, so a user learns before loading.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import h5py
import pytest

from orgraph.core.settings import Settings
from orgraph.loader import load as load_module
from tests.loader import damage as d

ONE_LINE_CASES: dict[str, tuple[Callable[[h5py.File], None], str, str]] = {
    # case: (edit, HDF5 path in the message, what was expected / found)
    "nan_vocabulary_id": (d.nan_vocabulary_id, "/metadata/vocabulary/entity[3]", "not an integer"),
    "non_utf8_vocabulary": (d.non_utf8_vocabulary, "/metadata/vocabulary/relation[2]", "UTF-8"),
    "non_utf8_source": (d.non_utf8_source, d.MISS12 + "/sources", "source_1"),
    "non_utf8_split": (d.non_utf8_split, "/splits/train", "UTF-8"),
    "superscript_frame": (d.rename_frame("frame_\u00b9"), "frame_\u00b9", "frame_<i>"),
    "arabic_digit_frame": (d.rename_frame("frame_\u0662"), "frame_\u0662", "frame_<i>"),
    "leading_zero_frame": (d.second_group_for_frame, "/annotations/frame_002", "leading zeros"),
    "text_source_count": (d.text_source_count, d.MISS12 + "/sources", "'four' is not an integer"),
    "link_loop": (d.link_loop, d.MISS12 + "/annotations/frame_4", "too many links"),
}

WARNED_CASES: dict[str, tuple[Callable[[h5py.File], None], str, str]] = {
    "gaze_frames": (d.short_gaze, d.MISS12 + "/eye_gaze/coordinates", "has 12 frames"),
    "depth_frames": (d.short_depth, d.MISS12 + "/eye_gaze_depth/values", "has 4 frames"),
    "hands_width": (d.hands_width, d.MISS12 + "/hand_tracking/positions", "[F, n_ego, 17]"),
    "zero_frames": (d.zero_frames, d.MISS12, "0 frames"),
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, tuple]:
    """A store loaded from a good file with the same takes, and what it holds."""
    settings = d.loaded_store(tmp_path_factory.mktemp("store"))
    return settings, d.snapshot(settings)


def _load_argv(bad: Path, db: Path, workers: str) -> list[str]:
    return ["load", str(bad), "--db", str(db), "--quiet", "--workers", workers]


@pytest.mark.parametrize("case", sorted(ONE_LINE_CASES))
def test_inspect_and_load_answer_in_one_line(
    case: str, tmp_path: Path, loaded, capsys: pytest.CaptureFixture[str]
) -> None:
    edit, path, expected = ONE_LINE_CASES[case]
    bad = d.damaged(tmp_path, edit)
    settings, before = loaded
    store = d.copy_store(settings, tmp_path / "db")
    for argv in (
        ["inspect", str(bad)],
        _load_argv(bad, store.db, "1"),
        _load_argv(bad, store.db, "2"),  # through the reader workers: no _RemoteTraceback
    ):
        code, err = d.run_cli(argv, capsys)
        assert code == 1, (argv, err)
        assert len(err) == 1 and err[0].startswith("error: "), err
        assert f"{bad}:" in err[0] and path in err[0] and expected in err[0], err[0]
    assert d.snapshot(store) == before


@pytest.mark.parametrize("case", sorted(WARNED_CASES))
def test_inspect_warns_of_what_load_refuses(
    case: str, tmp_path: Path, loaded, capsys: pytest.CaptureFixture[str]
) -> None:
    edit, path, expected = WARNED_CASES[case]
    bad = d.damaged(tmp_path, edit)
    settings, before = loaded
    store = d.copy_store(settings, tmp_path / "db")
    code, err = d.run_cli(["inspect", str(bad)], capsys)
    warnings = [line for line in err if line.startswith("warning: ")]
    assert code == 0 and warnings == err and len(warnings) >= 1, err
    assert any(path in w and expected in w and "orgraph load` refuses" in w for w in warnings)
    for workers in ("1", "2"):
        code, err = d.run_cli(_load_argv(bad, store.db, workers), capsys)
        assert code == 1 and len(err) == 1 and err[0].startswith("error: "), err
        assert f"{bad}:" in err[0] and path in err[0] and expected in err[0], err[0]
    assert d.snapshot(store) == before


def test_two_groups_for_one_frame_cannot_disagree(tmp_path: Path, capsys) -> None:
    """frame_2 and frame_002 once made inspect count one more annotated frame than the graph."""
    bad = d.damaged(tmp_path, d.second_group_for_frame)
    code, err = d.run_cli(["inspect", str(bad), "--json"], capsys)
    assert code == 1 and "frame_002" in err[0]


def _die(key: str) -> None:
    """A reader worker that dies as if the HDF5 library had crashed under it."""
    os._exit(139)


def test_a_reader_worker_that_dies_is_one_line(
    tmp_path: Path, loaded, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, before = loaded
    store = d.copy_store(settings, tmp_path / "db")
    good = d.damaged(tmp_path, lambda f: None)
    monkeypatch.setattr(load_module, "_build", _die)  # the forked workers inherit it
    code, err = d.run_cli(_load_argv(good, store.db, "2"), capsys)
    assert code == 1 and len(err) == 1 and "a reader process died" in err[0], err
    assert d.snapshot(store) == before
