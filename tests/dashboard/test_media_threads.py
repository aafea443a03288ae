"""HDF5 reads from many threads through the dashboard's read path (media_view.reader_for,
the mosaic renderer, the thumbnails): one shared open reader per file, serialised by the
loader's one process-wide lock, so every thread gets what one thread alone reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgraph.dashboard import thumbnails
from orgraph.dashboard.frame_images import MosaicSpec, render
from orgraph.dashboard.media_view import reader_for
from orgraph.loader import h5_util
from tests.support import threads

THREADS = 12
ROUNDS = 4


@pytest.fixture(scope="module")
def media_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return threads.media_file(tmp_path_factory.mktemp("media_threads"), seed=7)


def _specs(path: Path) -> list[MosaicSpec]:
    """One mosaic of every camera, with overlays, per take of the file."""
    reader = reader_for(path).reader
    return [
        MosaicSpec(str(path), path.stat().st_mtime, t.key, tuple(sorted(t.sources)), True, True)
        for t in reader.takes
    ]


def _reads(path: Path, frame: int) -> list:
    """What one dashboard thread reads at a frame: each take's mosaic JPEG, its gaze and
    hands, and its rgb through a fresh reader_for call (the cached shared reader)."""
    out: list = []
    for spec in _specs(path):
        media = reader_for(path).reader.media(spec.take)
        f = frame % media.take.frames
        out.append(render(spec, f))
        out.append(sorted(media.gaze(f).items()))
        out.append(sorted((k, v.tobytes()) for k, v in media.hands(f).items()))
        out.append(sorted((k, v.tobytes()) for k, v in media.rgb(f).items()))
    return out


def test_the_dashboard_adds_no_lock_of_its_own(media_file: Path) -> None:
    handle = reader_for(media_file)
    assert handle is reader_for(media_file)  # one open reader shared by every thread
    assert handle.lock is h5_util.HDF5_LOCK  # the one serialisation point, not a second


def test_many_threads_read_through_the_dashboard(media_file: Path) -> None:
    threads.assert_threads_agree(THREADS, ROUNDS, lambda i: _reads(media_file, i))


def test_a_dashboard_read_waits_while_another_thread_holds_hdf5(media_file: Path) -> None:
    """The serialisation is real on this path too: with the lock held elsewhere, a
    thumbnail read does not start, and ends once it is released."""
    take = reader_for(media_file).reader.takes[0]
    read = threads.read_held_back(
        lambda: thumbnails.thumbnail(str(media_file), None, take.key, 1, ())
    )
    source, image = read
    assert source in take.sources and image.shape[-1] == 3
