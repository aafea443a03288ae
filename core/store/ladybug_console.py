"""Embedded console queries in child processes, so an engine crash or hang stays there.

LadybugDB runs in-process, and some texts crash it (segfault) or keep it busy past
its own timeout. Console reads therefore go to a worker process
(core.store.ladybug_worker) that opens the database read-only: a crash ends the
worker and the caller gets one line; a worker past its deadline is killed. Workers
start on first use, are reused, restarted after a crash or kill, and closed with
the store. A few may run at once (MAX_WORKERS), so one slow query never makes
another user wait; past that the console says it is busy instead of queueing.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from orgraph.core.errors import StoreError
from orgraph.core.store.deadline import GRACE_SECONDS, QueryStopped, check_timeout
from orgraph.core.store.ladybug_worker import HEADER, encode

MAX_WORKERS = 3
"""Console queries that may run at once per store."""

START_SECONDS = 60.0
"""Time a new worker has to open the database."""

_ROOT = Path(__file__).resolve().parents[2]


class _Late(Exception):
    """The worker did not answer in time."""


class _Gone(Exception):
    """The worker's output ended: it exited or crashed."""


class _Worker:
    """One child process with the database open read-only."""

    def __init__(self, db_dir: Path) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "orgraph.core.store.ladybug_worker", str(db_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # Ctrl+C reaches the caller, which then ends the worker
        )
        try:
            reply = self._read(time.monotonic() + START_SECONDS)
        except (_Late, _Gone):
            self.kill()
            raise StoreError(
                f"the console worker for {db_dir} could not open the database "
                f"({self.exit_reason()})"
            ) from None
        if reply[0] != "ready":
            self.kill()
            raise StoreError(str(reply[1]))

    def ask(self, request: tuple[Any, ...], seconds: float) -> tuple[Any, ...]:
        """Send one request and wait at most `seconds` for its reply."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(encode(request))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Gone() from None
        return self._read(time.monotonic() + seconds)

    def _read(self, deadline: float) -> tuple[Any, ...]:
        import pickle

        (size,) = HEADER.unpack(self._read_exact(HEADER.size, deadline))
        return pickle.loads(self._read_exact(size, deadline))

    def _read_exact(self, size: int, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        left = size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise _Late()
            chunk = os.read(fd, left)
            if not chunk:
                raise _Gone()
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def exit_reason(self) -> str:
        """How the process ended: 'signal 11, SIGSEGV', 'exit code 1' or 'still running'."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "still running"
        if code < 0:
            try:
                return f"signal {-code}, {signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._close_pipes()

    def close(self) -> None:
        """Ask the worker to end (stdin closed), killing it if it does not."""
        self._close_pipes()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):
                    pipe.close()


class ConsoleWorkers:
    """The worker processes of one embedded store (see the module docstring)."""

    def __init__(self, db_dir: Path, max_workers: int = MAX_WORKERS) -> None:
        self.db_dir = Path(db_dir)
        self.max_workers = max_workers
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy = 0
        self._closed = False

    def run(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        *,
        timeout: float,
        row_limit: int | None,
    ) -> pd.DataFrame:
        """The rows of one console read, or a one-line StoreError (QueryStopped past timeout)."""
        timeout = check_timeout(timeout)
        worker = self._take()
        request = (cypher, dict(params or {}), timeout, row_limit)
        try:
            reply = worker.ask(request, timeout + GRACE_SECONDS)
        except _Late:
            self._drop(worker)
            raise QueryStopped(timeout) from None
        except _Gone:
            self._drop(worker)
            raise StoreError(
                f"the embedded engine crashed on this query ({worker.exit_reason()}); "
                "nothing was changed and the next query starts a fresh console worker"
            ) from None
        except BaseException:
            self._drop(worker)  # e.g. Ctrl+C: the worker's state is unknown
            raise
        self._give_back(worker)
        if reply[0] == "stopped":
            raise QueryStopped(timeout)
        if reply[0] == "error":
            raise StoreError(str(reply[1]))
        _, columns, rows, truncated = reply
        df = pd.DataFrame(rows, columns=columns)
        df.attrs["truncated"] = truncated
        return df

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise StoreError(f"the embedded store {self.db_dir} is closed")
            while self._idle:
                worker = self._idle.pop()
                if worker.proc.poll() is None:
                    self._busy += 1
                    return worker
                worker.kill()  # it died while idle (killed from outside): start another
            if self._busy >= self.max_workers:
                raise StoreError(
                    f"the console is busy: {self._busy} queries are running on this store; "
                    "try again when one has finished"
                )
            self._busy += 1
        try:
            return _Worker(self.db_dir)
        except BaseException:
            with self._lock:
                self._busy -= 1
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._busy -= 1
            if not self._closed:
                self._idle.append(worker)
                return
        worker.close()

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._busy -= 1

    def worker_pids(self) -> list[int]:
        """Process ids of the idle workers (for tests and diagnostics)."""
        with self._lock:
            return [w.proc.pid for w in self._idle]

    def close(self) -> None:
        """End the idle workers now and the busy ones when they finish."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


_ATTACH_LOCK = threading.Lock()


def workers_of(store: Any) -> ConsoleWorkers:
    """The store's console workers, made on first use (safe from several threads)."""
    with _ATTACH_LOCK:
        workers = getattr(store, "_console_workers", None)
        if workers is None:
            workers = ConsoleWorkers(store.db_dir)
            store._console_workers = workers
        return workers


def close_workers_of(store: Any) -> None:
    """End the store's console workers, if it has any."""
    with _ATTACH_LOCK:
        workers = getattr(store, "_console_workers", None)
        if workers is None:  # keep a closed pool in place: the store is closed too
            workers = store._console_workers = ConsoleWorkers(store.db_dir)
    workers.close()
