"""The Model page with AppTest on a real store and a real trained run.

Scores have numbers, bars stay within [0, 1], the confusion matrix is row shares with the
counts behind them, every score lists the right frames, runs written while the app runs
appear after *Reload data*, and two stored runs can be compared.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from orgraph.core.store import open_store
from orgraph.dashboard.model_charts import KNOWN_COLOURS
from orgraph.gnn.evaluation.pairs import frames_behind
from orgraph.gnn.store_read import read_split_truth
from orgraph.gnn.stored_runs import evaluate_stored, import_predictions
from tests.gnn.predictions_files import noisy, write_file
from tests.support.apptest import app, page, texts
from tests.support.dashboard import RUN_NAME, Loaded
from tests.support.model_page import chart, frame, values

GRAPH_VIEW = "Prediction runs in the graph"


def test_scope_table_has_the_saved_scores(monkeypatch, loaded: Loaded, saved: dict) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    assert "Saved evaluation" in texts(at.success)
    table = frame(at, "md_saved_scopes")
    assert list(table.columns[:3]) == ["kind", "scope", "frames"]
    assert not table[["gnn", "mlp", "prior"]].isna().any().any()
    gnn = saved["gnn"]
    expected = {"overall": gnn["overall"]}
    expected |= gnn["per_surgery_type"] | gnn["per_take"]
    assert set(table["scope"]) == set(expected)
    for row in table.itertuples(index=False):
        assert row.gnn == pytest.approx(expected[row.scope]["macro_f1"])
        assert row.frames == expected[row.scope]["frames"]
    assert (table["kind"] == "take").sum() == len(gnn["per_take"]) >= 2


def test_relation_bars_are_grouped_within_one_and_coloured_per_model(
    monkeypatch, loaded: Loaded, saved: dict
) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    fig = chart(at, "md_saved_relations")
    assert fig["layout"]["barmode"] == "group"
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert {t["name"] for t in bars} == {"gnn", "mlp", "prior"}
    assert len(bars) == 9  # 3 models x (precision, recall, F1)
    for t in bars:
        assert all(0.0 <= y <= 1.0 for y in values(t["y"]))
        assert t["marker"]["color"] == KNOWN_COLOURS[t["name"]]
    f1_gnn = next(t for t in bars if t["name"] == "gnn" and t["customdata"][0][2] == "f1")
    per_label = saved["gnn"]["per_label"]
    assert dict(zip(values(f1_gnn["x"]), values(f1_gnn["y"]), strict=True)) == pytest.approx(
        {k: v["f1"] for k, v in per_label.items() if v["support"] > 0}
    )
    for key in ("f1_curve", "loss_curve"):  # the same colours, integer epoch ticks
        curve = chart(at, key)
        assert curve["layout"]["xaxis"]["dtick"] == 1
        assert curve["layout"]["xaxis"]["tickformat"] == "d"
        for t in curve["data"]:
            assert t["line"]["color"] == KNOWN_COLOURS[t["name"]]


def test_confusion_is_row_shares_with_counts_and_none_optional(
    monkeypatch, loaded: Loaded, saved: dict
) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    heat, cells = chart(at, "md_saved_confusion")["data"]
    labels, counts = saved["gnn"]["labels"], np.array(saved["gnn"]["confusion"])
    z = np.array(values(heat["z"]))
    assert np.allclose(z.sum(axis=1), 1.0)
    assert len(cells["customdata"]) == len(heat["x"]) * len(heat["y"])
    for x, y, (truth, predicted, n) in zip(
        cells["x"], cells["y"], cells["customdata"], strict=True
    ):
        assert (truth, predicted) == (y, x)  # the click target of each cell names it
        assert n == counts[labels.index(truth), labels.index(predicted)]
        i, j = heat["y"].index(truth), heat["x"].index(predicted)
        assert z[i, j] == pytest.approx(n / counts[labels.index(truth)].sum())
    assert "none" in heat["x"]
    at.toggle(key="md_saved_cm_none").set_value(False).run()
    assert "none" not in chart(at, "md_saved_confusion")["data"][0]["x"]
    at.toggle(key="md_saved_cm_share").set_value(False).run()
    z = np.array(values(chart(at, "md_saved_confusion")["data"][0]["z"]))
    assert z.max() > 1  # counts now


def test_a_confusion_cell_lists_its_frames_with_the_run(monkeypatch, loaded: Loaded) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    with open_store(loaded.settings) as store:
        pairs = evaluate_stored(store, RUN_NAME, "test").pairs
    mistakes = pairs[pairs["truth"] != pairs["predicted"]]
    truth, predicted = mistakes.value_counts(["truth", "predicted"]).index[0]
    for state, expected in (
        (
            {"model": "gnn", "truth": truth, "predicted": predicted},
            frames_behind(pairs, truth, predicted),
        ),
        ({"model": "gnn", "relation": truth}, frames_behind(pairs, relation=truth)),
        ({"model": "gnn", "take": "MISS/2/1"}, frames_behind(pairs, take="MISS/2/1")),
    ):
        at.session_state["md_drill"] = state
        at.run()
        shown = frame(at, "md_frames")
        assert len(expected) > 0
        assert shown.drop(columns="open").reset_index(drop=True).equals(expected.head(200))
        first = expected.iloc[0]
        assert (
            shown["open"].iloc[0]
            == f"frame?take={first['take']}&frame={first['frame']}&run={RUN_NAME}"
        )


def test_runs_written_while_open_appear_after_reload(monkeypatch, copy: Loaded) -> None:
    at = page(app(monkeypatch, copy.settings.db, copy.runs), "model")
    assert at.selectbox(key="md_run").options == ["gnn"]
    at.radio(key="md_view").set_value(GRAPH_VIEW).run()
    assert at.multiselect(key="md_stored").options == ["gnn"]
    shutil.copytree(copy.runs / "gnn", copy.runs / "second")  # a new training run
    with open_store(copy.settings) as store:
        truth = read_split_truth(store, "test")
    path = write_file(noisy(truth), copy.runs.parent / "outside.json")
    with open_store(copy.settings, read_only=False) as store:
        import_predictions(store, path, "outside")  # a new prediction run
    next(b for b in at.sidebar.button if b.label == "Reload data").click().run()
    assert not at.exception
    assert at.multiselect(key="md_stored").options == ["gnn", "outside"]
    assert set(frame(at, "md_graph_scopes").columns) >= {"gnn", "outside"}
    at.radio(key="md_view").set_value("Training runs").run()
    assert at.selectbox(key="md_run").options == ["gnn", "second"]


def test_two_runs_compared(monkeypatch, copy: Loaded) -> None:
    with open_store(copy.settings) as store:
        truth = read_split_truth(store, "test")
    path = write_file(noisy(truth, seed=4), copy.runs.parent / "outside.json")
    with open_store(copy.settings, read_only=False) as store:
        import_predictions(store, path, "outside")
    with open_store(copy.settings) as store:
        a = evaluate_stored(store, "gnn", "test")
        b = evaluate_stored(store, "outside", "test")
    at = page(app(monkeypatch, copy.settings.db, copy.runs), "model")
    at.radio(key="md_view").set_value("Compare two runs").run()
    assert not at.exception
    table = frame(at, "mc_table")
    fa, fb = a.report.per_label, b.report.per_label
    for row in table.itertuples(index=False):
        assert row.gnn == pytest.approx(fa[row.label].f1)
        assert row.outside == pytest.approx(fb[row.label].f1)
        assert row.difference == pytest.approx(fb[row.label].f1 - fa[row.label].f1)
    key = ["take", "frame", "subject", "object"]
    ga = a.pairs.set_index(key)["predicted"]
    gb = b.pairs.set_index(key)["predicted"]
    both = ga.to_frame("a").join(gb.to_frame("b"), how="outer").fillna("none")
    expected = int((both["a"] != both["b"]).sum())
    assert f"{expected} pair-frames" in texts(at.markdown)
    shown = frame(at, "mc_disagree")
    assert (shown["gnn"] != shown["outside"]).all()
    assert shown["open A"].str.endswith("&run=gnn").all()
    assert shown["open B"].str.endswith("&run=outside").all()


def test_unparseable_saved_evaluation_is_named(monkeypatch, copy: Loaded) -> None:
    path = copy.runs / "gnn" / "evaluation.json"
    path.write_text("wrote 12 prediction intervals as run 'gnn'\n" + path.read_text())
    at = page(app(monkeypatch, copy.settings.db, copy.runs), "model")
    assert f"`{path}` is not a saved evaluation: not valid JSON" in texts(at.warning)


def test_evaluate_now_saves_into_the_run(monkeypatch, copy: Loaded) -> None:
    path = copy.runs / "gnn" / "evaluation.json"
    path.unlink()
    at = page(app(monkeypatch, copy.settings.db, copy.runs), "model")
    assert "No evaluation is saved" in texts(at.info)
    at.button(key="md_evaluate").click().run()
    assert not at.exception
    assert len(frame(at, "md_now_scopes")) > 0
    at.button(key="md_save").click().run()
    assert not at.exception
    saved = json.loads(path.read_text())
    assert set(saved) == {"gnn", "mlp", "prior"}
    assert "Saved evaluation" in texts(at.success)
    assert frame(at, "md_saved_scopes")["gnn"].notna().all()


def test_consistency_of_truth_and_runs(monkeypatch, loaded: Loaded, saved: dict) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    table = frame(at, "md_saved_consistency_table")
    truth = saved["gnn"]["truth_temporal_consistency"]["per_take"]
    predicted = saved["gnn"]["temporal_consistency"]["per_take"]
    assert set(table["take"]) == set(truth) and len(truth) >= 2
    for _, row in table.iterrows():
        assert row["ground truth"] == pytest.approx(truth[row["take"]])
        assert row["gnn"] == pytest.approx(predicted[row["take"]])
    assert (table["ground truth"] > table["gnn"]).any()  # the short run flickers more
    assert len(chart(at, "md_saved_consistency")["data"]) == 4  # truth + 3 models
