"""HDF5 reads from many threads through the dashboard's read path (media_view.reader_for,
the mosaic renderer, the thumbnails): one shared open reader per file, serialised by the
loader's one process-wide lock, so every thread gets what one thread alone reads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from orgraph.dashboard import thumbnails
from orgraph.dashboard.frame_images import MosaicSpec, render
from orgraph.dashboard.media_view import reader_for
from orgraph.loader import h5_util
from orgraph.loader.synth import generate

THREADS = 12
ROUNDS = 4


@pytest.fixture(scope="module")
def media_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny merged file with rgb, gaze and hands."""
    out = tmp_path_factory.mktemp("media_threads")
    return generate(out, scale="tiny", seed=7, merged=True, rgb=(24, 32), progress=False).files[0]


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
    expected = {i: _reads(media_file, i) for i in range(THREADS)}
    start = threading.Barrier(THREADS)

    def work(i: int) -> list:
        start.wait()  # all threads read at the same moment
        return [_reads(media_file, i) for _ in range(ROUNDS)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    for i, rounds in enumerate(results):
        assert all(r == expected[i] for r in rounds), f"thread {i} read something else"


def test_a_dashboard_read_waits_while_another_thread_holds_hdf5(media_file: Path) -> None:
    """The serialisation is real on this path too: with the lock held elsewhere, a
    thumbnail read does not start, and ends once it is released."""
    take = reader_for(media_file).reader.takes[0]
    got: list = []
    done = threading.Event()

    def read() -> None:
        got.append(thumbnails.thumbnail(str(media_file), None, take.key, 1, ()))
        done.set()

    with h5_util.HDF5_LOCK:
        thread = threading.Thread(target=read)
        thread.start()
        assert not done.wait(0.5)
    assert done.wait(30)
    thread.join()
    source, image = got[0]
    assert source in take.sources and image.shape[-1] == 3
