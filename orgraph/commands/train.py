"""`orgraph train`: train the scene-graph GNN and its baselines on an export (CPU, or torchrun)."""

from __future__ import annotations

import argparse
from pathlib import Path

from orgraph.core.extras import require_extra


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train the scene-graph GNN (plus MLP and frequency-prior baselines)",
        description="Seeded and resumable; writes config.json, metrics.jsonl, checkpoints, "
        "models.pt and MODEL_CARD.md to the run directory. Under `torchrun --nproc_per_node N "
        "-m orgraph.cli train ...` it trains with DistributedDataParallel (gloo).",
    )
    p.add_argument("--data", type=Path, default=Path("data/export"), help="export directory")
    p.add_argument("--out", type=Path, default=Path("runs/gnn"), help="run directory")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-graphs", type=int, default=64, help="frame graphs per batch")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--hidden", type=int, default=96)
    p.add_argument("--resume", action="store_true", help="continue from the run's checkpoint")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_extra("train", "gnn")
    from orgraph.gnn.train import train
    from orgraph.gnn.train_config import TrainConfig

    cfg = TrainConfig(
        data=str(args.data),
        epochs=args.epochs,
        seed=args.seed,
        batch_graphs=args.batch_graphs,
        lr=args.lr,
        hidden=args.hidden,
    )
    best = train(cfg, args.out, resume=args.resume, progress=not args.quiet)
    print(
        f"run {args.out}: best validation macro F1 gnn {best['gnn']:.4f}, "
        f"mlp {best['mlp']:.4f}, frequency prior {best['prior']:.4f}"
    )
    return 0
