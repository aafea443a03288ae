"""HDF5 reads from threads (the loader's and the dashboard's thread tests): many threads
doing the same reads at once each get what one thread alone reads, and a read waits
while another thread holds the process-wide HDF5 lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from orgraph.loader.h5_util import HDF5_LOCK
from orgraph.loader.synth import generate


def assert_threads_agree(threads: int, rounds: int, read: Callable[[int], Any]) -> None:
    """Run read(i) alone once per i, then `rounds` times in each of `threads` threads that
    start at the same moment; every round must equal the lone read of its thread."""
    expected = {i: read(i) for i in range(threads)}
    start = threading.Barrier(threads)

    def work(i: int) -> list:
        start.wait()  # all threads read at the same moment
        return [read(i) for _ in range(rounds)]

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(work, range(threads)))
    for i, got in enumerate(results):
        assert all(r == expected[i] for r in got), f"thread {i} read something else"


def media_file(out: Path, seed: int) -> Path:
    """A tiny merged file with small rgb, gaze, hands, audio and point clouds."""
    return generate(out, scale="tiny", seed=seed, merged=True, rgb=(24, 32), progress=False).files[
        0
    ]


def read_held_back(read: Callable[[], Any]) -> Any:
    """Run `read` in another thread while this one holds HDF5_LOCK: it must not finish
    until the lock is released (the serialisation is real), then it must. Its result."""
    got: list = []
    done = threading.Event()

    def run() -> None:
        got.append(read())
        done.set()

    with HDF5_LOCK:
        thread = threading.Thread(target=run)
        thread.start()
        assert not done.wait(0.5), "read while another thread held HDF5_LOCK"
    assert done.wait(30)
    thread.join()
    return got[0]
