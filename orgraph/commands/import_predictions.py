"""`orgraph import-predictions`: store an outside model's predictions as a prediction run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.store import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-predictions",
        help="store a predictions file (any model) as a prediction run in the graph",
        description="Reads the JSON forms `orgraph evaluate --predictions` reads (triplet "
        "lists, or the official `<SG> subject,object,relation; ... </SG>` text) and stores "
        "them like `orgraph evaluate --write-back`, so the run appears on the Model page and "
        "in the frame viewer. Importing the same NAME again replaces that run.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="a predictions JSON file")
    p.add_argument("--run", required=True, metavar="NAME", help="name of the stored run")
    p.add_argument(
        "--lenient", action="store_true", help="drop and count triplets with unknown names"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_store_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orgraph.gnn.stored_runs import import_predictions

    with open_store(settings_from_args(args), read_only=False) as store:
        frames, intervals = import_predictions(store, args.file, args.run, args.lenient)
    result = {"run": args.run, "file": str(args.file), "frames": frames, "intervals": intervals}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"stored {frames} predicted frames ({intervals} intervals) as run {args.run!r}")
    print(f"score it with `orgraph evaluate --run {args.run}`", file=sys.stderr)
    return 0
