"""The whole-take signal read equals the per-frame media API on real HDF5 files."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import BLANK_CAMERA_ID
from orgraph.loader.reader import EgoExOR
from orgraph.loader.take_signals import read_take_signals
from tests.loader.h5_fixtures import standard_takes, write_egoexor


def _assert_same_as_per_frame(reader: EgoExOR) -> int:
    """Compare every frame of every take, with and without the gaze offset; frames compared."""
    compared = 0
    for take in reader.takes:
        media = reader.media(take)
        for offset in (False, True):
            bulk = read_take_signals(media, apply_offset=offset)
            for f in range(take.frames):
                gaze = media.gaze(f, apply_offset=offset)
                assert {r for r, s in bulk.items() if s.gaze_seen[f]} == set(gaze)
                for role, xy in gaze.items():
                    assert bulk[role].gaze_at(f) == xy, (take.key, f, role)
                depth = media.gaze_depth(f)
                assert {r for r, s in bulk.items() if s.depth_seen[f]} == set(depth)
                for role, d in depth.items():
                    assert bulk[role].depth_at(f) == d, (take.key, f, role)
                hands = media.hands(f)
                assert {r for r, s in bulk.items() if s.hands_seen[f]} == set(hands)
                for role, pts in hands.items():
                    got = bulk[role].hands_at(f)
                    assert got is not None and got.dtype == pts.dtype
                    np.testing.assert_array_equal(got, pts)
                compared += 1
    return compared


def test_bulk_read_equals_per_frame_api_on_fixture_files(tmp_path: Path) -> None:
    path = write_egoexor(tmp_path / "egoexor.h5", standard_takes())
    with h5py.File(path, "r+") as f:  # odd rows the real files show
        g = f["data/MISS/1/take/2"]
        gaze = g["eye_gaze/coordinates"]
        gaze[4, 1, 1] = np.nan  # NaN gaze x: invalid
        gaze[5, 2, 0] = BLANK_CAMERA_ID  # a blank column: the role is absent that frame
        hands = g["hand_tracking/positions"]
        hands[5, 0, 0] = np.nan  # NaN camera id: the row is skipped
        hands[2, 1, 5:9] = np.nan  # some NaN points of a valid row
    with EgoExOR([path]) as reader:
        assert _assert_same_as_per_frame(reader) > 0
        bulk = read_take_signals(reader.media("MISS/1/2"), apply_offset=True)
        assert bulk["assistant"].gaze_at(1) is None  # (-1, -1) is invalid
        assert np.isnan(bulk["assistant"].hands[3]).all()  # all-NaN hands kept as NaN
        assert not bulk["anesthetist"].gaze_seen[5]


def test_bulk_read_equals_per_frame_api_on_generated_data(tiny_dataset) -> None:
    with EgoExOR(tiny_dataset.files) as reader:
        assert _assert_same_as_per_frame(reader) > 100


def test_short_dataset_is_a_format_error(tmp_path: Path) -> None:
    path = write_egoexor(tmp_path / "egoexor.h5", standard_takes())
    with h5py.File(path, "r+") as f:
        g = f["data/MISS/1/take/2"]
        data = g["eye_gaze_depth/values"][:3]
        del g["eye_gaze_depth/values"]
        g.create_dataset("eye_gaze_depth/values", data=data)
    with EgoExOR([path]) as reader, pytest.raises(DataFormatError, match="3 frames"):
        read_take_signals(reader.media("MISS/1/2"))
