"""`orgraph load` and `orgraph export` into a pipe (as in `make demo > log`): short plain
lines, one per take, never a redrawn progress bar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MAX_LINE = 300


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line in a child process whose stdout and stderr are pipes."""
    return subprocess.run(
        [sys.executable, "-m", "orgraph.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def check_log(done: subprocess.CompletedProcess[str], steps: list[str], takes: list[str]) -> None:
    """Exit 0, no carriage return, no long line, and a line naming each take in each step."""
    assert done.returncode == 0, done.stderr
    text = done.stdout + done.stderr
    assert "\r" not in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= MAX_LINE, max(lines, key=len)[:400]
    for step in steps:
        mine = [line for line in lines if line.startswith(f"{step}: ")]
        for take in takes:
            assert any(f"({take})" in line for line in mine), (step, take, mine)
        assert any(line.endswith(" s") and " in " in line for line in mine), mine


def test_load_and_export_write_a_line_per_take_into_a_pipe(tiny_synth, tmp_path: Path) -> None:
    files = [str(f) for f in tiny_synth.files]
    takes = sorted({t.key for t in tiny_synth.takes})
    load = run_cli(["load", *files, "--db", "db", "--workers", "1"], tmp_path)
    check_log(load, ["reading", "writing"], takes)
    export = run_cli(["export", "out", "--db", "db"], tmp_path)
    check_log(export, ["exporting"], takes)
    quiet = run_cli(["export", "out2", "--db", "db", "--quiet"], tmp_path)
    assert quiet.returncode == 0 and "exporting:" not in quiet.stderr, quiet.stderr


def test_synth_and_inspect_write_short_lines_into_a_pipe(tmp_path: Path) -> None:
    synth = run_cli(["synth", "h5", "--scale", "tiny", "--no-rgb", "--merged"], tmp_path)
    assert synth.returncode == 0, synth.stderr
    assert "\r" not in synth.stderr
    assert [line for line in synth.stderr.splitlines() if line.startswith("synth: ")], synth.stderr
    inspect = run_cli(["inspect", *[str(p) for p in (tmp_path / "h5").glob("*.h5")]], tmp_path)
    assert inspect.returncode == 0, inspect.stderr
    lines = inspect.stdout.splitlines()
    assert any(line.startswith("relations (") for line in lines), lines
    assert max(len(line) for line in lines) <= 120, max(lines, key=len)
