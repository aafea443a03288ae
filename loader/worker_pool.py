"""Reader worker processes that never outlive the load.

A worker dies with its parent (PR_SET_PDEATHSIG on Linux, and a watchdog thread polling
the parent's pid everywhere), so a killed `orgraph load` leaves no readers behind, blocked
on a pipe nobody reads. Workers ignore Ctrl+C: the parent alone handles it, cancels what
is pending and terminates them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

PR_SET_PDEATHSIG = 1
"""prctl option (linux/prctl.h): the signal this process gets when its parent ends."""

WATCH_SECONDS = 0.5


def _pdeathsig() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:  # re-parented: the load is gone
            os._exit(1)


def die_with_parent(parent: int) -> None:
    """End this process when `parent` ends: the kernel's signal, and a watchdog thread."""
    _pdeathsig()
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _init_worker(parent: int, init: Callable[..., None], args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent while it forked us
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent(parent)
    init(*args)


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Hold Ctrl+C back while workers are forked; it is delivered when this ends.

    A SIGINT during fork() would raise inside Python's at-fork callbacks, where it is
    printed and dropped (the parent carries on), or in a child before it ignores SIGINT.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _nothing() -> None:
    """A task that does nothing: submitting it starts the workers."""


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel pending work and terminate the workers now, without waiting for their tasks."""
    # the executor has no public way to end its workers; without the attribute, the
    # workers still end after their current task (they are told to shut down)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(timeout=5)


@contextmanager
def worker_pool(
    workers: int, init: Callable[..., None], args: tuple[Any, ...]
) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers run `init(*args)` first and never outlive this process;
    leaving with an exception (Ctrl+C included) stops them at once.

    Linux ties PR_SET_PDEATHSIG to the thread that started a worker: submit work from a
    thread that lives as long as the pool (the pool starts workers on first submit).
    """
    pool = ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(os.getpid(), init, args)
    )
    try:
        with _sigint_blocked():  # with fork, the first submit forks every worker
            pool.submit(_nothing)
        yield pool
    except BaseException:
        stop(pool)
        raise
    pool.shutdown()
