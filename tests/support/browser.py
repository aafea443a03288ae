"""Browser-test fixtures: Debian's Chromium, and `orgraph dashboard` served on a free port.

Loaded for every test folder through `pytest_plugins` in tests/conftest.py. Playwright
drives /usr/bin/chromium with CHROMIUM_ARGS; screenshots go to ARTIFACTS (git-ignored).
"""

from __future__ import annotations

import os
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

from tests.conftest import in_ci

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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
