"""Export is resumable per take and invalidated when the graph changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.export import CHUNK_DIR, MANIFEST, chunk_name, export, read_manifest


def test_rerun_skips_unchanged_and_resumes_missing_chunks(
    tiny_db: Settings, tiny_export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    shutil.copytree(tiny_export / "raw", out / "raw")
    manifest = read_manifest(out)
    victim = manifest["splits"]["test"]["takes"][0]
    (out / "raw" / CHUNK_DIR / chunk_name(victim)).unlink()  # as if interrupted
    (out / "raw" / MANIFEST).unlink()
    with open_store(tiny_db) as store:
        report = export(store, out, progress=False)
    assert report.written == [victim]
    assert len(report.skipped) == len(manifest["takes"]) - 1
    assert read_manifest(out)["fingerprint"] == manifest["fingerprint"]
    a, b = EgoExORSceneGraphs(tiny_export, "test"), EgoExORSceneGraphs(out, "test")
    assert len(a) == len(b) and torch.equal(a._data.y, b._data.y)


def test_changed_graph_rebuilds_the_take_and_the_dataset(
    db_copy: Settings, tiny_export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    shutil.copytree(tiny_export / "raw", out / "raw")
    before = read_manifest(out)
    old = EgoExORSceneGraphs(out, "test")
    take = before["splits"]["test"]["takes"][0]
    with open_store(db_copy, read_only=False) as store:
        store.write(
            "MATCH (i:Interaction) WHERE i.take = $t AND i.relation = 'closeto' "
            "SET i.relation = 'touching'",
            {"t": take},
        )
    with open_store(db_copy) as store:
        report = export(store, out, progress=False)
    assert report.written == [take]
    after = read_manifest(out)
    assert after["fingerprint"] != before["fingerprint"]
    new = EgoExORSceneGraphs(out, "test")
    assert new.processed_paths[0] != old.processed_paths[0]
    assert not torch.equal(new._data.y, old._data.y)
    assert sorted(p.name for p in Path(new.processed_dir).glob("test-*.pt")) == [
        Path(new.processed_paths[0]).name
    ]
