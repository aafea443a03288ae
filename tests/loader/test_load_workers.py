"""Reader workers of `orgraph load` end with it: when it is killed, and on Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from tests.support.load_kill import NEW_GAP, OLD_GAP, Rig, happened, judge, rig_for, take_states
from tests.support.procs import alive, children, kill_all, wait_gone
from tests.support.signals import interruptible


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory):
    from orgraph.loader.synth import generate

    out = tmp_path_factory.mktemp("workers")
    return generate(out, scale="small", seed=2, rgb=None, progress=False)


def start(rig: Rig) -> subprocess.Popen[bytes]:
    """A forced reload with two reader workers, in a session of its own, no progress bars."""
    return subprocess.Popen(
        [*rig.argv(NEW_GAP, force=True), "--workers", "2", "--quiet"],
        env={**os.environ, **rig.env},
        stdout=subprocess.DEVNULL,
        stderr=rig.log.open("wb"),
        start_new_session=True,
        preexec_fn=interruptible,
    )


def wait_for_workers(proc: subprocess.Popen[bytes], timeout: float = 120) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        found = children(proc.pid)
        if len(found) >= 2:
            return found
        time.sleep(0.002)
    raise AssertionError("the load never had two reader workers")


def loaded_rig(ds, tmp_path: Path) -> tuple[Rig, dict]:
    rig = rig_for(ds, Settings(backend="embedded", db=tmp_path / "db"), tmp_path / "load.log")
    rig.run(OLD_GAP)
    return rig, take_states(rig.settings)


@pytest.mark.timeout(300)
def test_workers_end_when_the_load_is_killed(dataset, tmp_path: Path) -> None:
    rig, _ = loaded_rig(dataset, tmp_path)
    for _ in range(3):
        proc = start(rig)
        workers = wait_for_workers(proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = wait_gone(workers, timeout=5)
        kill_all(left)  # do not leave them to other tests
        assert not left, f"reader workers {left} outlived the killed load"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("moment", ["reading", "writing"])
def test_ctrl_c_stops_workers_with_one_line(dataset, tmp_path: Path, moment: str) -> None:
    rig, old = loaded_rig(dataset, tmp_path)
    new_rig = rig_for(dataset, Settings(backend="embedded", db=tmp_path / "new"), rig.log)
    new_rig.run(NEW_GAP)
    new = take_states(new_rig.settings)
    proc = start(rig)
    workers = wait_for_workers(proc)
    if moment == "writing":  # the first replacement copy is being written
        while not happened(rig, "graph.lbug.next") and proc.poll() is None:
            time.sleep(0.002)
    assert proc.poll() is None, "the load ended before the interruption"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal does: the whole group
    assert proc.wait(timeout=120) == 130, rig.log.read_text()[-3000:]
    left = wait_gone(workers, timeout=5)
    kill_all(left)
    assert not left, f"reader workers {left} outlived Ctrl+C"
    lines = rig.log.read_text().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), lines[:20]
    verdict = judge(take_states(rig.settings), old, new)
    assert verdict.ok, verdict
    if moment == "reading":
        assert verdict.new == []  # nothing was written yet
    assert not alive(proc.pid)
    assert sorted(p.name for p in Path(rig.settings.db).iterdir()) == ["graph.lbug", "writer.lock"]


# A parent that forks one child, which watches it without the kernel's help (prctl off).
_WATCHED_CHILD = """
import os, time
import orgraph.loader.worker_pool as wp
wp._pdeathsig = lambda: False
parent = os.getpid()
pid = os.fork()
if pid == 0:
    wp.die_with_parent(parent)
    time.sleep(120)
    os._exit(0)
print(pid, flush=True)
time.sleep(120)
"""


def test_watchdog_ends_a_worker_without_the_kernel_signal() -> None:
    import sys

    parent = subprocess.Popen(
        [sys.executable, "-c", _WATCHED_CHILD], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.3)
    assert alive(child)
    parent.kill()
    parent.wait()
    left = wait_gone([child], timeout=3)
    kill_all(left)
    assert not left
