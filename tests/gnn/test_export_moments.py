"""`orgraph export --moments FILE`: only the moment set's frames, splits kept, trainable in PyG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch_geometric.loader import DataLoader

from orgraph.cli import main
from orgraph.core.errors import DataFormatError
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.export import export, read_manifest
from orgraph.queries import moments as moment_files
from orgraph.queries.patterns import find

PATTERN = "?a holding * for >= 5f"


@pytest.fixture(scope="module")
def moment_file(tiny_db: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("moments") / "holding.json"
    with open_store(tiny_db) as store:
        result = find(store, PATTERN)
    assert result.total > 0
    moment_files.save(moment_files.new_set(PATTERN, result.moments, {}, 0), path)
    return path


@pytest.fixture(scope="module")
def subset_export(
    tiny_db: Settings, moment_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("subset_export")
    with open_store(tiny_db) as store:
        export(store, out, progress=False, moments=moment_file)
    return out


def _expected_frames(tiny_db: Settings, moment_file: Path) -> dict[tuple[str, int], str]:
    """(take, frame) -> split of every annotated frame with triplets inside a moment."""
    ranges = moment_files.load(moment_file).ranges()
    with open_store(tiny_db) as store:
        df = store.query(
            "MATCH (f:Frame) WHERE f.annotated = true AND f.triplets > 0 "
            "RETURN f.take AS take, f.idx AS idx, f.split AS split"
        )
    return {
        (t, int(i)): s
        for t, i, s in zip(df["take"], df["idx"], df["split"], strict=True)
        if any(a <= i <= b for a, b in ranges.get(t, []))
    }


def test_subset_holds_exactly_the_moment_frames_with_their_splits(
    tiny_db: Settings, moment_file: Path, subset_export: Path
) -> None:
    expected = _expected_frames(tiny_db, moment_file)
    got: dict[tuple[str, int], str] = {}
    for split in ("train", "validation", "test"):
        for g in EgoExORSceneGraphs(subset_export, split):
            got[(f"{g.surgery_type}/{int(g.procedure_id)}/{int(g.take_id)}", int(g.frame))] = split
    assert got == expected and len(got) > 0
    with open_store(tiny_db) as store:
        all_frames = store.query("MATCH (f:Frame) WHERE f.triplets > 0 RETURN count(f) AS n")
    assert len(got) < int(all_frames["n"].iloc[0])  # a real subset


def test_manifest_records_the_pattern_and_the_file(subset_export: Path, moment_file: Path) -> None:
    manifest = read_manifest(subset_export)
    assert manifest["moments"]["pattern"] == PATTERN
    assert manifest["moments"]["file"] == str(moment_file.resolve())
    assert manifest["moments"]["moments"] == len(moment_files.load(moment_file).moments)
    assert set(manifest["takes"]) == set(moment_files.load(moment_file).ranges())


def test_plain_pyg_loads_and_trains_a_step_on_the_subset(subset_export: Path) -> None:
    split = max(
        ("train", "validation", "test"), key=lambda s: len(EgoExORSceneGraphs(subset_export, s))
    )
    data = EgoExORSceneGraphs(subset_export, split)
    batch = next(iter(DataLoader(data, batch_size=16, shuffle=True)))
    torch.manual_seed(0)
    embed = torch.nn.Linear(batch.x.size(1), 16)
    head = torch.nn.Linear(32, 23)
    params = [*embed.parameters(), *head.parameters()]
    opt = torch.optim.SGD(params, lr=0.1)
    before = [p.detach().clone() for p in params]
    h = torch.relu(embed(batch.x))
    logits = head(torch.cat([h[batch.edge_index[0]], h[batch.edge_index[1]]], dim=1))
    loss = torch.nn.functional.cross_entropy(logits, batch.y)
    loss.backward()
    opt.step()
    assert torch.isfinite(loss)
    assert any(not torch.equal(a, b) for a, b in zip(before, params, strict=True))


def test_cli_export_moments_and_a_foreign_moment_set(
    tiny_db: Settings, moment_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli_export"
    argv = ["export", str(out), "--moments", str(moment_file), "--db", str(tiny_db.db), "--quiet"]
    assert main(argv) == 0
    assert "subset: frames of the moments in" in capsys.readouterr().out
    assert read_manifest(out)["moments"]["pattern"] == PATTERN
    foreign = tmp_path / "foreign.json"
    data = json.loads(moment_file.read_text())
    data["moments"][0]["take"] = "MISS/7/7"
    foreign.write_text(json.dumps(data))
    with open_store(tiny_db) as store, pytest.raises(DataFormatError, match="MISS/7/7"):
        export(store, tmp_path / "foreign_export", progress=False, moments=foreign)
