"""Train the scene-graph GNN and its baselines on an export: seeded, checkpointed, resumable.

Each epoch trains the GNN and the MLP baseline side by side; the history a pair sees is
the model's own prediction for that pair in the previous frame from the previous epoch
(with dropout and noise), never the truth. Under torchrun the graphs are sharded over
processes with DistributedDataParallel (gloo on CPU) and rank 0 writes the run directory.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from orgraph.core.errors import ConfigError, DataFormatError
from orgraph.core.progress import Progress
from orgraph.core.settings import load_settings
from orgraph.gnn.baselines import FrequencyPrior
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.ddp import Ddp
from orgraph.gnn.evaluation import evaluate
from orgraph.gnn.export import read_manifest
from orgraph.gnn.graphs import N_LABELS
from orgraph.gnn.inference import history_features, predict_prior, predict_probs, to_triplets
from orgraph.gnn.network import SceneGraphNet, class_weights
from orgraph.gnn.packed import PackedSplit
from orgraph.gnn.run_files import (
    append_metrics,
    atomic_save,
    truncate_metrics,
    write_card,
    write_config,
)
from orgraph.gnn.run_layout import CHECKPOINT, MODELS
from orgraph.gnn.train_config import TrainConfig

MODEL_NAMES = ("gnn", "mlp")


def build_model(cfg: TrainConfig | dict, name: str) -> SceneGraphNet:
    """The GNN or (name 'mlp') the same network without message passing.

    The MLP baseline keeps the wide pair head (2 x hidden): narrowing it costs it accuracy,
    and a baseline must not be weakened to flatter the GNN; only the GNN is sized for speed.
    """
    c = cfg if isinstance(cfg, dict) else asdict(cfg)
    gnn = name == "gnn"
    return SceneGraphNet(
        c["hidden"],
        c["layers"],
        c["heads"],
        gnn,
        c["dropout"],
        c.get("head_hidden") if gnn else None,
    )


def load_net(models: dict, name: str) -> SceneGraphNet:
    """A trained network of a run's models.pt, or DataFormatError for an older model layout."""
    net = build_model(models["config"], name)
    try:
        net.load_state_dict(models[name])
    except RuntimeError as exc:
        raise DataFormatError(
            f"the run's {name} was saved with another model layout (older ORGraph?); "
            "retrain it with `orgraph train`"
        ) from exc
    return net


def truth_of(packed: PackedSplit) -> dict:
    """Validation truth from the exported labels (same first-triplet rule as the store)."""
    return to_triplets(packed, packed.y)


def score(packed: PackedSplit, labels: torch.Tensor, truth: dict) -> float:
    """Macro F1 under the official protocol (entities in play from the predictions)."""
    f1 = evaluate(truth, to_triplets(packed, labels), entities="predicted").macro_f1
    return float(f1 or 0.0)


def _noisy_history(
    hist: torch.Tensor, p_drop: float, noise: float, gen: torch.Generator
) -> torch.Tensor:
    """History dropout (whole pairs) and mixing with random distributions, against over-trust."""
    n = hist.shape[0]
    keep = (torch.rand(n, generator=gen) >= p_drop).float().unsqueeze(1)
    hist = hist * keep
    if noise > 0:
        rnd = torch.rand(n, N_LABELS, generator=gen)
        rnd = rnd / rnd.sum(1, keepdim=True)
        probs = (1 - noise) * hist[:, :N_LABELS] + noise * rnd * hist[:, N_LABELS:]
        hist = torch.cat([probs, hist[:, N_LABELS:]], 1)
    return hist


class _Trainer:
    """One model's optimiser, loss and own-prediction cache over the training split."""

    def __init__(self, name: str, cfg: TrainConfig, train: PackedSplit, ddp: Ddp) -> None:
        torch.manual_seed(cfg.seed)
        self.name = name
        self.net = build_model(cfg, name)
        self.ddp = ddp
        self.model: nn.Module = ddp.wrap(self.net)
        self.opt = torch.optim.AdamW(
            self.net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay
        )
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, cfg.epochs)
        self.loss = nn.CrossEntropyLoss(weight=class_weights(train.y))
        self.cache: torch.Tensor | None = None
        self.best_f1 = -1.0
        self.best_state = {k: v.clone() for k, v in self.net.state_dict().items()}

    def state(self) -> dict:
        """Everything a checkpoint needs to resume this model."""
        return {
            "net": self.net.state_dict(),
            "opt": self.opt.state_dict(),
            "sched": self.sched.state_dict(),
            "cache": self.cache,
            "best_f1": self.best_f1,
            "best_state": self.best_state,
        }

    def restore(self, s: dict) -> None:
        """Continue from a checkpoint's state()."""
        self.net.load_state_dict(s["net"])
        self.opt.load_state_dict(s["opt"])
        self.sched.load_state_dict(s["sched"])
        self.cache, self.best_f1, self.best_state = s["cache"], s["best_f1"], s["best_state"]

    def validate(self, val: PackedSplit, truth: dict, passes: int) -> float:
        """Validation macro F1 of the network as it is now; keeps the best weights so far."""
        f1 = score(val, predict_probs(self.net, val, passes).argmax(-1), truth)
        if f1 > self.best_f1:
            self.best_f1 = f1
            self.best_state = {k: v.clone() for k, v in self.net.state_dict().items()}
        return f1

    def epoch(
        self,
        packed: PackedSplit,
        batches: list[torch.Tensor],
        cfg: TrainConfig,
        gen: torch.Generator,
    ) -> float:
        """Train one pass over this rank's batches; returns the mean loss per graph."""
        self.model.train()
        new = torch.zeros(packed.num_pairs, N_LABELS)
        total, count = 0.0, 0
        for chunk in batches:
            b = packed.batch(chunk)
            hist = history_features(self.cache, b.prev_gid)
            hist = _noisy_history(hist, cfg.hist_dropout, cfg.hist_noise, gen)
            logits = self.model(b.x, b.node_class, b.edge_index, hist)
            loss = self.loss(logits, b.y)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            new[b.edge_gid] = torch.softmax(logits.detach(), -1)
            total += float(loss.detach()) * len(chunk)
            count += len(chunk)
        self.ddp.sum_over_ranks(new)  # each pair was filled by exactly one rank
        self.cache = new
        self.sched.step()
        return total / max(count, 1)


@dataclass
class _Data:
    """The export's training and validation splits, packed, with what validation compares to."""

    manifest: dict
    train: PackedSplit
    val: PackedSplit
    val_truth: dict
    prior: FrequencyPrior
    prior_f1: float


def _batches(n: int, cfg: TrainConfig, epoch: int, ddp: Ddp) -> list[torch.Tensor]:
    """This rank's shuffled graph-id batches; every rank gets the same number."""
    g = torch.Generator().manual_seed(cfg.seed * 1000 + epoch)
    return list(ddp.shard(torch.randperm(n, generator=g)).split(cfg.batch_graphs))


def _use_threads() -> None:
    """Torch's CPU threads from Settings (ORGRAPH_THREADS)."""
    torch.set_num_threads(load_settings().threads)


def _claim_run_dir(run: Path, resume: bool) -> None:
    """Create the run directory; ConfigError when it holds a run already and we do not resume."""
    if (run / CHECKPOINT).exists() and not resume:
        raise ConfigError(f"{run} already holds a run; pass --resume or choose another --out")
    run.mkdir(parents=True, exist_ok=True)


def _read_data(cfg: TrainConfig, ddp: Ddp) -> _Data:
    """Both splits of the export and the frequency prior's validation score."""
    manifest = read_manifest(Path(cfg.data))
    with ddp.main_first():  # rank 0 processes the dataset first; the others then only load it
        train_ds = EgoExORSceneGraphs(cfg.data, "train")
        val_ds = EgoExORSceneGraphs(cfg.data, "validation")
    if len(train_ds) == 0 or len(val_ds) == 0:
        raise ConfigError(f"{cfg.data}: the export needs train and validation graphs")
    train_p, val_p = PackedSplit(train_ds), PackedSplit(val_ds)
    prior = FrequencyPrior().fit(train_ds)
    val_truth = truth_of(val_p)
    prior_f1 = score(val_p, predict_prior(prior, val_p), val_truth)
    return _Data(manifest, train_p, val_p, val_truth, prior, prior_f1)


def _resume_from(run: Path, trainers: dict[str, _Trainer], fingerprint: str) -> int:
    """Restore the run's checkpoint into `trainers`; the first epoch still to train."""
    ckpt = torch.load(run / CHECKPOINT, weights_only=False)
    if ckpt["fingerprint"] != fingerprint:
        raise ConfigError(f"{run}: checkpoint was trained on another export; start afresh")
    for name, t in trainers.items():
        t.restore(ckpt[name])
    return ckpt["epoch"] + 1


def _train_epoch(
    epoch: int,
    trainers: dict[str, _Trainer],
    data: _Data,
    cfg: TrainConfig,
    gen: torch.Generator,
    ddp: Ddp,
) -> dict:
    """Train every model one epoch, then validate each; the epoch's metrics row."""
    t0 = time.perf_counter()
    row: dict = {"epoch": epoch, "val_f1_prior": data.prior_f1}
    batches = _batches(len(data.train), cfg, epoch, ddp)
    for name, t in trainers.items():
        row[f"loss_{name}"] = t.epoch(data.train, batches, cfg, gen)
    train_seconds = time.perf_counter() - t0
    for name, t in trainers.items():
        row[f"val_f1_{name}"] = t.validate(data.val, data.val_truth, cfg.passes)
    frames = sum(len(c) for c in batches)
    row["train_frames_per_s"] = frames * ddp.world * len(trainers) / train_seconds
    row["seconds"] = time.perf_counter() - t0
    return row


def epoch_summary(row: dict) -> str:
    """One plain line about a finished epoch: loss, validation F1 and time."""
    return (
        f"epoch {row['epoch']}: loss gnn {row['loss_gnn']:.4f} mlp {row['loss_mlp']:.4f}, "
        f"val F1 gnn {row['val_f1_gnn']:.3f} mlp {row['val_f1_mlp']:.3f}, "
        f"{row['seconds']:.1f} s"
    )


def _save_epoch(run: Path, row: dict, data: _Data, trainers: dict[str, _Trainer]) -> None:
    """Append the epoch's metrics and replace the checkpoint."""
    append_metrics(run, row)
    state = {n: t.state() for n, t in trainers.items()}
    atomic_save(
        {"epoch": row["epoch"], "fingerprint": data.manifest["fingerprint"], **state},
        run / CHECKPOINT,
    )


def _save_models(
    run: Path, cfg: TrainConfig, data: _Data, trainers: dict[str, _Trainer], best: dict
) -> None:
    """The run's final models.pt (each model's best weights, the prior) and MODEL_CARD.md."""
    atomic_save(
        {
            "config": asdict(cfg),
            "fingerprint": data.manifest["fingerprint"],
            "gnn": trainers["gnn"].best_state,
            "mlp": trainers["mlp"].best_state,
            "prior": data.prior.state_dict(),
            "val_f1": best,
        },
        run / MODELS,
    )
    write_card(run, cfg, data.manifest, best)


def train(cfg: TrainConfig, run: Path, *, resume: bool = False, progress: bool = True) -> dict:
    """Train in `run`; returns the best validation macro F1 of each model and the prior.

    Progress counts epochs: a bar on a terminal, else one line per finished epoch
    (epoch_summary); only rank 0 shows it and writes the run directory.
    """
    cfg.check()
    _use_threads()
    ddp = Ddp.start()
    cfg.world_size = ddp.world
    run = Path(run)
    if ddp.is_main:
        _claim_run_dir(run, resume)
    data = _read_data(cfg, ddp)
    trainers = {name: _Trainer(name, cfg, data.train, ddp) for name in MODEL_NAMES}
    fingerprint = data.manifest["fingerprint"]
    resuming = resume and (run / CHECKPOINT).exists()
    start = _resume_from(run, trainers, fingerprint) if resuming else 0
    if ddp.is_main:
        write_config(run, cfg, {"fingerprint": fingerprint})
        truncate_metrics(run, start)
    gen = torch.Generator().manual_seed(cfg.seed + 17 * ddp.rank)
    with Progress(cfg.epochs - start, "training", "epoch", enabled=progress and ddp.is_main) as bar:
        for epoch in range(start, cfg.epochs):
            row = _train_epoch(epoch, trainers, data, cfg, gen, ddp)
            bar.update(1, epoch_summary(row))
            if ddp.is_main:
                _save_epoch(run, row, data, trainers)
    best = {"gnn": trainers["gnn"].best_f1, "mlp": trainers["mlp"].best_f1, "prior": data.prior_f1}
    if ddp.is_main:
        _save_models(run, cfg, data, trainers, best)
    ddp.finish()
    return best
