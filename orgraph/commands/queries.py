"""`orgraph queries` lists the query catalog; `orgraph query NAME` runs one query.

Parameters come as repeated --param key=value and are typed by the catalog, so a
bad name, key or value is one clear error line and a non-zero exit.
"""

from __future__ import annotations

import argparse

from orgraph.commands._output import FORMATS, print_result
from orgraph.commands._store_args import add_store_args, settings_from_args
from orgraph.core.store import open_store
from orgraph.queries.catalog import CATALOG, CatalogQuery, get_query, run_query
from orgraph.queries.catalog.registry import QueryError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queries",
        help="list the catalog of named workflow-mining queries",
        description="List every catalog query with its scope, description and parameters.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_list)

    q = sub.add_parser(
        "query",
        help="run one catalog query",
        description="Run one catalog query (see `orgraph queries`) on the graph store.",
    )
    q.add_argument("name", help="query name, e.g. directly_follows")
    q.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a query parameter (repeatable), e.g. --param role=head_surgeon",
    )
    q.add_argument("--format", choices=FORMATS, default="table", help="output format")
    q.add_argument("--limit", type=int, help="row limit (default ORGRAPH_ROW_LIMIT or 10000)")
    q.add_argument("--timeout", type=float, help="timeout in seconds (default 30)")
    add_store_args(q)
    q.set_defaults(func=run_one)


def describe(query: CatalogQuery) -> list[str]:
    """The lines that document one query: name, scope, description, parameters, columns."""
    lines = [f"{query.name}  [{query.scope}]", f"    {query.description}"]
    for p in query.params:
        kind = p.type.__name__
        if p.required:
            default = "required"
        else:
            default = "default: any" if p.default is None else f"default: {p.default}"
        choices = f"; one of {', '.join(map(str, p.choices))}" if p.choices else ""
        lines.append(f"    --param {p.name}=<{kind}>  ({default}{choices})  {p.help}")
    if query.columns:
        lines.append(f"    columns: {', '.join(query.columns)}")
    return lines


def catalog_records() -> list[dict[str, object]]:
    """The catalog as plain records, for JSON."""
    return [
        {
            "name": q.name,
            "scope": q.scope,
            "description": q.description,
            "params": [
                {
                    "name": p.name,
                    "type": p.type.__name__,
                    "default": p.default,
                    "required": p.required,
                    "choices": list(p.choices) if p.choices else None,
                    "help": p.help,
                }
                for p in q.params
            ],
            "columns": list(q.columns),
        }
        for q in sorted(CATALOG.values(), key=lambda q: q.name)
    ]


def run_list(args: argparse.Namespace) -> int:
    if args.json:
        import json

        print(json.dumps(catalog_records(), indent=2))
        return 0
    for query in sorted(CATALOG.values(), key=lambda q: q.name):
        print("\n".join(describe(query)))
    return 0


def parse_params(items: list[str]) -> dict[str, str]:
    """KEY=VALUE strings as a dict; QueryError for anything else."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param expects KEY=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


def run_one(args: argparse.Namespace) -> int:
    query = get_query(args.name)
    params = query.bind(parse_params(args.param))
    settings = settings_from_args(args).with_overrides(
        row_limit=args.limit, query_timeout=args.timeout
    )
    with open_store(settings) as store:
        df = run_query(
            store,
            query.name,
            params,
            timeout=settings.query_timeout,
            row_limit=settings.row_limit,
        )
    print_result(df, args.format, settings.row_limit)
    return 0
