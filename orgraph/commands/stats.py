"""`orgraph stats`: what the graph store holds, with the keys of `orgraph inspect`."""

from __future__ import annotations

import argparse
import json

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.errors import StoreError
from orgraph.core.store import open_store
from orgraph.queries.stats import graph_summary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="summarise the loaded graph (same numbers and keys as inspect)",
        description="Read the graph store (not HDF5) and print takes, frames, triplets "
        "and counts per relation, subject and object.",
    )
    add_store_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    with open_store(settings) as store:
        summary = graph_summary(store)
    if not summary["takes"]:  # an empty summary would look like a dataset of nothing
        raise StoreError(
            f"nothing is loaded in {settings.where()} yet: "
            f"load it with `orgraph load FILE.h5 {settings.store_args()}`"
        )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        from orgraph.loader.inspect import format_summary

        print(format_summary(summary))
    return 0
