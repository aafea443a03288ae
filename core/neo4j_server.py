"""Start, stop and inspect the project's own Neo4j 5.26 community server, without Docker.

The server runs from Maven-resolved jars (core/neo4j_jars.py) as a detached JVM
that outlives the command that started it; its pid file, logs, data, config and
password all live under the cache directory's neo4j/ (core/neo4j_config.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orgraph.core.errors import Neo4jServerError
from orgraph.core.neo4j_config import (
    HOST,
    Neo4jPaths,
    configured_port,
    local_paths,
    requested_port,
    server_command,
    uri_for,
    write_config,
)
from orgraph.core.neo4j_jars import ensure_jars, find_java, neo4j_version
from orgraph.core.neo4j_password import USER, ensure_password, read_password, redact

DEFAULT_START_TIMEOUT = 180.0
DEFAULT_STOP_TIMEOUT = 60.0
_ENTRY_CLASS = "org.neo4j.server.CommunityEntryPoint"
_children: list[subprocess.Popen[bytes]] = []  # kept so Popen never warns or is collected


def _quiet(_message: str) -> None:
    """The default progress callback: say nothing."""


@contextlib.contextmanager
def _locked(paths: Neo4jPaths) -> Iterator[None]:
    """Hold an exclusive lock so two starts (or a start and a stop) never interleave."""
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.home.chmod(0o700)  # data and logs are for this user only
    with open(paths.home / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    """Whether pid is a live (not zombie) process running the Neo4j entry point."""
    for proc in _children:
        if proc.pid == pid:  # our own child: poll, since its cmdline may not be java's yet
            return proc.poll() is None
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child, now reaped
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z" and _ENTRY_CLASS.encode() in cmdline


def _running_pid(paths: Neo4jPaths) -> int | None:
    """The pid of the running server, clearing a stale pid file."""
    try:
        pid = int(paths.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    if _alive(pid):
        return pid
    paths.pid_file.unlink(missing_ok=True)
    return None


def status() -> dict[str, Any]:
    """running, pid, uri, version and where the home and log are; never the password."""
    paths = local_paths()
    pid = _running_pid(paths)
    port = configured_port(paths) if pid else None
    return {
        "running": pid is not None,
        "pid": pid,
        "uri": uri_for(port or requested_port()),
        "version": neo4j_version(),
        "home": str(paths.home),
        "log": str(paths.server_log),
    }


def connection() -> tuple[str, str, str]:
    """(uri, user, password) of the local server, for the store and the tests."""
    paths = local_paths()
    password = read_password(paths)
    if password is None:
        raise Neo4jServerError(
            f"no local Neo4j password at {paths.password_file}: run `orgraph neo4j start` first"
        )
    return uri_for(configured_port(paths) or requested_port()), USER, password


def _check_port_free(port: int) -> None:
    """Fail early, naming the port, when something already listens on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server does: lingering TIME_WAIT sockets of a stopped run are no conflict.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise Neo4jServerError(
                f"port {port} on {HOST} is already in use ({exc.strerror}): stop what uses "
                f"it or choose another port with --port or ORGRAPH_NEO4J_PORT"
            ) from None


def log_tail(paths: Neo4jPaths, password: str | None = None, lines: int = 15) -> str:
    """The last lines of the console and server logs, password redacted, for error messages."""
    parts = []
    for log in (paths.console_log, paths.server_log):
        try:
            text = log.read_text(errors="replace").strip().splitlines()[-lines:]
        except OSError:
            continue
        if text:
            parts.append(f"--- {log} ---\n" + "\n".join(text))
    return redact("\n".join(parts), password) or "(no log output)"


def _launch(java: str, paths: Neo4jPaths) -> int:
    """Start the server JVM detached (own session, no terminal) and write its pid file."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NEO4J_HOME": str(paths.home), "NEO4J_CONF": str(paths.conf)}
    with open(paths.console_log, "ab") as console:
        proc = subprocess.Popen(
            server_command(java, paths),
            cwd=paths.home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    _children.append(proc)
    paths.pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def _wait_for_bolt(paths: Neo4jPaths, pid: int, uri: str, password: str, timeout: float) -> None:
    """Poll verify_connectivity until Bolt answers; fail fast if the JVM dies."""
    from neo4j import GraphDatabase  # imported here so `orgraph --help` stays quick
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    deadline = time.monotonic() + timeout
    while True:
        if not _alive(pid):
            paths.pid_file.unlink(missing_ok=True)
            raise Neo4jServerError(
                f"the Neo4j server (pid {pid}) exited during start-up:\n"
                + log_tail(paths, password)
            )
        try:
            with GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=2.0) as driver:
                driver.verify_connectivity()
            return
        except AuthError:
            raise Neo4jServerError(
                f"Neo4j at {uri} refused the password stored in {paths.password_file}; "
                f"delete {paths.data} to start afresh"
            ) from None
        except (ServiceUnavailable, Neo4jError, OSError):
            pass
        if time.monotonic() > deadline:
            raise Neo4jServerError(
                f"Neo4j did not answer on {uri} within {timeout:.0f}s (pid {pid} still "
                f"running; `orgraph neo4j stop` ends it):\n" + log_tail(paths, password)
            )
        time.sleep(0.5)


def start(
    port: int | None = None,
    timeout: float = DEFAULT_START_TIMEOUT,
    log: Callable[[str], None] = _quiet,
) -> str:
    """Start the local server if it is not running, wait for Bolt, and return its URI."""
    paths = local_paths()
    with _locked(paths):
        pid = _running_pid(paths)
        if pid is not None:
            uri = uri_for(configured_port(paths) or requested_port(port))
            log(f"Neo4j already running (pid {pid}) at {uri}")
            return uri
        bolt_port = requested_port(port)
        java = find_java()
        _check_port_free(bolt_port)
        ensure_jars(paths.lib, log)
        write_config(paths, bolt_port)
        password = ensure_password(java, paths)
        uri = uri_for(bolt_port)
        log(f"starting Neo4j {neo4j_version()} on {uri} (log: {paths.server_log})")
        pid = _launch(java, paths)
        _wait_for_bolt(paths, pid, uri, password, timeout)
        return uri


def stop(timeout: float = DEFAULT_STOP_TIMEOUT) -> bool:
    """Stop the server: SIGTERM, wait up to timeout, then SIGKILL. False if it was not running."""
    paths = local_paths()
    with _locked(paths):
        pid = _running_pid(paths)
        if pid is None:
            return False
        _signal(pid, signal.SIGTERM)
        if not _wait_gone(pid, timeout):
            _signal(pid, signal.SIGKILL)
            if not _wait_gone(pid, 10.0):
                raise Neo4jServerError(f"Neo4j (pid {pid}) survived SIGKILL")
        paths.pid_file.unlink(missing_ok=True)
        return True


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait until pid has exited; True if it did within timeout."""
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
