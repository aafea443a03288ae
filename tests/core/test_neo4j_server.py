"""The project's local Neo4j server, against the real JVM: status, auth, secrecy, errors."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from orgraph.core import neo4j_server
from orgraph.core.neo4j_config import local_paths

REPO = Path(__file__).resolve().parents[2]


def orgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `orgraph` command line in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "orgraph.cli", *args],
        cwd=REPO,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def isolated_env(tmp_path: Path, path: str, port: int) -> dict[str, str]:
    """An environment with its own empty cache, a chosen PATH and Bolt port."""
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(ORGRAPH_CACHE=str(tmp_path / "cache"), PATH=path, ORGRAPH_NEO4J_PORT=str(port))
    return env


@pytest.fixture
def listening_socket() -> Iterator[int]:
    """A port on 127.0.0.1 that something else is already listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.neo4j
def test_status_reports_running_server_and_its_uri(local_neo4j: tuple[str, str, str]) -> None:
    uri = local_neo4j[0]
    info = neo4j_server.status()
    assert info["running"] is True
    assert info["uri"] == uri
    assert Path(f"/proc/{info['pid']}").exists()
    out = orgraph("neo4j", "status")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"running  pid {info['pid']}  {uri}")


@pytest.mark.neo4j
def test_start_again_is_a_no_op(local_neo4j: tuple[str, str, str]) -> None:
    pid = neo4j_server.status()["pid"]
    assert neo4j_server.start() == local_neo4j[0]
    out = orgraph("neo4j", "start")
    assert out.returncode == 0, out.stderr
    assert f"already running (pid {pid}) at {local_neo4j[0]}" in out.stdout
    assert neo4j_server.status()["pid"] == pid


@pytest.mark.neo4j
def test_query_runs_with_the_stored_password(local_neo4j: tuple[str, str, str]) -> None:
    uri, user, password = local_neo4j
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records = driver.execute_query(
            "CALL dbms.components() YIELD versions, edition "
            "RETURN versions[0] AS version, edition, $x + 1 AS y",
            {"x": 41},
        ).records
    assert records[0]["edition"] == "community"
    assert records[0]["version"].startswith("5.26.")
    assert records[0]["y"] == 42


@pytest.mark.neo4j
def test_transaction_logs_are_bounded(local_neo4j: tuple[str, str, str]) -> None:
    """The server keeps only its latest transaction log file, of at most 64 MiB, so the
    loads and wipes of tests and soaks do not fill the disk."""
    uri, user, password = local_neo4j
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records = driver.execute_query(
            "SHOW SETTINGS YIELD name, value WHERE name STARTS WITH 'db.tx_log.rotation.' "
            "RETURN name, value"
        ).records
    settings = {r["name"]: r["value"] for r in records}
    assert settings["db.tx_log.rotation.retention_policy"] == "keep_none"
    assert settings["db.tx_log.rotation.size"] == "64.00MiB"


@pytest.mark.neo4j
def test_wrong_password_is_refused(local_neo4j: tuple[str, str, str]) -> None:
    uri, user, password = local_neo4j
    with (
        GraphDatabase.driver(uri, auth=(user, password + "-wrong")) as driver,
        pytest.raises(AuthError),
    ):
        driver.verify_connectivity()


@pytest.mark.neo4j
def test_password_file_is_private(local_neo4j: tuple[str, str, str]) -> None:
    mode = stat.S_IMODE(local_paths().password_file.stat().st_mode)
    assert mode == 0o600
    assert local_paths().password_file.read_text().strip() == local_neo4j[2]


@pytest.mark.neo4j
def test_password_never_shown_by_the_cli(local_neo4j: tuple[str, str, str]) -> None:
    password = local_neo4j[2]
    runs = [
        orgraph("neo4j", "status"),
        orgraph("neo4j", "start"),
        orgraph("--help"),
        orgraph("neo4j", "--help"),
        orgraph("neo4j", "start", "--help"),
        orgraph("neo4j", "stop", "--help"),
    ]
    for run in runs:
        assert run.returncode == 0, run.args
        assert run.stdout.strip()
        assert password not in run.stdout + run.stderr, run.args
    assert password not in repr(neo4j_server.status())


@pytest.mark.neo4j
def test_password_not_in_server_logs_or_command_line(local_neo4j: tuple[str, str, str]) -> None:
    password = local_neo4j[2]
    logs = [p for p in local_paths().logs.rglob("*") if p.is_file()]
    assert local_paths().server_log in logs
    for log in logs:
        assert password not in log.read_text(errors="replace"), log
    pid = neo4j_server.status()["pid"]
    assert password.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
    assert password not in neo4j_server.log_tail(local_paths(), password)


@pytest.mark.usefixtures("java_and_maven")
def test_port_in_use_is_named(tmp_path: Path, listening_socket: int) -> None:
    out = orgraph(
        "neo4j", "start", env=isolated_env(tmp_path, os.environ["PATH"], listening_socket)
    )
    assert out.returncode == 1
    assert out.stderr.startswith(f"error: port {listening_socket} on 127.0.0.1 is already in use")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_missing_java_is_named(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    out = orgraph("neo4j", "start", env=isolated_env(tmp_path, str(empty), 7687))
    assert out.returncode == 1
    assert out.stderr.startswith("error: java not found on PATH")
    assert "Traceback" not in out.stderr


@pytest.mark.usefixtures("java_and_maven")
def test_missing_maven_is_named(tmp_path: Path) -> None:
    only_java = tmp_path / "bin"
    only_java.mkdir()
    (only_java / "java").symlink_to(os.path.realpath(_which("java")))
    with socket.socket() as sock:  # a free port, so the port check passes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = orgraph("neo4j", "start", env=isolated_env(tmp_path, str(only_java), port))
    assert out.returncode == 1
    assert out.stderr.startswith("error: mvn (Apache Maven) not found on PATH")
    assert not (tmp_path / "cache" / "neo4j" / "lib").exists()


def _which(tool: str) -> str:
    for folder in os.environ["PATH"].split(os.pathsep):
        candidate = Path(folder) / tool
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise AssertionError(f"{tool} not on PATH")
