"""Export: one graph per annotated frame with triplets, labels as in the files, splits, manifest."""

from __future__ import annotations

from pathlib import Path

import torch

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.core.vocabulary import ENTITIES, RELATIONS
from orgraph.gnn.dataset import EgoExORSceneGraphs
from orgraph.gnn.export import read_manifest
from orgraph.gnn.features import N_FEATURES, OFFSETS
from orgraph.gnn.graphs import NONE_LABEL


def _graphs(root: Path) -> list:
    return [g for split in ("train", "validation", "test") for g in EgoExORSceneGraphs(root, split)]


def test_one_graph_per_annotated_frame_with_triplets(tiny_db: Settings, tiny_export: Path) -> None:
    with open_store(tiny_db) as store:
        df = store.query(
            "MATCH (f:Frame) WHERE f.annotated = true AND f.triplets > 0 "
            "RETURN f.split AS split, count(f) AS n"
        )
    expected = dict(zip(df["split"], df["n"], strict=True))
    manifest = read_manifest(tiny_export)
    for split, n in expected.items():
        assert len(EgoExORSceneGraphs(tiny_export, split)) == n
        assert manifest["splits"][split]["graphs"] == n


def test_labels_match_the_annotations_and_splits(tiny_synth, tiny_export: Path) -> None:
    truth = {
        t.key if hasattr(t, "key") else f"{t.surgery_type}/{t.procedure_id}/{t.take_id}": t
        for t in tiny_synth.takes
    }
    checked = 0
    for split in ("train", "validation", "test"):
        for g in EgoExORSceneGraphs(tiny_export, split):
            key = f"{g.surgery_type}/{int(g.procedure_id)}/{int(g.take_id)}"
            take = truth[key]
            assert take.split == split
            rows = take.annotations[int(g.frame)]
            relations: dict[tuple[str, str], set[str]] = {}
            for s, r, o in rows:
                if s != o:
                    relations.setdefault((s, o), set()).add(r)
            names = [ENTITIES[c] for c in g.node_class.tolist()]
            assert set(names) == {n for s, _, o in rows for n in (s, o)}
            labelled = {}
            for (a, b), y in zip(g.edge_index.t().tolist(), g.y.tolist(), strict=True):
                if y != NONE_LABEL:
                    labelled[(names[a], names[b])] = RELATIONS[y]
            assert set(labelled) == set(relations)
            for pair, rel in labelled.items():
                assert rel in relations[pair]
                if len(relations[pair]) == 1:
                    checked += 1
            n = g.num_nodes
            assert g.edge_index.shape[1] == n * (n - 1)
    assert checked > 100


def test_features_carry_signals_of_ego_roles_only(tiny_export: Path) -> None:
    ds = EgoExORSceneGraphs(tiny_export, "train")
    g = ds[len(ds) // 2]
    assert g.x.shape[1] == N_FEATURES
    names = [ENTITIES[c] for c in g.node_class.tolist()]
    has = g.x[:, OFFSETS["has_ego_source"][0]]
    for name, flag in zip(names, has.tolist(), strict=True):
        if name in ("patient", "operating_table", "instrument_table"):
            assert flag == 0.0
    roles = [i for i, n in enumerate(names) if n in ("head_surgeon", "assistant")]
    assert roles and all(has[i] == 1.0 for i in roles)
    colour = g.x[:, OFFSETS["colour_image_mean"][0] : OFFSETS["colour_image_mean"][1]]
    assert colour[roles].sum() > 0


def test_history_links_point_to_the_same_pair_in_the_previous_frame(tiny_export: Path) -> None:
    ds = EgoExORSceneGraphs(tiny_export, "train")
    pairs = {}
    for g in ds:
        cls = g.node_class[g.edge_index]
        for gid, s, o in zip(g.edge_gid.tolist(), cls[0].tolist(), cls[1].tolist(), strict=True):
            pairs[gid] = (s, o)
    linked = 0
    for g in ds:
        cls = g.node_class[g.edge_index]
        for p, s, o in zip(g.prev_gid.tolist(), cls[0].tolist(), cls[1].tolist(), strict=True):
            if p >= 0:
                assert pairs[p] == (s, o)
                linked += 1
    assert linked > 0
    assert torch.equal(ds[0].prev_gid, torch.full_like(ds[0].prev_gid, -1))


def test_manifest_describes_the_export(tiny_export: Path) -> None:
    m = read_manifest(tiny_export)
    assert len(m["vocabulary"]["labels"]) == 23 and m["vocabulary"]["none_label"] == NONE_LABEL
    assert m["node_features"]["dim"] == N_FEATURES
    assert m["source_files"] and all(Path(f).exists() for f in m["source_files"])
    assert len(m["fingerprint"]) == 16
