"""`orgraph export OUT_DIR`: the graph store as a PyG dataset of per-frame scene graphs."""

from __future__ import annotations

import argparse
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.extras import require_extra
from orgraph.core.store import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export the graph to a PyTorch Geometric dataset (one graph per annotated frame)",
        description="Read annotations from the graph store and media through each frame's "
        "HDF5 pointers; write one chunk per take and a manifest. Resumable: unchanged takes "
        "are skipped, changed ones rebuilt.",
    )
    p.add_argument("out", type=Path, metavar="OUT_DIR", help="export directory")
    add_store_args(p)
    p.add_argument("--force", action="store_true", help="rebuild every take")
    p.add_argument(
        "--moments",
        type=Path,
        metavar="FILE",
        help="export only the frames of this moment set (`orgraph find ... --save FILE`); "
        "each frame keeps its take's split",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_extra("export", "gnn")
    from orgraph.gnn.export import export

    with open_store(settings_from_args(args)) as store:
        report = export(
            store, args.out, progress=not args.quiet, force=args.force, moments=args.moments
        )
    sizes = ", ".join(f"{k} {v}" for k, v in report.graphs.items())
    print(
        f"exported {len(report.written)} takes ({len(report.skipped)} unchanged skipped) to "
        f"{args.out} in {report.seconds:.1f}s; graphs: {sizes}; fingerprint {report.fingerprint}"
    )
    if args.moments is not None:
        print(f"subset: frames of the moments in {args.moments}")
    return 0
