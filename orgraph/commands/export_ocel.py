"""`orgraph export-ocel`: the graph as an OCEL 2.0 object-centric event log (JSON or SQLite)."""

from __future__ import annotations

import argparse
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.store import open_store
from orgraph.queries.ocel import FORMATS, ocel_format, ocel_log, write_ocel


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export-ocel",
        help="write an OCEL 2.0 object-centric event log (.json or .sqlite)",
        description="Objects: takes, roles, the patient, instruments, devices, furniture and "
        "anatomy of each take; events: one per interaction interval, typed by relation, "
        "related to its subject, object and take (qualifiers 'subject', 'object', 'take'). "
        "The flat event log stays: `orgraph export-eventlog`.",
    )
    p.add_argument("out", type=Path, help="output file, e.g. orgraph.ocel.json or log.sqlite")
    p.add_argument("--format", choices=FORMATS, help="default: from the file suffix")
    add_store_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ocel_format(args.out, args.format)  # a bad name fails before the store is read
    with open_store(settings_from_args(args), read_only=True) as store:
        log = ocel_log(store)
    write_ocel(log, args.out, args.format)
    print(f"wrote {len(log['events'])} events and {len(log['objects'])} objects to {args.out}")
    return 0
