"""Store fixtures shared by every test folder: one fresh store per backend.

Loaded for every test folder through `pytest_plugins` in tests/conftest.py, so a test can
run on the embedded engine and on the real Neo4j server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from orgraph.core.settings import Secret, Settings
from orgraph.core.store import GraphStore, open_store
from orgraph.loader.load import LoadOptions, load

if TYPE_CHECKING:
    from orgraph.loader.synth import SynthResult


def make_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a store of the given backend (Neo4j from the `neo4j_connection` fixture)."""
    if backend == "embedded":
        return Settings(backend="embedded", db=tmp_path / "db")
    uri, user, password = request.getfixturevalue("neo4j_connection")
    return Settings(
        backend="neo4j", neo4j_uri=uri, neo4j_user=user, neo4j_password=Secret(password)
    )


def wipe(settings: Settings) -> None:
    """Empty a Neo4j database (an embedded one is a new directory each time)."""
    if settings.backend == "neo4j":
        with open_store(settings, read_only=False) as store:
            store.write("MATCH (n) DETACH DELETE n")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a fresh, empty store, once per backend."""
    settings = make_settings(request.param, request, tmp_path)
    wipe(settings)
    yield settings


@pytest.fixture
def writable_store(store_settings: Settings) -> Iterator[GraphStore]:
    """A fresh writable store with the schema in place."""
    with open_store(store_settings, read_only=False) as store:
        store.ensure_schema()
        yield store


@pytest.fixture
def neo4j_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of the real Neo4j server, emptied first."""
    settings = make_settings("neo4j", request, tmp_path)
    wipe(settings)
    yield settings


def load_generated(settings: Settings, dataset: SynthResult) -> None:
    """Load a generated dataset (its files and splits) into the store, in this process."""
    with open_store(settings, read_only=False) as store:
        load(store, LoadOptions(tuple(dataset.files), dataset.splits), progress=False, workers=1)
