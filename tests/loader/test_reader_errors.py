"""Bad input: each case is one clear DataFormatError naming file and HDF5 path, also via the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pytest

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.loader.reader import EgoExOR
from tests.loader.h5_fixtures import standard_takes, write_egoexor, write_splits

REPO = Path(__file__).resolve().parents[2]
MISS12 = "/data/MISS/1/take/2"


def _edit(fn: Callable[[h5py.File], None]) -> Callable[[Path], tuple[list[Path], Path | None]]:
    """A case: write the standard merged file, then damage it with `fn`."""

    def make(tmp: Path) -> tuple[list[Path], Path | None]:
        path = write_egoexor(tmp / "bad.h5", standard_takes())
        with h5py.File(path, "r+") as f:
            fn(f)
        return [path], None

    return make


def _not_hdf5(tmp: Path) -> tuple[list[Path], Path | None]:
    (tmp / "bad.h5").write_text("surgery,frame\nMISS,1\n")
    return [tmp / "bad.h5"], None


def _truncated(tmp: Path) -> tuple[list[Path], Path | None]:
    path = write_egoexor(tmp / "bad.h5", standard_takes())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return [path], None


def _split_names_missing_take(tmp: Path) -> tuple[list[Path], Path | None]:
    takes = standard_takes()
    path = write_egoexor(tmp / "miss.h5", takes[:2], splits=False)
    ghost = standard_takes()[0]
    ghost.take_id = 9
    return [path], write_splits(tmp / "bad.h5", [*takes, ghost])


def _wrong_shape(f: h5py.File) -> None:
    del f[MISS12 + "/annotations/frame_0/rel_annotations"]
    f[MISS12 + "/annotations/frame_0/rel_annotations"] = np.array([[b"patient", b"lyingOn"]])


def _set_unknown(f: h5py.File) -> None:
    del f[MISS12 + "/annotations/frame_2/rel_annotations"]
    f[MISS12 + "/annotations/frame_2/rel_annotations"] = np.array([[b"robot", b"holding", b"bin"]])


def _no_per_frame(f: h5py.File) -> None:
    for name in ("eye_gaze", "eye_gaze_depth", "hand_tracking", "frames"):
        del f[MISS12 + "/" + name]


CASES: dict[str, tuple[Callable, type, str]] = {
    "not_hdf5": (_not_hdf5, DataFormatError, "not an HDF5 file"),
    "truncated": (_truncated, DataFormatError, "truncated"),
    "no_vocabulary": (
        _edit(lambda f: f.__delitem__("metadata/vocabulary")),
        DataFormatError,
        "/metadata/vocabulary",
    ),
    "unknown_name": (
        _edit(_set_unknown),
        UnknownNameError,
        MISS12 + "/annotations/frame_2/rel_annotations",
    ),
    "wrong_shape": (
        _edit(_wrong_shape),
        DataFormatError,
        MISS12 + "/annotations/frame_0/rel_annotations",
    ),
    "split_missing_take": (_split_names_missing_take, DataFormatError, "/splits/train"),
    "no_sources": (
        _edit(lambda f: f.__delitem__(MISS12 + "/sources")),
        DataFormatError,
        MISS12 + "/sources",
    ),
    "no_annotations": (
        _edit(lambda f: f.__delitem__(MISS12 + "/annotations")),
        DataFormatError,
        MISS12 + "/annotations",
    ),
    "no_per_frame_data": (_edit(_no_per_frame), DataFormatError, MISS12),
    "frame_without_dataset": (
        _edit(lambda f: f.__delitem__(MISS12 + "/annotations/frame_5/rel_annotations")),
        DataFormatError,
        MISS12 + "/annotations/frame_5/rel_annotations",
    ),
    "frame_beyond_take": (
        _edit(lambda f: f.create_group(MISS12 + "/annotations/frame_6")),
        DataFormatError,
        MISS12 + "/annotations/frame_6",
    ),
}


def _read_everything(paths: list[Path], splits: Path | None) -> None:
    with EgoExOR(paths, splits=splits) as r:
        list(r.iter_annotations())


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_error(tmp_path: Path, case: str) -> None:
    make, kind, path_part = CASES[case]
    paths, splits = make(tmp_path)
    with pytest.raises(kind) as err:
        _read_everything(paths, splits)
    msg = str(err.value)
    assert type(err.value) is kind
    assert "bad.h5" in msg and path_part in msg, msg
    if case == "unknown_name":
        assert "'robot'" in msg and "MISS/1/2" in msg and "frame 2" in msg


@pytest.mark.parametrize(
    "case",
    [
        "not_hdf5",
        "truncated",
        "no_vocabulary",
        "unknown_name",
        "wrong_shape",
        "split_missing_take",
        "no_sources",
    ],
)
def test_bad_input_via_cli_exits_nonzero_without_traceback(tmp_path: Path, case: str) -> None:
    make, _, path_part = CASES[case]
    paths, splits = make(tmp_path)
    argv = [sys.executable, "-m", "orgraph.cli", "inspect", *map(str, paths)]
    if splits is not None:
        argv += ["--splits", str(splits)]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, proc.stderr
    assert "bad.h5" in lines[0] and path_part in lines[0]


def test_missing_file_and_duplicate_take(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="file not found"):
        EgoExOR([tmp_path / "nope.h5"])
    a = write_egoexor(tmp_path / "a.h5", standard_takes()[:1], splits=False)
    b = write_egoexor(tmp_path / "b.h5", standard_takes()[:1], splits=False)
    with pytest.raises(DataFormatError, match=r"MISS/1/2 is also in .*a\.h5"):
        EgoExOR([a, b])


def test_splits_file_given_as_data_names_the_fix(tmp_path) -> None:
    """A splits.h5 passed among the data files gets a hint to use --splits."""
    import h5py

    from orgraph.core.errors import DataFormatError
    from orgraph.loader.reader import EgoExOR

    path = tmp_path / "splits.h5"
    with h5py.File(path, "w") as f:
        f.create_group("splits/train")
    with pytest.raises(DataFormatError, match="--splits"):
        EgoExOR([path])
