"""Helpers of the dashboard tests (tests/dashboard) that other test folders use too: the
tiny generated dataset, loading it, and a trained run written back to the store.

The run is trained, evaluated and written back with the real gnn code, so the Model page
and the frame viewer's prediction comparison read what `orgraph train/evaluate` make.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.load import LoadOptions, load

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


TAKE = "MISS/2/1"


SLOW = (
    "MATCH (a:Frame), (b:Frame), (c:Frame), (d:Frame) "
    "WHERE a.idx * b.idx - c.idx * d.idx = -7 RETURN count(*) AS n"
)
