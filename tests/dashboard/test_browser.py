"""The served dashboard in a real headless Chromium: every page renders, deep links work.

`orgraph dashboard` runs as a subprocess on a free localhost port; Playwright drives
Debian's /usr/bin/chromium. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from tests.conftest import in_ci
from tests.dashboard.conftest import Loaded, generate_tiny, load_into

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TAKE = "MISS/2/1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [  # url path, element that must render, text that must appear
    ("", '[data-testid="stPlotlyChart"]', "Relation frequencies"),  # the default page
    (f"timeline?take={TAKE}", '[data-testid="stPlotlyChart"]', "Open in frame viewer"),
    (f"frame?take={TAKE}&frame=12", '[data-testid="stCustomComponentV1"]', "frame 12 of"),
    ("workflow", '[data-testid="stGraphVizChart"]', "Directly-follows"),
    ("console", '[data-testid="stTextArea"]', "Cypher (read-only)"),
    ("model", '[data-testid="stPlotlyChart"]', "Baselines and published numbers"),
]


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium, or a skip (a failure under CI=true) naming how to install it."""
    return require_chromium()


def require_chromium() -> Path:
    """CHROMIUM if installed; else a skip (a failure under CI=true) saying how to get it."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} missing: `apt-get install -y chromium` (make test does it as root)"
        if in_ci():
            pytest.fail(f"{reason} (CI=true: browser tests must not be skipped)")
        pytest.skip(reason)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Wait for Streamlit's health endpoint, failing early if the command exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"orgraph dashboard exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the dashboard did not answer at {url} within {seconds} s")


def serve(args: list[str], env: dict[str, str]) -> Iterator[str]:
    """Run `orgraph dashboard ARGS` on a free port; yield its URL; stop it afterwards."""
    with served_process(args, env) as (url, _):
        yield url


@contextmanager
def served_process(args: list[str], env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`orgraph dashboard ARGS` on a free port: its URL and pid, stopped afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "orgraph.cli", "dashboard", *args, "--port", str(port)]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def embedded_url(loaded: Loaded) -> Iterator[str]:
    yield from serve(
        ["--backend", "embedded", "--db", str(loaded.settings.db), "--runs", str(loaded.runs)], {}
    )


@pytest.fixture
def neo4j_url(neo4j_settings: Settings, tmp_path: Path, loaded: Loaded) -> Iterator[str]:
    synth = generate_tiny(tmp_path / "h5")
    load_into(neo4j_settings, synth)
    env = {
        "NEO4J_USER": neo4j_settings.neo4j_user,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password.reveal(),
    }
    yield from serve(
        ["--backend", "neo4j", "--uri", neo4j_settings.neo4j_uri, "--runs", str(loaded.runs)], env
    )


def browse(chromium: Path, url: str, backend: str, tmp_path: Path) -> None:
    """Visit every page, check it rendered without an exception box, then the deep link."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = context.new_page()
            for path, selector, text in PAGES:
                page.goto(f"{url}/{path}")
                page.wait_for_selector(selector, timeout=60_000)
                expect(page.get_by_text(text).first).to_be_visible(timeout=30_000)
                page.wait_for_timeout(1500)  # let late elements and charts settle
                assert page.locator('[data-testid="stException"]').count() == 0, path
                assert page.get_by_text("Page not found").count() == 0, path
                name = path.split("?")[0] or "overview"
                page.screenshot(path=str(ARTIFACTS / f"{backend}_{name}.png"), full_page=True)
            check_deep_link(page, url, backend)
        finally:
            context.close()


def check_deep_link(page, url: str, backend: str) -> None:
    """?take=&frame= opens that frame; Next moves one frame and the URL follows."""
    from playwright.sync_api import expect

    from tests.support.player_probe import player_frame, shown_frame

    page.goto(f"{url}/frame?take={TAKE}&frame=20")
    expect(page.get_by_text(re.compile(r"frame 20 of \d+")).first).to_be_visible(timeout=60_000)
    player = player_frame(page)
    assert shown_frame(player) == 20
    player.locator("#next").click()
    expect(page.get_by_text(re.compile(r"frame 21 of \d+")).first).to_be_visible(timeout=30_000)
    page.wait_for_url(re.compile(r"frame=21"), timeout=30_000)
    assert shown_frame(player) == 21
    page.screenshot(path=str(ARTIFACTS / f"{backend}_frame_step.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_browser_embedded(chromium: Path, embedded_url: str, tmp_path: Path) -> None:
    browse(chromium, embedded_url, "embedded", tmp_path)


@pytest.mark.neo4j
def test_browser_neo4j(chromium: Path, neo4j_url: str, tmp_path: Path) -> None:
    browse(chromium, neo4j_url, "neo4j", tmp_path)
