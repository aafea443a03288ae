"""Entry point of the `orgraph` command: dispatch to the command modules.

Each module in orgraph.commands has `register(subparsers)`, which adds its
parser and sets `func` to a callable taking the parsed args and returning an
exit code. User errors (OrgraphError) are printed as one line, never a traceback;
so is a missing optional extra. A command module that fails to import is a bug: the
command line stops with its traceback and a last line naming the module.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from orgraph.core.errors import OrgraphError
from orgraph.core.extras import extra_of_module, install_hint

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
    "export_ocel",
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


class BrokenCommandModule(Exception):
    """A module of orgraph.commands raised while being imported."""

    def __init__(self, module: str, cause: BaseException) -> None:
        super().__init__(f"{module} failed to import: {type(cause).__name__}: {cause}")
        self.module = module


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command module; BrokenCommandModule when one is broken."""
    parser = argparse.ArgumentParser(
        prog="orgraph",
        description="Query and analyse EgoExOR operating-room scene graphs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        qualified = f"orgraph.commands.{name}"
        try:
            module = importlib.import_module(qualified)
        except Exception as exc:
            raise BrokenCommandModule(qualified, exc) from exc
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    try:
        parser = build_parser()
    except BrokenCommandModule as exc:
        traceback.print_exception(exc.__cause__, file=sys.stderr)
        print(f"error: the command line is broken: {exc}", file=sys.stderr)
        return 1
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except OrgraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:  # an extra's module, imported deep inside a command
        extra = extra_of_module(exc.name)
        if extra is None:
            raise
        print(f"error: {install_hint(args.command, extra)} (missing: {exc.name})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
