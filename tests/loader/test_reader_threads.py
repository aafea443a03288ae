"""HDF5 reads from several threads of one process: the reader and its media readers are
serialised (loader.h5_util.HDF5_LOCK), so 8 threads sharing one reader all get what one
thread alone reads, and none crashes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orgraph.loader.reader import EgoExOR
from tests.support import threads

THREADS = 8
ROUNDS = 6


@pytest.fixture(scope="module")
def media_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return threads.media_file(tmp_path_factory.mktemp("threads"), seed=5)


def _everything(reader: EgoExOR, frame: int) -> list:
    """What one thread reads: every take's annotations and one frame of every modality."""
    out: list = []
    for take in reader.takes:
        ann = reader.read_annotations(take)
        out.append((ann.frame.tolist(), ann.subject.tolist(), ann.relation.tolist()))
        media = reader.media(take)
        f = frame % take.frames
        out.append(sorted((k, v.tobytes()) for k, v in media.rgb(f).items()))
        out.append(sorted(media.gaze(f).items()))
        out.append(sorted((k, v.tobytes()) for k, v in media.hands(f).items()))
        snippet = media.audio_snippet(f)
        out.append(None if snippet is None else snippet.tobytes())
        cloud = media.point_cloud(f)
        out.append(None if cloud is None else np.asarray(cloud.points).tobytes())
        out.append(sorted((k, a.tobytes(), b.tobytes()) for k, (a, b) in
                          reader.signal_validity(take).items()))  # fmt: skip
    return out


def test_eight_threads_share_one_reader(media_file: Path) -> None:
    with EgoExOR([media_file]) as reader:
        threads.assert_threads_agree(THREADS, ROUNDS, lambda i: _everything(reader, i))


def test_a_read_waits_while_another_thread_holds_hdf5(media_file: Path) -> None:
    """The serialisation is real: with the lock held elsewhere, a read does not start."""
    with EgoExOR([media_file]) as reader:
        take = reader.takes[0]
        assert threads.read_held_back(lambda: reader.media(take).gaze(0)) is not None
