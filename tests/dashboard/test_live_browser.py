"""The served dashboard across real loads, in headless Chromium: right counts, bounded memory.

Before the fix, `load --force` then `load` under an open dashboard gave wrong or zero counts
and storage errors, and a stale read grew the process to most of the machine. The bound
asserted here is 1.5 GB of RSS for the whole `orgraph dashboard` process tree at scale small:
about 0.4 GB of Python, Streamlit and the libraries, plus the read page cache (capped at 1 GB,
of which a 10-30 MB database uses little); measured peaks are near 0.7 GB
(bench/dashboard_memory.py prints them).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.queries.stats import graph_summary
from tests.support.browser import CHROMIUM_ARGS, served_process
from tests.support.loads import cli_load
from tests.support.player_probe import player_frame, shown_frame

pytestmark = pytest.mark.browser

RSS_BOUND_MB = 1536
CYCLES = 3


def tree_rss_mb(pid: int) -> int:
    """RSS of a process and its children, in MB (from /proc)."""
    pids, total = [pid], 0
    while pids:
        p = pids.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            pids += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total // 1024


class PeakRss:
    """Samples a process tree's RSS five times a second, keeping the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, tree_rss_mb(self.pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@pytest.fixture(scope="module")
def small(small_h5, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("live_small") / "db"
    cli_load(small_h5.files, small_h5.splits, db)
    return small_h5, db


@pytest.fixture(scope="module")
def served(small) -> Iterator[tuple[str, int]]:
    _, db = small
    with served_process(["--backend", "embedded", "--db", str(db)], {}) as served:
        yield served


def metric(page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return int(re.sub(r"\D", "", box.locator('[data-testid="stMetricValue"]').inner_text()))


def test_counts_right_and_memory_bounded_across_loads(
    chromium: Path,  # noqa: F811
    small,
    served: tuple[str, int],
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    synth, db = small
    url, pid = served
    with open_store(Settings(db=db)) as store:
        s = graph_summary(store)
    takes, frames = len(s["takes"]), s["frames"]
    peak = PeakRss(pid)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page()

        def overview() -> tuple[int, int]:
            page.goto(url)
            page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
            page.wait_for_timeout(1000)
            assert page.locator('[data-testid="stException"]').count() == 0
            return metric(page, "Takes"), metric(page, "Frames")

        def frame_viewer(frame: int) -> None:
            page.goto(f"{url}/frame?take=MISS/1/1&frame={frame}")
            expect(page.get_by_text(f"frame {frame} of")).to_be_visible(timeout=60_000)
            assert shown_frame(player_frame(page)) == frame
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.get_by_text("could not be used").count() == 0

        page.goto(f"{url}/console")  # opens the store, reads next to nothing
        page.wait_for_selector('[data-testid="stTextArea"]', timeout=60_000)
        for cycle in range(CYCLES):
            cli_load(synth.files, synth.splits, db, "--force")
            cli_load(synth.files, synth.splits, db)
            assert overview() == (takes, frames), f"cycle {cycle}"
            frame_viewer(10 + cycle)
            cli_load(synth.files, synth.splits, db, "--force")
            frame_viewer(20 + cycle)
            cli_load(synth.files, synth.splits, db)
            assert overview() == (takes, frames), f"cycle {cycle}"
        browser.close()
    time.sleep(1)
    worst = peak.stop()
    assert worst < RSS_BOUND_MB, f"dashboard RSS peaked at {worst} MB"
