"""Optional extras: the CLI works without them and names the one a command needs; a broken
command module is a loud error; PM4Py is a test tool only."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import orgraph.commands  # noqa: F401 (puts the package in sys.modules)
from orgraph.cli import COMMAND_MODULES, main

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("core", "loader", "queries", "gnn", "dashboard", "orgraph")

BLOCKED = ("torch", "torch_geometric", "streamlit", "plotly", "PIL", "imageio_ffmpeg", "rerun")
WITHOUT_EXTRAS = textwrap.dedent(
    f"""
    import sys

    for name in {BLOCKED!r}:  # as if not installed: import fails, find_spec says None
        sys.modules[name] = None
    from orgraph.cli import main

    sys.exit(main(sys.argv[1:]))
    """
)


def without_extras(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`orgraph ARGS` in a child process that cannot import any optional extra."""
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_and_every_command_parser_work_without_extras(tmp_path: Path) -> None:
    done = without_extras("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in COMMAND_MODULES:
        assert name.replace("_", "-") in done.stdout, name


@pytest.mark.parametrize(
    ("argv", "extra"),
    [
        (["train"], "gnn"),
        (["export", "out"], "gnn"),
        (["evaluate", "--predictions", "p.json"], "gnn"),
        (["dashboard"], "dashboard"),
        (["demo", "--no-serve"], "gnn"),
        (["media", "MISS/1/1", "--frame", "3"], "media"),
        (["clip", "MISS/1/1", "--from", "1", "--to", "3", "o.mp4"], "media"),
        (["rerun", "MISS/1/1", "--save", "o.rrd"], "media"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(argv: list[str], extra: str, tmp_path: Path) -> None:
    done = without_extras(*argv, cwd=tmp_path)
    assert done.returncode in (1, 2)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: orgraph {argv[0]} needs ")
    if extra != "media":  # the media commands name the package too (loader/optional_deps.py)
        assert lines[0].startswith(f"error: orgraph {argv[0]} needs the {extra} extra: ")
    assert f"pip install 'orgraph[{extra}]'" in lines[0]
    assert not list(tmp_path.iterdir()), "nothing is written before the check"


def test_a_command_module_that_fails_to_import_is_a_loud_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken_cmd.py").write_text("import orgraph.no_such_module\n")
    # the package the import system uses (a test that re-imports the commands afresh may
    # leave `orgraph.commands` the attribute naming another module object than sys.modules)
    commands = sys.modules["orgraph.commands"]
    monkeypatch.setattr(commands, "__path__", [*commands.__path__, str(tmp_path)])
    monkeypatch.setattr("orgraph.cli.COMMAND_MODULES", (*COMMAND_MODULES, "broken_cmd"))
    assert main(["stats"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.strip().splitlines()[-1] == (
        "error: the command line is broken: orgraph.commands.broken_cmd failed to import: "
        "ModuleNotFoundError: No module named 'orgraph.no_such_module'"
    )
    sys.modules.pop("orgraph.commands.broken_cmd", None)


def test_a_command_module_that_is_missing_is_not_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("orgraph.cli.COMMAND_MODULES", (*COMMAND_MODULES, "not_written"))
    assert main(["stats"]) == 1
    assert "orgraph.commands.not_written failed to import" in capsys.readouterr().err


def test_no_runtime_module_imports_pm4py() -> None:
    found = []
    for part in RUNTIME:
        for path in (ROOT / part).rglob("*.py"):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                words = line.split()
                if len(words) > 1 and words[0] in ("import", "from") and "pm4py" in words[1]:
                    found.append(f"{path.relative_to(ROOT)}:{n}")
    assert not found, found
