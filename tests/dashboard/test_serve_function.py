"""serve_dashboard(): the one function `orgraph dashboard` and `orgraph demo` serve through."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import pytest

from orgraph.commands import dashboard, demo
from orgraph.core.errors import ConfigError
from orgraph.core.settings import Settings
from tests.support.browser import free_port, wait_healthy
from tests.support.procs import children, wait_gone

SERVE = """
import sys
from pathlib import Path
from orgraph.commands.dashboard import serve_dashboard
from orgraph.core.settings import Settings

settings = Settings(backend="embedded", db=Path(sys.argv[1]))
sys.exit(serve_dashboard(settings, int(sys.argv[2]), runs=Path(sys.argv[3])))
"""


def test_demo_serves_through_serve_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    monkeypatch.setattr(dashboard, "serve_dashboard", lambda *a, **k: calls.append((a, k)) or 7)
    args = argparse.Namespace(port=8600, out=tmp_path)
    assert demo._serve(args, tmp_path / "graph") == 7
    ((settings, port), kwargs) = calls[0]
    assert (settings.backend, Path(settings.db), port) == ("embedded", tmp_path / "graph", 8600)
    assert kwargs == {"runs": tmp_path / "gnn" / "runs"}


def test_dashboard_env_carries_the_store_and_directories(tmp_path: Path) -> None:
    settings = Settings(backend="embedded", db=tmp_path / "db")
    env = dashboard.dashboard_env(settings, tmp_path / "runs", tmp_path / "media")
    assert env["ORGRAPH_BACKEND"] == "embedded"
    assert env["ORGRAPH_DB"] == str((tmp_path / "db").resolve())
    assert env["ORGRAPH_RUNS"] == str((tmp_path / "runs").resolve())
    assert env["ORGRAPH_MEDIA_ROOT"] == str((tmp_path / "media").resolve())


def test_a_bad_port_is_refused_before_anything_starts(tmp_path: Path) -> None:
    settings = Settings(backend="embedded", db=tmp_path / "db")
    with pytest.raises(ConfigError, match="--port 70000"):
        dashboard.serve_dashboard(settings, 70000)


def test_serve_dashboard_serves_until_terminated(tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-c", SERVE, str(tmp_path / "db"), str(port), str(tmp_path / "runs")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        servers = children(proc.pid)
        assert servers, "Streamlit runs in a child process"
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0
        assert f"http://localhost:{port}" in out
        assert not wait_gone(servers, 10), "the Streamlit server outlived serve_dashboard"
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the test's own session: the command and Streamlit


def test_demo_refuses_a_bad_port_before_doing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orgraph.cli import main

    assert main(["demo", "--port", "0", "--out", str(tmp_path / "demo")]) == 1
    assert "error: --port 0: expected a port number 1-65535" in capsys.readouterr().err
    assert not (tmp_path / "demo").exists()
