"""Entry point of the `orgraph` command: dispatch to the command modules.

Each module in orgraph.commands has `register(subparsers)`, which adds its
parser and sets `func` to a callable taking the parsed args and returning an
exit code. User errors (OrgraphError) are printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from orgraph.core.errors import OrgraphError

COMMAND_MODULES: tuple[str, ...] = (
    "synth",
    "inspect",
    "neo4j",
    "load",
    "stats",
    "queries",
    "cypher",
    "find",
    "export_eventlog",
    "export",
    "train",
    "evaluate",
    "errors",
    "import_predictions",
    "dashboard",
    "demo",
    "media",
    "clip",
    "rerun",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command module that is present."""
    parser = argparse.ArgumentParser(
        prog="orgraph",
        description="Query and analyse EgoExOR operating-room scene graphs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"orgraph.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"orgraph.commands.{name}":
                continue  # not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except OrgraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
