"""GNN fixtures: one tiny generated dataset, loaded into a real LadybugDB, exported, trained."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from tests.support.gnn import small_config
from tests.support.stores import load_generated

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_synth(tmp_path_factory: pytest.TempPathFactory):
    """Tiny generated EgoExOR files with small RGB frames (the generator's truth included)."""
    from orgraph.loader.synth import generate

    out = tmp_path_factory.mktemp("gnn_tiny")
    return generate(out, scale="tiny", seed=5, merged=True, rgb=(24, 32), progress=False)


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory, tiny_synth) -> Settings:
    """The tiny dataset loaded into a real embedded store (do not modify: copy it first)."""
    settings = Settings(backend="embedded", db=tmp_path_factory.mktemp("gnn_db") / "db")
    load_generated(settings, tiny_synth)
    return settings


@pytest.fixture
def db_copy(tiny_db: Settings, tmp_path: Path) -> Settings:
    """A private copy of the tiny store that a test may change."""
    shutil.copytree(tiny_db.db, tmp_path / "db")
    return Settings(backend="embedded", db=tmp_path / "db")


@pytest.fixture(scope="session")
def tiny_export(tmp_path_factory: pytest.TempPathFactory, tiny_db: Settings) -> Path:
    """The tiny store exported once (read-only for tests)."""
    from orgraph.gnn.export import export

    out = tmp_path_factory.mktemp("gnn_export")
    with open_store(tiny_db) as store:
        export(store, out, progress=False)
    return out


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory, tiny_export: Path) -> Path:
    """A short training run on the tiny export."""
    from orgraph.gnn.train import train

    run = tmp_path_factory.mktemp("gnn_run") / "run"
    train(small_config(tiny_export, epochs=3), run, progress=False)
    return run
