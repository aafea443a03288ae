"""Dashboard fixtures: a tiny generated dataset in a real LadybugDB, with a trained run
(the helpers that build them are in tests/support/dashboard.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from tests.support.browser import serve
from tests.support.dashboard import (
    RUN_NAME,
    Loaded,
    generate_tiny,
    load_into,
    train_and_write_back,
)


@pytest.fixture(scope="session")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The tiny dataset loaded into an embedded store, plus a trained, written-back run."""
    work = tmp_path_factory.mktemp("dashboard")
    synth = generate_tiny(work / "h5")
    settings = Settings(backend="embedded", db=work / "db")
    load_into(settings, synth)
    runs = train_and_write_back(settings, work)
    return Loaded(tuple(synth.files), synth.splits, settings, runs)


@pytest.fixture(scope="session")
def small_h5(tmp_path_factory: pytest.TempPathFactory):
    """The `small` scale (10 takes, 5,861 frames) with RGB, generated once per session."""
    from orgraph.loader.synth import generate

    return generate(
        tmp_path_factory.mktemp("small") / "h5", scale="small", seed=0, merged=False, progress=False
    )


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


@pytest.fixture
def copy(loaded: Loaded, tmp_path: Path) -> Loaded:
    """A private copy of the store and the runs directory, which a test may change."""
    shutil.copytree(loaded.settings.db, tmp_path / "db")
    shutil.copytree(loaded.runs, tmp_path / "runs")
    settings = Settings(backend="embedded", db=tmp_path / "db")
    return Loaded(loaded.files, loaded.splits, settings, tmp_path / "runs")


@pytest.fixture
def saved(loaded: Loaded) -> dict:
    return json.loads((loaded.runs / RUN_NAME / "evaluation.json").read_text())
