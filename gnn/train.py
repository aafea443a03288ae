"""Train the scene-graph GNN and its baselines on an export: seeded, checkpointed, resumable.

Each epoch trains the GNN and the MLP baseline side by side; the history a pair sees is
the model's own prediction for that pair in the previous frame from the previous epoch
(with dropout and noise), never the truth. Under torchrun the graphs are sharded over
processes with DistributedDataParallel (gloo on CPU) and rank 0 writes the run directory.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from orgraph.core.errors import ConfigError, DataFormatError
from orgraph.core.settings import load_settings
from orgraph.gnn.baselines import FrequencyPrior
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.evaluation import evaluate
from orgraph.gnn.export import read_manifest
from orgraph.gnn.graphs import N_LABELS
from orgraph.gnn.inference import history_features, predict_prior, predict_probs, to_triplets
from orgraph.gnn.network import SceneGraphNet, class_weights
from orgraph.gnn.packed import PackedSplit
from orgraph.gnn.run_files import (
    CHECKPOINT,
    MODELS,
    TrainConfig,
    append_metrics,
    atomic_save,
    truncate_metrics,
    write_card,
    write_config,
)

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


def _dist() -> tuple[int, int]:
    """(rank, world size); starts the gloo process group under torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("gloo")
    return (dist.get_rank() if world > 1 else 0), world


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

    def __init__(self, name: str, cfg: TrainConfig, train: PackedSplit, world: int) -> None:
        torch.manual_seed(cfg.seed)
        self.name = name
        self.net = build_model(cfg, name)
        self.model: nn.Module = DistributedDataParallel(self.net) if world > 1 else self.net
        self.opt = torch.optim.AdamW(
            self.net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay
        )
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, cfg.epochs)
        self.loss = nn.CrossEntropyLoss(weight=class_weights(train.y))
        self.cache: torch.Tensor | None = None
        self.best_f1 = -1.0
        self.best_state = {k: v.clone() for k, v in self.net.state_dict().items()}

    def state(self) -> dict:
        return {
            "net": self.net.state_dict(),
            "opt": self.opt.state_dict(),
            "sched": self.sched.state_dict(),
            "cache": self.cache,
            "best_f1": self.best_f1,
            "best_state": self.best_state,
        }

    def restore(self, s: dict) -> None:
        self.net.load_state_dict(s["net"])
        self.opt.load_state_dict(s["opt"])
        self.sched.load_state_dict(s["sched"])
        self.cache, self.best_f1, self.best_state = s["cache"], s["best_f1"], s["best_state"]

    def epoch(
        self,
        packed: PackedSplit,
        batches: list[torch.Tensor],
        cfg: TrainConfig,
        gen: torch.Generator,
        world: int,
        bar: tqdm,
    ) -> float:
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
            bar.update(len(chunk))
        if world > 1:
            dist.all_reduce(new)  # each pair was filled by exactly one rank
        self.cache = new
        self.sched.step()
        return total / max(count, 1)


def _batches(n: int, cfg: TrainConfig, epoch: int, rank: int, world: int) -> list[torch.Tensor]:
    """This rank's shuffled graph-id batches; every rank gets the same number."""
    g = torch.Generator().manual_seed(cfg.seed * 1000 + epoch)
    perm = torch.randperm(n, generator=g)
    perm = perm[: n - n % world] if world > 1 else perm
    return list(perm[rank::world].split(cfg.batch_graphs))


def train(cfg: TrainConfig, run: Path, *, resume: bool = False, progress: bool = True) -> dict:
    """Train in `run`; returns the best validation macro F1 of each model and the prior."""
    cfg.check()
    torch.set_num_threads(load_settings().threads)  # ORGRAPH_THREADS
    rank, world = _dist()
    cfg.world_size = world
    run = Path(run)
    ckpt_path = run / CHECKPOINT
    if rank == 0:
        if ckpt_path.exists() and not resume:
            raise ConfigError(f"{run} already holds a run; pass --resume or choose another --out")
        run.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(Path(cfg.data))
    if world > 1 and rank != 0:
        dist.barrier()  # rank 0 processes the dataset first; the others then only load it
    train_ds = EgoExORSceneGraphs(cfg.data, "train")
    val_ds = EgoExORSceneGraphs(cfg.data, "validation")
    if world > 1 and rank == 0:
        dist.barrier()
    if len(train_ds) == 0 or len(val_ds) == 0:
        raise ConfigError(f"{cfg.data}: the export needs train and validation graphs")
    train_p, val_p = PackedSplit(train_ds), PackedSplit(val_ds)
    prior = FrequencyPrior().fit(train_ds)
    val_truth = truth_of(val_p)
    prior_f1 = score(val_p, predict_prior(prior, val_p), val_truth)
    trainers = {name: _Trainer(name, cfg, train_p, world) for name in MODEL_NAMES}
    start = 0
    if resume and ckpt_path.exists():
        ckpt = torch.load(ckpt_path, weights_only=False)
        if ckpt["fingerprint"] != manifest["fingerprint"]:
            raise ConfigError(f"{run}: checkpoint was trained on another export; start afresh")
        for name, t in trainers.items():
            t.restore(ckpt[name])
        start = ckpt["epoch"] + 1
    if rank == 0:
        write_config(run, cfg, {"fingerprint": manifest["fingerprint"]})
        truncate_metrics(run, start)
    gen = torch.Generator().manual_seed(cfg.seed + 17 * rank)
    per_epoch = sum(len(c) for c in _batches(len(train_p), cfg, 0, rank, world))
    bar = tqdm(
        total=(cfg.epochs - start) * per_epoch * len(trainers),
        desc="training",
        unit="frame",
        disable=not progress or rank != 0,
        file=sys.stderr,
    )
    try:
        for epoch in range(start, cfg.epochs):
            t0 = time.perf_counter()
            row: dict = {"epoch": epoch, "val_f1_prior": prior_f1}
            batches = _batches(len(train_p), cfg, epoch, rank, world)
            for name, t in trainers.items():
                row[f"loss_{name}"] = t.epoch(train_p, batches, cfg, gen, world, bar)
            train_seconds = time.perf_counter() - t0
            for name, t in trainers.items():
                probs = predict_probs(t.net, val_p, cfg.passes)
                f1 = score(val_p, probs.argmax(-1), val_truth)
                row[f"val_f1_{name}"] = f1
                if f1 > t.best_f1:
                    t.best_f1 = f1
                    t.best_state = {k: v.clone() for k, v in t.net.state_dict().items()}
            row["train_frames_per_s"] = per_epoch * world * len(trainers) / train_seconds
            row["seconds"] = time.perf_counter() - t0
            bar.set_postfix_str(f"val F1 gnn {row['val_f1_gnn']:.3f} mlp {row['val_f1_mlp']:.3f}")
            if rank == 0:
                append_metrics(run, row)
                atomic_save(
                    {
                        "epoch": epoch,
                        "fingerprint": manifest["fingerprint"],
                        **{n: t.state() for n, t in trainers.items()},
                    },
                    ckpt_path,
                )
    finally:
        bar.close()
    best = {"gnn": trainers["gnn"].best_f1, "mlp": trainers["mlp"].best_f1, "prior": prior_f1}
    if rank == 0:
        atomic_save(
            {
                "config": asdict(cfg),
                "fingerprint": manifest["fingerprint"],
                "gnn": trainers["gnn"].best_state,
                "mlp": trainers["mlp"].best_state,
                "prior": prior.state_dict(),
                "val_f1": best,
            },
            run / MODELS,
        )
        write_card(run, cfg, manifest, best)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return best
