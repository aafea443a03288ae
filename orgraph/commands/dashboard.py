"""`orgraph dashboard`: serve the Streamlit dashboard on the configured graph store.

The store options travel to the app as environment variables (the password stays in
the environment it came from), and Streamlit runs in a child process.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.errors import ConfigError
from orgraph.core.extras import require_extra
from orgraph.core.settings import Settings

DEFAULT_PORT = 8501


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dashboard",
        help="serve the dashboard (Streamlit) on the graph store",
        description="Overview, timeline, frame viewer, workflow patterns, Cypher console "
        "and model pages, read-only, on the configured backend.",
    )
    add_store_args(p)
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 inside a container)",
    )
    p.add_argument("--runs", type=Path, help="training runs directory (ORGRAPH_RUNS; default runs)")
    p.add_argument(
        "--media-root",
        type=Path,
        help="directory to look in for HDF5 files that have moved (ORGRAPH_MEDIA_ROOT)",
    )
    p.set_defaults(func=run)


def app_path() -> Path:
    """dashboard/app.py of the installed project (found without importing the dashboard)."""
    spec = importlib.util.find_spec("orgraph.dashboard")
    if spec is None or spec.origin is None:
        raise ConfigError("the package orgraph.dashboard is missing from this installation")
    return Path(spec.origin).parent / "app.py"


def dashboard_env(
    settings: Settings, runs: Path | None = None, media_root: Path | None = None
) -> dict[str, str]:
    """The environment of the Streamlit process: store settings and the two directories."""
    env = dict(os.environ)
    env["ORGRAPH_BACKEND"] = settings.backend
    env["ORGRAPH_DB"] = str(Path(settings.db).resolve())
    env["NEO4J_URI"] = settings.neo4j_uri
    if runs is not None:
        env["ORGRAPH_RUNS"] = str(Path(runs).resolve())
    if media_root is not None:
        env["ORGRAPH_MEDIA_ROOT"] = str(Path(media_root).resolve())
    return env


def streamlit_command(port: int, address: str) -> list[str]:
    """`python -m streamlit run dashboard/app.py` with a headless, telemetry-free server."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def url(port: int, address: str = "127.0.0.1") -> str:
    """The address to open in a browser."""
    host = "localhost" if address in ("127.0.0.1", "0.0.0.0", "localhost") else address
    return f"http://{host}:{port}"


def check_port(port: int) -> None:
    """ConfigError unless `port` is a TCP port number."""
    if not 0 < port < 65536:
        raise ConfigError(f"--port {port}: expected a port number 1-65535")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_dashboard(
    settings: Settings,
    port: int = DEFAULT_PORT,
    runs: Path | None = None,
    media_root: Path | None = None,
    *,
    address: str = "127.0.0.1",
) -> int:
    """Serve the dashboard on `settings`' store until Ctrl+C (or SIGTERM); the exit code."""
    require_extra("dashboard", "dashboard")
    check_port(port)
    env = dashboard_env(settings, runs, media_root)
    print(f"ORGraph dashboard on {settings.backend}: {url(port, address)}  (Ctrl+C stops it)")
    sys.stdout.flush()
    proc = subprocess.Popen(streamlit_command(port, address), env=env)
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated command stops its server too
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)  # validates the options before anything starts
    return serve_dashboard(settings, args.port, args.runs, args.media_root, address=args.address)
