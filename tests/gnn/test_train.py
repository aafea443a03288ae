"""Training writes a complete run directory, resumes, and runs under torchrun with 2 processes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from orgraph.core.errors import ConfigError
from orgraph.gnn.run_files import load_models
from orgraph.gnn.run_layout import CHECKPOINT, METRICS, MODELS
from orgraph.gnn.train import train
from tests.support.gnn import small_config


def _metrics(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / METRICS).read_text().splitlines()]


def test_short_run_writes_its_directory(tiny_run: Path) -> None:
    for name in ("config.json", METRICS, CHECKPOINT, MODELS, "MODEL_CARD.md"):
        assert (tiny_run / name).is_file(), name
    rows = _metrics(tiny_run)
    assert [r["epoch"] for r in rows] == [0, 1, 2]
    assert all(0.0 <= r["val_f1_gnn"] <= 1.0 for r in rows)
    models = load_models(tiny_run)
    assert set(models) >= {"gnn", "mlp", "prior", "config", "fingerprint"}
    assert "not EgoExOR benchmark results" in (tiny_run / "MODEL_CARD.md").read_text()


def test_resume_continues_and_refuses_to_overwrite(tiny_export: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    train(small_config(tiny_export, epochs=1), run, progress=False)
    with pytest.raises(ConfigError):
        train(small_config(tiny_export, epochs=1), run, progress=False)
    train(small_config(tiny_export, epochs=2), run, resume=True, progress=False)
    assert [r["epoch"] for r in _metrics(run)] == [0, 1]
    assert torch.load(run / CHECKPOINT, weights_only=False)["epoch"] == 1


def test_log_gets_one_plain_line_per_epoch(
    tiny_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not on a terminal, progress is a short line per finished epoch, never a redrawn bar."""
    train(small_config(tiny_export, epochs=2), tmp_path / "run", progress=True)
    lines = capsys.readouterr().err.splitlines()
    rows = _metrics(tmp_path / "run")
    assert len(lines) == len(rows) + 1, lines
    for i, (line, row) in enumerate(zip(lines[:-1], rows, strict=True)):
        assert line.startswith(f"training: {i + 1}/2 epoch (epoch {row['epoch']}: "), line
        assert f"loss gnn {row['loss_gnn']:.4f} mlp {row['loss_mlp']:.4f}" in line
        assert f"val F1 gnn {row['val_f1_gnn']:.3f} mlp {row['val_f1_mlp']:.3f}" in line
        assert line.endswith(f", {row['seconds']:.1f} s)"), line
    assert lines[-1].startswith("training: 2/2 epoch in ") and lines[-1].endswith(" s")


def test_seeded_runs_are_reproducible(tiny_export: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    train(small_config(tiny_export, epochs=1), a, progress=False)
    train(small_config(tiny_export, epochs=1), b, progress=False)
    ma, mb = load_models(a)["gnn"], load_models(b)["gnn"]
    assert all(torch.equal(ma[k], mb[k]) for k in ma)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(600)
def test_distributed_two_processes(tiny_export: Path, tmp_path: Path) -> None:
    data = tmp_path / "export"
    shutil.copytree(tiny_export / "raw", data / "raw")
    run = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_port",
        str(_free_port()),
        "-m",
        "orgraph.cli",
        "train",
        "--data",
        str(data),
        "--out",
        str(run),
        "--epochs",
        "1",
        "--hidden",
        "16",
        "--quiet",
    ]
    done = subprocess.run(
        cmd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    config = json.loads((run / "config.json").read_text())
    assert config["world_size"] == 2
    assert (run / MODELS).is_file()
    assert len(_metrics(run)) == 1
