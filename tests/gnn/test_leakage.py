"""No leakage: a test take's predictions do not depend on its ground-truth relations."""

from __future__ import annotations

from pathlib import Path

import torch

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.evaluate_run import run_predictions
from orgraph.gnn.export import export, read_manifest


def test_altering_test_relations_leaves_predictions_unchanged(
    db_copy: Settings, tiny_run: Path, tiny_export: Path, tmp_path: Path
) -> None:
    take = read_manifest(tiny_export)["splits"]["test"]["takes"][0]
    with open_store(db_copy, read_only=False) as store:
        # every relation of the take becomes another one; subjects and objects stay
        store.write(
            "MATCH (i:Interaction) WHERE i.take = $t AND i.relation <> 'holding' "
            "SET i.relation = 'holding'",
            {"t": take},
        )
    altered = tmp_path / "altered"
    with open_store(db_copy) as store:
        report = export(store, altered, progress=False)
    assert report.written  # the change was seen
    before = EgoExORSceneGraphs(tiny_export, "test")
    after = EgoExORSceneGraphs(altered, "test")
    assert not torch.equal(before._data.y, after._data.y)  # the truth did change
    assert torch.equal(before._data.node_class, after._data.node_class)
    original = run_predictions(tiny_run, "test", tiny_export)
    changed = run_predictions(tiny_run, "test", altered)
    for name in ("gnn", "mlp", "prior"):
        assert changed[name] == original[name], name
    assert sum(len(v) for v in original["gnn"].values()) > 0
