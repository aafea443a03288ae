"""The graph-learning part of `orgraph demo`: export, a short training run, evaluation, write-back.

Everything lands under one work directory (export/, runs/<name>/); the run is named after
the graph's fingerprint, so a rerun on an unchanged graph resumes the finished run instead
of training again, and a changed graph gets a run of its own.
"""

from __future__ import annotations

from pathlib import Path

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.evaluate_run import compare, format_comparison
from orgraph.gnn.export import export, read_manifest
from orgraph.gnn.run_layout import CHECKPOINT
from orgraph.gnn.train import train
from orgraph.gnn.train_config import TrainConfig
from orgraph.gnn.writeback import write_predictions

DEMO_EPOCHS = 8
"""About a minute of training (GNN and MLP) on the `small` demo data on 2 cores."""


def demo_config(data: Path, epochs: int) -> TrainConfig:
    """The defaults, with batches small enough that even a tiny export gets ~50 steps an epoch."""
    graphs = read_manifest(data)["splits"]["train"]["graphs"]
    return TrainConfig(data=str(data), epochs=epochs, batch_graphs=max(4, min(64, graphs // 50)))


def train_and_evaluate(
    settings: Settings, work_dir: Path, epochs: int = DEMO_EPOCHS, progress: bool = True
) -> str:
    """Export, train, score on the test split next to the baselines, write the GNN back.

    Returns the evaluation table (published numbers and the generated-data note included)
    followed by a line on what was written back.
    """
    work_dir = Path(work_dir)
    data = work_dir / "export"
    with open_store(settings) as store:
        report = export(store, data, progress=progress)
    name = f"demo-{report.fingerprint}"
    run = work_dir / "runs" / name
    train(demo_config(data, epochs), run, resume=(run / CHECKPOINT).exists(), progress=progress)
    with open_store(settings) as store:
        reports, preds = compare(store, run, "test", data=data)
    with open_store(settings, read_only=False) as store:
        n = write_predictions(
            store, name, preds["gnn"], f"GNN predictions on split 'test' from {run}"
        )
    return (
        format_comparison(reports, "test")
        + f"\n\nWrote {n} GNN prediction intervals back to the graph as run {name!r}."
    )
