"""Dashboard fixtures: a tiny generated dataset in a real LadybugDB, with a trained run.

The run is trained, evaluated and written back with the real gnn code, so the Model page
and the frame viewer's prediction comparison read what `orgraph train/evaluate` make.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.load import LoadOptions, load
from tests.support.browser import serve

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
RUN_NAME = "gnn"


@dataclass(frozen=True)
class Loaded:
    """The generated files, the store they were loaded into, and the runs directory."""

    files: tuple[Path, ...]
    splits: Path
    settings: Settings
    runs: Path


def generate_tiny(out: Path, seed: int = 3):
    """Tiny per-procedure files with small RGB frames."""
    from orgraph.loader.synth import generate

    return generate(out, scale="tiny", seed=seed, merged=False, rgb=(48, 64), progress=False)


def load_into(settings: Settings, synth) -> None:
    """Load generated files into a store with the real loader."""
    with open_store(settings, read_only=False) as store:
        load(store, LoadOptions(tuple(synth.files), synth.splits), progress=False, workers=1)


def train_and_write_back(settings: Settings, work: Path) -> Path:
    """Export, train briefly, save the evaluation JSON and store the GNN's predictions."""
    import torch

    from orgraph.gnn.evaluate_run import compare
    from orgraph.gnn.export import export
    from orgraph.gnn.train import train
    from orgraph.gnn.train_config import TrainConfig
    from orgraph.gnn.writeback import write_predictions

    torch.set_num_threads(1)
    with open_store(settings) as store:
        export(store, work / "export", progress=False)
    run = work / "runs" / RUN_NAME
    cfg = TrainConfig(data=str(work / "export"), epochs=4, hidden=16, heads=2, batch_graphs=32)
    train(cfg, run, progress=False)
    with open_store(settings) as store:
        reports, preds = compare(store, run, "test")
    (run / "evaluation.json").write_text(json.dumps({k: r.to_dict() for k, r in reports.items()}))
    with open_store(settings, read_only=False) as store:
        assert write_predictions(store, RUN_NAME, preds["gnn"], "dashboard test") > 0
    return work / "runs"


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
