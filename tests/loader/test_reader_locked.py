"""A file another process holds open for writing is reported as locked, not as damaged."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.core.errors import DataFormatError
from orgraph.loader.reader import EgoExOR
from tests.loader.h5_fixtures import standard_takes, write_egoexor

_HOLD = (
    "import sys, time, h5py; f = h5py.File(sys.argv[1], 'a'); "
    "print('held', flush=True); time.sleep(120)"
)


@pytest.fixture
def held_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An EgoExOR file that a second process has open for writing (HDF5 locking on)."""
    monkeypatch.delenv("HDF5_USE_FILE_LOCKING", raising=False)
    path = write_egoexor(tmp_path / "egoexor.h5", standard_takes())
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield path
    finally:
        holder.kill()
        holder.wait()


def test_a_file_open_for_writing_elsewhere_is_locked(held_file: Path) -> None:
    with pytest.raises(DataFormatError, match="locked by another process") as err:
        EgoExOR([held_file])
    assert str(held_file) in str(err.value) and "damaged" not in str(err.value)


def test_inspect_says_locked_in_one_line(held_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "orgraph.cli", "inspect", str(held_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {held_file}: locked by another process")
