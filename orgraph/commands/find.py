"""`orgraph find "PATTERN"`: the moments where a situation holds (docs/patterns.md).

Prints a table, CSV, or one JSON object (pattern, count, cypher, moments); `--save FILE`
writes a moment set that `orgraph export --moments FILE` and the dashboard read.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from orgraph.commands._output import FORMATS, render
from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.errors import OrgraphError
from orgraph.core.store import open_store
from orgraph.queries import moments as moment_files
from orgraph.queries.patterns import Filters, FindResult, find

EXAMPLES = """examples:
  orgraph find "head_surgeon holding scalpel & assistant looking microscope_screen"
  orgraph find "?a holding ?x then ?b holding ?x within 2s" --surgery-type MISS
  orgraph find "anesthetist * * & !anesthetist closeto patient for > 10s" --format json
  orgraph find "head_surgeon holding needle for >= 1s" --split train --save needle.json
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "find",
        help="find the moments where a scene-graph pattern holds",
        description="Search the scene graph for a situation: triplets joined by & (same\n"
        "frames), negated with !, a length with `for >= 3s`, a sequence with\n"
        "`A then B within 2s`. Names may be canonical or raw file spellings, * for any,\n"
        "?x for a variable. See docs/patterns.md for the language and the moment rule.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("pattern", help="the pattern, quoted")
    p.add_argument(
        "--take", action="append", default=[], metavar="T", help="only this take (repeatable)"
    )
    p.add_argument("--surgery-type", metavar="S", help="only MISS or Ultrasound takes")
    p.add_argument("--split", metavar="S", help="only takes of this split (train/validation/test)")
    p.add_argument(
        "--gap-tolerance",
        type=int,
        metavar="N",
        help="bridge up to N unannotated frames inside a moment (default: as loaded, normally 0)",
    )
    p.add_argument("--limit", type=int, metavar="N", help="show (and save) the first N moments")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format")
    p.add_argument(
        "--show-cypher", action="store_true", help="print the Cypher run (and its parameters)"
    )
    p.add_argument("--save", metavar="FILE", help="write the moments as a moment-set JSON file")
    add_store_args(p)
    p.set_defaults(func=run)


def _table(moments: pd.DataFrame, steps: int) -> pd.DataFrame:
    """Moments with bindings as one column per variable and, for `then`, the steps."""
    out = moments.drop(columns=["bindings", "steps"]).copy()
    out["start_time"] = out["start_time"].round(3)
    out["end_time"] = out["end_time"].round(3)
    names = sorted({k for b in moments["bindings"] for k in b})
    for name in names:
        out[f"?{name}"] = [b.get(name, "") for b in moments["bindings"]]
    if steps > 1:
        out["steps"] = [" ".join(f"{a}-{b}" for a, b in s) for s in moments["steps"]]
    return out


def _json(result: FindResult, limit: int | None) -> str:
    payload = {
        "pattern": result.pattern,
        "count": result.total,
        "shown": len(result.moments),
        "limit": limit,
        "filters": result.filters.as_dict(),
        "gap_tolerance": result.gap_tolerance,
        "cypher": result.cypher,
        "params": result.params,
        "moments": moment_files.records(result.moments),
    }
    return json.dumps(payload, indent=2)


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise OrgraphError(f"--limit must be 0 or more, got {args.limit}")
    filters = Filters(tuple(args.take), args.surgery_type, args.split)
    with open_store(settings_from_args(args)) as store:
        result = find(store, args.pattern, filters, args.gap_tolerance, args.limit)
    if args.show_cypher:
        for text, params in result.statements:
            print(f"{text};\n// params: {json.dumps(params)}\n", file=sys.stderr)
    steps = (
        result.pattern.count(" then ") + 1
        if result.moments.empty
        else max(len(s) for s in result.moments["steps"])
    )
    if args.format == "json":
        print(_json(result, args.limit))
    elif result.moments.empty:
        print(f"no moments match {result.pattern!r}", file=sys.stderr)
        if args.format == "csv":
            print(",".join(c for c in result.moments.columns if c not in ("bindings", "steps")))
    else:
        print(render(_table(result.moments, steps), args.format))
    takes = result.takes_matched
    shown = f" (showing {len(result.moments)})" if len(result.moments) < result.total else ""
    print(f"{result.total} moments{shown} in {takes} takes", file=sys.stderr)
    if args.save:
        moment_set = moment_files.new_set(
            result.pattern, result.moments, result.filters.as_dict(), result.gap_tolerance
        )
        moment_files.save(moment_set, args.save)
        print(f"saved {len(moment_set.moments)} moments to {args.save}", file=sys.stderr)
    return 0
