"""Helpers of the GNN tests (tests/gnn) that test modules import: a fast training set-up."""

from __future__ import annotations

from pathlib import Path


def small_config(data: Path, epochs: int = 2):
    """A fast training configuration for tests."""
    from orgraph.gnn.train_config import TrainConfig

    return TrainConfig(data=str(data), epochs=epochs, hidden=16, heads=2, batch_graphs=8)
