"""`orgraph load`: EgoExOR HDF5 files into the graph store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.store import open_store
from orgraph.loader.load import LoadOptions, load


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load",
        help="load EgoExOR HDF5 files into the graph store",
        description="Load takes as a temporal graph. Idempotent and atomic per take: "
        "reloading replaces a take, and a rerun completes an interrupted load.",
    )
    p.add_argument(
        "files", nargs="+", type=Path, metavar="H5", help="merged or per-procedure files"
    )
    p.add_argument("--splits", type=Path, help="splits.h5 (when the files are not merged)")
    add_store_args(p)
    p.add_argument("--batch-size", type=int, default=5000, help="rows per UNWIND batch (Neo4j)")
    p.add_argument(
        "--gap-tolerance",
        type=int,
        default=0,
        help="unannotated frames that may bridge an interaction interval (default 0)",
    )
    p.add_argument("--lenient", action="store_true", help="skip and count unknown raw names")
    p.add_argument("--force", action="store_true", help="reload takes even if unchanged")
    p.add_argument("--workers", type=int, help="reader processes (default: up to 2)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.batch_size <= 0 or args.gap_tolerance < 0:
        print("error: --batch-size must be > 0 and --gap-tolerance >= 0", file=sys.stderr)
        return 2
    settings = settings_from_args(args)
    opts = LoadOptions(tuple(args.files), args.splits, args.lenient, args.gap_tolerance)
    try:
        with open_store(settings, read_only=False, batch_size=args.batch_size) as store:
            report = load(
                store, opts, force=args.force, workers=args.workers, progress=not args.quiet
            )
    except KeyboardInterrupt:  # the store was closed first: every stored take is whole
        print(
            "interrupted: takes written so far are complete, the others as they were; "
            "rerun the same `orgraph load` to finish",
            file=sys.stderr,
        )
        return 130
    where = settings.where()
    print(
        f"loaded {len(report.loaded)} takes ({report.triplets} triplets) into "
        f"{settings.backend} at {where}; {len(report.skipped)} unchanged takes skipped"
    )
    if report.unknown:
        total = sum(report.unknown.values())
        names = ", ".join(f"{k} ({v})" for k, v in sorted(report.unknown.items()))
        print(f"lenient: skipped {total} triplets with unknown names: {names}")
    return 0
