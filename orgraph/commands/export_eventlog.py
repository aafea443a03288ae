"""`orgraph export-eventlog`: the graph's interactions as an event log for process mining."""

from __future__ import annotations

import argparse
from pathlib import Path

from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.store import open_store
from orgraph.queries.eventlog import CASE_KINDS, EPOCH, FORMATS, event_log, write_event_log


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export-eventlog",
        help="write an event log (CSV or Parquet) that PM4Py and other mining tools read",
        description="One event per role interaction: case = take, activity = 'relation "
        f"object', resource = role, start/end timestamps = {EPOCH.isoformat()} + seconds "
        "into the take. Columns use PM4Py's names (case:concept:name, concept:name, "
        "org:resource, start_timestamp, time:timestamp).",
    )
    p.add_argument("out", type=Path, help="output file, e.g. eventlog.csv")
    p.add_argument("--format", choices=FORMATS, help="default: from the file suffix, else csv")
    p.add_argument(
        "--case",
        choices=CASE_KINDS,
        default="take",
        help="one case per take (default), or per take and role (the directly_follows traces)",
    )
    add_store_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = args.format or ("parquet" if args.out.suffix.lower() == ".parquet" else "csv")
    with open_store(settings_from_args(args), read_only=True) as store:
        df = event_log(store, case=args.case)
    write_event_log(df, args.out, fmt)
    print(f"wrote {len(df)} events in {df['case:concept:name'].nunique()} cases to {args.out}")
    return 0
