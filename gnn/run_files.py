"""A training run directory: config.json, metrics.jsonl, checkpoints, models and MODEL_CARD.md."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import torch

from orgraph.core.errors import DataFormatError
from orgraph.gnn.run_layout import CARD, CONFIG, METRICS, MODELS
from orgraph.gnn.train_config import TrainConfig


def atomic_save(obj: object, path: Path) -> None:
    """torch.save through a temporary file, so an interruption never leaves half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def write_config(run: Path, cfg: TrainConfig, extra: dict) -> None:
    (run / CONFIG).write_text(json.dumps({**asdict(cfg), **extra}, indent=2))


def read_config(run: Path) -> dict:
    path = Path(run) / CONFIG
    if not path.exists():
        raise DataFormatError(f"{run}: not a training run directory (no {CONFIG})")
    return json.loads(path.read_text())


def append_metrics(run: Path, row: dict) -> None:
    with (run / METRICS).open("a") as f:
        f.write(json.dumps(row) + "\n")


def truncate_metrics(run: Path, epochs_done: int) -> None:
    """Keep only the metric rows of epochs a resumed run already has."""
    path = run / METRICS
    if path.exists():
        rows = [
            ln
            for ln in path.read_text().splitlines()
            if ln and json.loads(ln).get("epoch", 0) < epochs_done
        ]
        path.write_text("".join(r + "\n" for r in rows))


def load_models(run: Path) -> dict:
    """The run's final models (GNN, MLP baseline, frequency prior) and its config."""
    path = Path(run) / MODELS
    if not path.exists():
        raise DataFormatError(f"{run}: no {MODELS}; the run has not finished training")
    return torch.load(path, weights_only=False)


def write_card(run: Path, cfg: TrainConfig, manifest: dict, best: dict) -> None:
    """A short model card: what the model is, the data, the scores, the caveats."""
    splits = manifest["splits"]
    lines = [
        "# ORGraph scene-graph GNN",
        "",
        "Predicate classification on EgoExOR-layout data: for each annotated frame the "
        "entities are given; the model labels every ordered entity pair with one of 22 "
        "relations or none.",
        "",
        "## Model",
        f"- {cfg.layers} TransformerConv layers (hidden {cfg.hidden}, {cfg.heads} heads) over "
        "the frame's entities; edges carry the model's own previous-frame prediction for the "
        "pair (never the truth); pair classifier on subject, object, history and colour-match "
        f"features (pair head width {cfg.head_hidden}; the MLP baseline keeps {2 * cfg.hidden}). "
        "Weighted cross-entropy (inverse sqrt frequency).",
        f"- History dropout {cfg.hist_dropout}, noise {cfg.hist_noise}; inference uses "
        f"{cfg.passes} passes.",
        "- Baselines trained in the same run: frequency prior, and the same network without "
        "message passing (MLP on pair features).",
        "",
        "## Data",
        f"- Export fingerprint `{manifest['fingerprint']}`, backend {manifest['backend']}.",
        *(
            f"- {s}: {v['graphs']} frame graphs from {len(v['takes'])} takes"
            for s, v in splits.items()
        ),
        "",
        "## Validation macro F1 (EgoExOR protocol, entities from predictions)",
        *(f"- {k}: {v:.4f}" for k, v in best.items() if v is not None),
        "",
        "## Caveats",
        "- Scores on generated data are not EgoExOR benchmark results.",
        "- Test-time inputs: entity sets, gaze, depth, hands, RGB colour statistics, frame "
        "position, and the model's own earlier predictions. No test-time relation is read.",
    ]
    (run / CARD).write_text("\n".join(lines) + "\n")
