"""`pip install .` without extras, in a fresh virtual environment: one import name, no
PyTorch, Streamlit or PM4Py, and a tiny dataset generates, loads and queries from the CLI.

It installs from the package index, at the versions of constraints.txt (about a minute).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ABSENT = ("torch", "torch_geometric", "streamlit", "pm4py")

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 300) -> str:
    """Run `cmd`; its stdout, or a failure showing its stderr."""
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr}"
    return done.stdout


def clean_env(venv: Path) -> dict[str, str]:
    """This environment without the test venv's traces, with the fresh venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORGRAPH_", "NEO4J_"))}
    env.pop("PYTHONPATH", None)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def top_level_names(site: Path) -> set[str]:
    """What the orgraph distribution put at the top of site-packages (from its RECORD)."""
    (info,) = site.glob("orgraph-*.dist-info")
    names = set()
    for line in (info / "RECORD").read_text().splitlines():
        path = line.split(",", 1)[0]
        if path and not path.startswith(".."):  # ../../bin/orgraph is the console script
            names.add(path.split("/", 1)[0])
    return names


SKIP_COPY = (".venv", ".lock-venv", ".git", "build", "data", "runs", "*.egg-info", "__pycache__")


@pytest.fixture(scope="module")
def base_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with `pip install .` (no extras) in it, built from a clean copy of the
    sources (an in-tree build would reuse a stale build/ directory)."""
    work = tmp_path_factory.mktemp("base")
    src = work / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(*SKIP_COPY))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, "-c", str(src / "constraints.txt"), str(src)], work, clean_env(venv), timeout=540)
    return venv


def test_base_install_adds_one_import_name_and_no_heavy_extras(base_venv: Path) -> None:
    (site,) = (base_venv / "lib").glob("python3*/site-packages")
    names = top_level_names(site)
    (info,) = [n for n in names if n.endswith(".dist-info")]
    assert names == {"orgraph", info}, sorted(names)
    probe = (
        "import importlib.util, json; print(json.dumps("
        f"{{m: importlib.util.find_spec(m) is not None for m in {ABSENT!r}}}))"
    )
    found = json.loads(
        run([str(base_venv / "bin" / "python"), "-c", probe], site, clean_env(base_venv))
    )
    assert not any(found.values()), f"installed without being asked for: {found}"


def test_base_install_generates_loads_and_queries(base_venv: Path, tmp_path: Path) -> None:
    env = clean_env(base_venv)
    orgraph = str(base_venv / "bin" / "orgraph")
    assert "COMMAND" in run([orgraph, "--help"], tmp_path, env)
    run([orgraph, "synth", "h5", "--scale", "tiny", "--no-rgb", "--quiet"], tmp_path, env)
    files = sorted(str(p) for p in (tmp_path / "h5").glob("*.h5") if p.name != "splits.h5")
    assert files, "synth wrote no take files"
    run([orgraph, "load", *files, "--splits", "h5/splits.h5", "--db", "db"], tmp_path, env)
    out = run(
        [orgraph, "query", "dataset_overview", "--db", "db", "--format", "json"], tmp_path, env
    )
    rows = json.loads(out)
    assert rows and rows[0]["takes"] > 0, rows


def test_base_install_names_the_extra_a_command_needs(base_venv: Path, tmp_path: Path) -> None:
    env = clean_env(base_venv)
    orgraph = str(base_venv / "bin" / "orgraph")
    for command, extra in (("train", "gnn"), ("export", "gnn"), ("dashboard", "dashboard")):
        args = [orgraph, command] + (["out"] if command == "export" else [])
        done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
        lines = done.stderr.strip().splitlines()
        assert done.returncode in (1, 2), done
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"error: orgraph {command} needs the {extra} extra: "), lines
        assert f"pip install 'orgraph[{extra}]'" in lines[0]
