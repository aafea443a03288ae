"""The local server's generated password: made once, kept in a 0600 file, never shown.

It is set as the initial password with the jars' own `neo4j-admin dbms
set-initial-password` (class org.neo4j.cli.AdminTool). The password reaches that
JVM through a 0600 java @argfile, so it never appears in a process listing.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from orgraph.core.errors import Neo4jServerError
from orgraph.core.neo4j_config import Neo4jPaths

USER = "neo4j"
_ADMIN_TIMEOUT = 300.0


def read_password(paths: Neo4jPaths) -> str | None:
    """The stored password, or None when none has been made yet."""
    try:
        return paths.password_file.read_text().strip() or None
    except OSError:
        return None


def _write_private(path: Path, text: str) -> None:
    """Write text to path with mode 0600 from the first byte, replacing it atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def redact(text: str, password: str | None) -> str:
    """text with every occurrence of the password replaced by ***."""
    return text.replace(password, "***") if password else text


def database_initialised(paths: Neo4jPaths) -> bool:
    """Whether the server has already started once (its system database exists)."""
    return (paths.data / "databases" / "system").is_dir()


def ensure_password(java: str, paths: Neo4jPaths) -> str:
    """The password, generated and set as the server's initial password if needed.

    After the first start the system database owns the password, so a lost password
    file cannot be recovered: the message says which folder to delete.
    """
    password = read_password(paths)
    if database_initialised(paths):
        if password is None:
            raise Neo4jServerError(
                f"the local Neo4j data in {paths.data} was created with a password that is "
                f"no longer in {paths.password_file}; delete {paths.data} to start afresh"
            )
        return password
    if password is None:
        password = secrets.token_urlsafe(24)
        _write_private(paths.password_file, password + "\n")
    _set_initial_password(java, paths, password)
    return password


def _quote(arg: str) -> str:
    """One token of a java @argfile, double-quoted with backslashes escaped."""
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _set_initial_password(java: str, paths: Neo4jPaths, password: str) -> None:
    """Run `neo4j-admin dbms set-initial-password` from the jars, via a private argfile."""
    argfile = paths.run / "set-initial-password.args"
    args = [
        "-cp",
        f"{paths.lib}/*",
        "org.neo4j.cli.AdminTool",
        "dbms",
        "set-initial-password",
        password,
    ]
    paths.run.mkdir(parents=True, exist_ok=True)
    _write_private(argfile, "\n".join(_quote(a) for a in args) + "\n")
    env = {**os.environ, "NEO4J_HOME": str(paths.home), "NEO4J_CONF": str(paths.conf)}
    try:
        done = subprocess.run(
            [java, f"@{argfile}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=_ADMIN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Neo4jServerError(
            f"neo4j-admin set-initial-password did not finish within {_ADMIN_TIMEOUT:.0f}s"
        ) from None
    finally:
        argfile.unlink(missing_ok=True)
    if done.returncode != 0:
        output = redact((done.stderr or done.stdout).strip(), password)
        raise Neo4jServerError(
            f"neo4j-admin set-initial-password failed in {paths.home}: {output[-400:]}"
        )
