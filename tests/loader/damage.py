"""Damaged inputs for the one-line-error tests: edits of a valid file, and a check that the
CLI answered in one line while a store loaded before stayed as it was."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pytest

from orgraph.cli import main
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.queries.stats import graph_summary
from tests.loader.h5_fixtures import standard_takes, write_egoexor

MISS12 = "/data/MISS/1/take/2"


def rewrite(f: h5py.File, path: str, fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Replace a dataset by fn(its data)."""
    data = fn(f[path][()])
    del f[path]
    f[path] = data


def nan_vocabulary_id(f: h5py.File) -> None:
    """An entity id stored as float, one of them NaN."""
    rows = f["metadata/vocabulary/entity"][()]
    out = np.empty(len(rows), dtype=[("name", rows.dtype["name"]), ("id", "<f4")])
    out["name"], out["id"] = rows["name"], rows["id"]
    out["id"][3] = np.nan
    del f["metadata/vocabulary/entity"]
    f["metadata/vocabulary/entity"] = out


def non_utf8_vocabulary(f: h5py.File) -> None:
    rows = f["metadata/vocabulary/relation"][()].astype([("name", "S40"), ("id", "<i4")])
    rows["name"][2] = b"\xff\xfeho"
    del f["metadata/vocabulary/relation"]
    f["metadata/vocabulary/relation"] = rows


def non_utf8_source(f: h5py.File) -> None:
    f[MISS12 + "/sources"].attrs["source_1"] = np.bytes_(b"\xffhead")


def non_utf8_split(f: h5py.File) -> None:
    dt = [("surgery_type", "S8"), ("procedure_id", "<i4"), ("take_id", "<i4"), ("frame_id", "<i4")]
    rows = f["splits/train"][()].astype(dt)
    rows["surgery_type"][0] = b"\xffMISS"
    del f["splits/train"]
    f["splits/train"] = rows


def rename_frame(new: str) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        f.move(MISS12 + "/annotations/frame_2", MISS12 + "/annotations/" + new)

    return edit


def second_group_for_frame(f: h5py.File) -> None:
    """frame_2 and frame_002: two groups for one frame."""
    f.copy(MISS12 + "/annotations/frame_2", MISS12 + "/annotations/frame_002")


def text_source_count(f: h5py.File) -> None:
    f[MISS12 + "/sources"].attrs["source_count"] = "four"


def link_loop(f: h5py.File) -> None:
    f[MISS12 + "/annotations/frame_4"] = h5py.SoftLink(MISS12 + "/annotations/frame_4")


def short_gaze(f: h5py.File) -> None:
    rewrite(f, MISS12 + "/eye_gaze/coordinates", lambda d: np.concatenate([d, d]))


def short_depth(f: h5py.File) -> None:
    rewrite(f, MISS12 + "/eye_gaze_depth/values", lambda d: d[:4])


def hands_width(f: h5py.File) -> None:
    rewrite(f, MISS12 + "/hand_tracking/positions", lambda d: d[..., :9])


def zero_frames(f: h5py.File) -> None:
    for name in ("frames/rgb", "eye_gaze/coordinates", "eye_gaze_depth/values"):
        rewrite(f, f"{MISS12}/{name}", lambda d: d[:0])
    rewrite(f, MISS12 + "/hand_tracking/positions", lambda d: d[:0])
    for name in list(f[MISS12 + "/annotations"]):
        del f[f"{MISS12}/annotations/{name}"]
    rows = f["splits/train"][()]  # a take with no frames has no split rows either
    keep = ~((rows["procedure_id"] == 1) & (rows["take_id"] == 2))
    del f["splits/train"]
    f["splits/train"] = rows[keep]


def damaged(tmp: Path, edit: Callable[[h5py.File], None]) -> Path:
    """The standard merged file, written fresh and damaged by `edit`."""
    path = write_egoexor(tmp / "bad.h5", standard_takes())
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run `orgraph ARGV` in this process: exit code and stderr lines (a traceback raises)."""
    code = main(argv)
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


def loaded_store(tmp: Path) -> Settings:
    """An embedded store holding the standard takes, loaded from good.h5."""
    good = write_egoexor(tmp / "good.h5", standard_takes())
    settings = Settings(backend="embedded", db=tmp / "db")
    assert main(["load", str(good), "--db", str(settings.db), "--quiet", "--workers", "1"]) == 0
    return settings


def snapshot(settings: Settings) -> tuple[dict, list]:
    """What a store holds: its summary, and every take's key and fingerprint."""
    with open_store(settings) as store:
        takes = store.query("MATCH (t:Take) RETURN t.key AS k, t.fingerprint AS f ORDER BY k")
        return graph_summary(store), takes.values.tolist()


def copy_store(settings: Settings, to: Path) -> Settings:
    shutil.copytree(settings.db, to)
    return Settings(backend="embedded", db=to)
