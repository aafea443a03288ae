"""`orgraph cypher`: run one read-only Cypher query and print its rows."""

from __future__ import annotations

import argparse

from orgraph.commands._output import FORMATS, print_result
from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.store import open_store
from orgraph.queries.console import parse_params, run_console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cypher",
        help="run a read-only Cypher query (writes and admin commands are refused)",
        description="Run one read-only Cypher query against the graph store. Values go "
        "in with --param key=value (JSON when valid, else text) and are used as $key; "
        "every $key the query uses must be given. Only read clauses are accepted, the "
        "text is size-bounded, and the query is stopped after --timeout seconds.",
    )
    p.add_argument("query", help='the Cypher text, e.g. "MATCH (t:Take) RETURN t.key"')
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a query parameter, repeatable; the value is JSON when valid, else a string",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--limit", type=int, help="most rows to return (default: ORGRAPH_ROW_LIMIT)")
    p.add_argument(
        "--timeout",
        type=float,
        help="seconds before the query is stopped, by the engine and by the client "
        "(ORGRAPH_QUERY_TIMEOUT)",
    )
    add_store_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params = parse_params(args.param)
    settings = settings_from_args(args).with_overrides(
        row_limit=args.limit, query_timeout=args.timeout
    )
    with open_store(settings, read_only=True) as store:
        df = run_console(
            store, args.query, params, timeout=settings.query_timeout, row_limit=settings.row_limit
        )
    print_result(df, args.format, settings.row_limit)
    return 0
