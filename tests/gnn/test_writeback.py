"""Predictions written back as intervals, and the prediction_agreement query, on both backends."""

from __future__ import annotations

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.evaluate_run import run_predictions
from orgraph.gnn.store_read import read_split_truth, read_takes
from orgraph.gnn.writeback import write_predictions
from orgraph.queries.catalog import run_query
from tests.support.stores import load_generated


def test_truth_written_as_predictions_agrees_fully(store_settings: Settings, tiny_synth) -> None:
    load_generated(store_settings, tiny_synth)
    with open_store(store_settings) as store:
        truth = read_split_truth(store, "test")
        intervals = store.query("MATCH (i:Interaction) RETURN i.take AS take")
    test_takes = {f"{k[0]}/{k[1]}/{k[2]}" for k in truth}
    with open_store(store_settings, read_only=False) as store:
        n = write_predictions(store, "oracle", truth, "truth copied, for the test")
        write_predictions(store, "oracle", truth)  # a rerun replaces, never duplicates
    assert n == int(intervals["take"].isin(test_takes).sum())
    with open_store(store_settings) as store:
        count = store.query(
            "MATCH (p:Prediction)-[:PREDICTED_BY]->(r:Run {key: 'oracle'}) RETURN count(p) AS n"
        )["n"].iloc[0]
        df = run_query(store, "prediction_agreement", {"run": "oracle"})
        one = run_query(
            store, "prediction_agreement", {"run": "oracle", "take": sorted(test_takes)[0]}
        )
    assert count == n
    assert len(df) == len(truth)
    assert (df["truth"] == df["predicted"]).all() and (df["matches"] == df["truth"]).all()
    full = df[df["truth"] > 0]
    assert (full["precision"] == 1.0).all() and (full["recall"] == 1.0).all()
    assert set(one["take"]) == {sorted(test_takes)[0]}


def test_run_predictions_agreement_matches_python(db_copy: Settings, tiny_run, tiny_export) -> None:
    preds = run_predictions(tiny_run, "test")["gnn"]
    with open_store(db_copy, read_only=False) as store:
        write_predictions(store, "tiny", preds)
    with open_store(db_copy) as store:
        truth = read_split_truth(store, "test")
        df = run_query(store, "prediction_agreement", {"run": "tiny"})
        takes = {t.key: t for t in read_takes(store)}
    got = {(r.take, int(r.frame)): (r.truth, r.predicted, r.matches) for r in df.itertuples()}
    for key, true in truth.items():
        take = f"{key[0]}/{key[1]}/{key[2]}"
        assert take in takes
        t, p = set(true), set(preds.get(key, []))
        assert got[(take, key[3])] == (len(t), len(p), len(t & p))
