"""Store fixtures: the same tests run on the embedded engine and on a real Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Secret, Settings
from core.store import GraphStore, open_store


def make_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a fresh, empty store of the given backend."""
    if backend == "embedded":
        return Settings(backend="embedded", db=tmp_path / "db")
    uri, user, password = request.getfixturevalue("neo4j_connection")
    return Settings(
        backend="neo4j", neo4j_uri=uri, neo4j_user=user, neo4j_password=Secret(password)
    )


def wipe(settings: Settings) -> None:
    """Empty a Neo4j database between tests (the embedded one is a new directory)."""
    if settings.backend == "neo4j":
        with open_store(settings, read_only=False) as store:
            store.write("MATCH (n) DETACH DELETE n")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    settings = make_settings(request.param, request, tmp_path)
    wipe(settings)
    yield settings


@pytest.fixture
def writable_store(store_settings: Settings) -> Iterator[GraphStore]:
    with open_store(store_settings, read_only=False) as store:
        store.ensure_schema()
        yield store
