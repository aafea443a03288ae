"""The dashboard reads training runs without importing torch, through gnn.run_layout's names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["orgraph.dashboard.runs", "orgraph.gnn.run_layout"])
def test_import_does_not_import_torch(module: str) -> None:
    code = f"import sys, {module}\nprint('torch' in sys.modules, 'torch_geometric' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"], f"{module} imported torch"


def test_dashboard_finds_a_run_by_the_trainers_file_names(tmp_path: Path) -> None:
    from orgraph.dashboard import runs
    from orgraph.gnn import run_layout

    run = tmp_path / "runs" / "a"
    run.mkdir(parents=True)
    (run / run_layout.CONFIG).write_text(json.dumps({"epochs": 2}))
    (run / run_layout.METRICS).write_text(json.dumps({"epoch": 0, "val_f1_gnn": 0.5}) + "\n")
    (run / run_layout.CARD).write_text("# card\n")
    assert runs.find_runs(tmp_path / "runs") == [run]
    assert runs.config(run) == {"epochs": 2}
    assert list(runs.metrics(run)["epoch"]) == [0]
    assert runs.card(run) == "# card\n"
    published = runs.headline({})
    assert list(published["overall macro F1"]) == [v for _, v in run_layout.PUBLISHED]
