"""`orgraph inspect`: read EgoExOR HDF5 files and print what they hold (no graph store)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from orgraph.loader.inspect import format_summary, summarize
from orgraph.loader.reader import EgoExOR


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the inspect subcommand."""
    p = subparsers.add_parser(
        "inspect",
        help="summarise EgoExOR HDF5 files: takes, frames, triplets, names, splits",
        description=(
            "Read one merged EgoExOR file, or per-procedure files plus --splits, and print "
            "takes, frame and triplet counts, relation/subject/object counts and frames per "
            "split. Raw spellings are mapped to the canonical vocabulary. Never reads images."
        ),
    )
    p.add_argument("h5", nargs="+", type=Path, metavar="H5", help="EgoExOR HDF5 file(s)")
    p.add_argument(
        "--splits",
        type=Path,
        default=None,
        metavar="FILE",
        help="splits.h5 for per-procedure files (a merged file has its own /splits)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--lenient",
        action="store_true",
        help="skip and count triplets with unknown raw names instead of failing",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Summarise the files; errors (OrgraphError) are reported by the dispatcher."""
    with EgoExOR(args.h5, splits=args.splits, lenient=args.lenient) as reader:
        summary = summarize(
            reader,
            progress=lambda it: tqdm(
                it,
                total=len(reader.takes),
                desc="reading takes",
                unit="take",
                file=sys.stderr,
                disable=None,
            ),
        )
        report = reader.unknown_report()
        problems = [p for take in reader.takes for p in reader.take_problems(take)]
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(format_summary(summary))
    if report.skipped:
        print(f"warning: {report}", file=sys.stderr)
    for problem in problems:  # the same check refuses these takes in `orgraph load`
        print(f"warning: {problem} (`orgraph load` refuses this take)", file=sys.stderr)
    return 0
