"""Shared fixtures: a real Neo4j server for every test that needs one.

`neo4j_connection` returns (uri, user, password). It uses $NEO4J_URI and
$NEO4J_PASSWORD when set (a server the caller runs), else the project's local
server, which scripts/run-tests.sh starts; if it is not running, it is started
here and stopped at the end of the session.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from orgraph.core import neo4j_server
from orgraph.core.settings import local_neo4j_password

pytest_plugins = ("tests.support.stores", "tests.support.browser")
"""Fixtures every folder shares: a fresh store per backend, Chromium and a served dashboard."""


def in_ci() -> bool:
    """Whether we run under CI, where missing tools must fail rather than skip."""
    return os.environ.get("CI", "").lower() == "true"


def require_java_and_maven() -> None:
    """Skip (or, under CI=true, fail) when Java or Maven is missing."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if os.environ.get("JAVA_HOME") and "java" in missing:
        missing.remove("java")
    if missing:
        reason = f"{' and '.join(missing)} not on PATH: the local Neo4j server cannot run"
        if in_ci():
            pytest.fail(f"{reason} (CI=true: Neo4j tests must not be skipped)")
        pytest.skip(reason)


@pytest.fixture
def java_and_maven() -> None:
    """Skip (or fail under CI=true) a test that needs Java and Maven when either is missing."""
    require_java_and_maven()


@pytest.fixture(scope="session")
def local_neo4j() -> Iterator[tuple[str, str, str]]:
    """The project's own local server: started here if not running, then stopped here."""
    require_java_and_maven()
    started = not neo4j_server.status()["running"]
    if started:
        neo4j_server.start()
    try:
        yield neo4j_server.connection()
    finally:
        if started:
            neo4j_server.stop()


@pytest.fixture(scope="session")
def neo4j_connection(request: pytest.FixtureRequest) -> tuple[str, str, str]:
    """(uri, user, password) of a running Neo4j: $NEO4J_URI's, else the local server."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        password = os.environ.get("NEO4J_PASSWORD") or local_neo4j_password()
        if not password:
            pytest.fail(f"NEO4J_URI={uri} is set but NEO4J_PASSWORD is not")
        return uri, os.environ.get("NEO4J_USER", "neo4j"), password
    return request.getfixturevalue("local_neo4j")
