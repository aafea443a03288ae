"""Every command with JSON output writes JSON only to stdout; messages go to stderr.

The commands are found from the parser itself (a `--json` flag, or `--format` with a json
choice), so a new command with JSON output fails here until it is covered.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orgraph.cli import build_parser
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.dashboard.runs import evaluations, unreadable_evaluations
from orgraph.gnn.store_read import read_split_truth
from orgraph.gnn.stored_runs import stored_run_names
from tests.gnn.predictions_files import noisy, write_file

FILE_FORMAT_COMMANDS = {"export-ocel"}
"""Commands whose `--format json` picks the format of the file they write, not stdout."""


def json_commands() -> set[str]:
    """Commands (and sub-commands) that can print JSON, as 'name' or 'name sub'."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{prefix} {name}".strip())
            elif "--json" in action.option_strings or (
                "--format" in action.option_strings and "json" in (action.choices or ())
            ):
                found.add(prefix)

    walk(build_parser(), "")
    return found


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orgraph.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture
def world(db_copy: Settings, tiny_synth, tiny_run: Path, tmp_path: Path) -> dict:
    """A tiny store, its HDF5 file, a trained run and a predictions file."""
    with open_store(db_copy) as store:
        truth = read_split_truth(store, "test")
    key = sorted(truth)[0]
    return {
        "db": str(db_copy.db),
        "h5": str(tiny_synth.files[0]),
        "run": str(tiny_run),
        "take": f"{key[0]}/{key[1]}/{key[2]}",
        "frame": str(key[3]),
        "preds": str(write_file(noisy(truth), tmp_path / "preds.json")),
        "out": str(tmp_path / "media"),
    }


def test_every_json_output_is_json_only(world: dict) -> None:
    env = {**os.environ, "ORGRAPH_DB": world["db"], "ORGRAPH_BACKEND": "embedded"}
    commands = {
        "inspect": ["inspect", world["h5"], "--json"],
        "stats": ["stats", "--json"],
        "queries": ["queries", "--json"],
        "query": ["query", "relation_frequencies", "--format", "json"],
        "cypher": ["cypher", "MATCH (t:Take) RETURN t.key AS take", "--format", "json"],
        "find": ["find", "?a holding ?x", "--format", "json", "--limit", "5"],
        "media": [
            "media",
            world["take"],
            "--frame",
            world["frame"],
            "--out",
            world["out"],
            "--json",
        ],
        "import-predictions": ["import-predictions", world["preds"], "--run", "outside", "--json"],
        "errors": ["errors", "outside", "--format", "json", "--limit", "5"],
        "evaluate": [
            "evaluate",
            world["run"],
            "--json",
            "--write-back",
            "--no-write-back-baselines",
        ],
    }
    extra = [
        ["evaluate", "--predictions", world["preds"], "--json"],
        ["evaluate", "--run", "outside", "--json"],
    ]
    discovered = json_commands() - FILE_FORMAT_COMMANDS
    assert discovered <= set(commands) | {c.split()[0] for c in commands}, (
        f"commands with JSON output not covered here: {sorted(discovered - set(commands))}"
    )
    for argv in [*commands.values(), *extra]:
        done = run(argv, env)
        assert done.returncode == 0, (argv, done.stderr[-2000:])
        try:
            json.loads(done.stdout)
        except ValueError as exc:
            pytest.fail(
                f"`orgraph {' '.join(argv)}` stdout is not JSON ({exc}): {done.stdout[:300]!r}"
            )
    name = Path(world["run"]).name
    with open_store(Settings(db=Path(world["db"]))) as store:
        assert f"{name}:mlp" not in stored_run_names(store)  # skipped when asked
    written = run(["evaluate", world["run"], "--json", "--write-back"], env)
    assert "wrote" in written.stderr and "prediction intervals" in written.stderr
    # the README's `orgraph evaluate RUN --write-back --json > RUN/evaluation.json`
    (Path(world["run"]) / "evaluation.json").write_text(written.stdout)
    saved = evaluations(Path(world["run"]))
    assert set(saved["evaluation.json"]) == {"gnn", "mlp", "prior"}
    assert unreadable_evaluations(Path(world["run"])) == {}
    with open_store(Settings(db=Path(world["db"]))) as store:
        names = stored_run_names(store)
    assert {name, f"{name}:mlp", f"{name}:prior", "outside"} <= set(names)
