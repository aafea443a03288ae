"""Options shared by every command that opens the graph store."""

from __future__ import annotations

import argparse

from orgraph.core.settings import BACKENDS, Settings, load_settings


def add_store_args(parser: argparse.ArgumentParser) -> None:
    """--backend, --db and --uri; the password only ever comes from env or config."""
    group = parser.add_argument_group("graph store (defaults from env / orgraph.toml)")
    group.add_argument("--backend", choices=BACKENDS, help="embedded (default) or neo4j")
    group.add_argument("--db", help="embedded database directory (ORGRAPH_DB)")
    group.add_argument(
        "--uri",
        help="Neo4j URI, bolt:// or neo4j:// (NEO4J_URI), without user or password: "
        "those come from NEO4J_USER / NEO4J_PASSWORD",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings with the command-line overrides applied."""
    return load_settings(backend=args.backend, db=args.db, neo4j_uri=args.uri)
