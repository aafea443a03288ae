"""The Model page's remaining scores open their frames (AppTest on a real store and run).

A consistency bar lists its take's consecutive frame pairs (their mean Jaccard is the bar),
a surgery type's or the overall row lists its mistakes, the README's write-back makes the
baselines drillable, a relation of two runs compared narrows their disagreements to it, and
the published numbers say they have no frames behind them.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from orgraph.cli import main
from orgraph.core.store import open_store
from orgraph.gnn.evaluation.flicker import flicker
from orgraph.gnn.evaluation.pairs import frames_behind
from orgraph.gnn.store_read import read_split_truth
from orgraph.gnn.stored_runs import evaluate_stored, import_predictions, stored_run_names
from tests.gnn.predictions_files import noisy, write_file
from tests.support.apptest import app, page, texts
from tests.support.dashboard import RUN_NAME, Loaded
from tests.support.model_page import chart, frame, values


def test_a_consistency_bar_lists_the_frame_pairs_behind_it(
    monkeypatch,
    loaded: Loaded,
    saved: dict,
) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    bars = chart(at, "md_saved_consistency")["data"]
    by_model = {t["name"]: t for t in bars}
    assert set(by_model) == {"ground truth", "gnn", "mlp", "prior"}
    gnn = by_model["gnn"]
    assert [c[:2] for c in gnn["customdata"]] == [[x, "gnn"] for x in values(gnn["x"])]
    with open_store(loaded.settings) as store:
        scored = evaluate_stored(store, RUN_NAME, "test")
    reports = {"gnn": "temporal_consistency", "ground truth": "truth_temporal_consistency"}
    for model, changes in (("gnn", scored.changes), ("ground truth", scored.truth_changes)):
        for take in sorted(changes["take"].unique()):
            at.session_state["md_saved_flicker"] = {"model": model, "take": take}
            at.run()
            assert not at.exception
            shown = frame(at, "md_saved_flicker_frames")
            expected = flicker(changes, take)
            assert shown.drop(columns="open").reset_index(drop=True).equals(expected.head(200))
            score = saved["gnn"][reports[model]]["per_take"][take]
            assert expected["jaccard"].mean() == pytest.approx(score)  # the bar's height
            assert f"mean Jaccard {score:.4f}" in texts(at.markdown)
            first = expected.iloc[0]
            run = f"&run={RUN_NAME}" if model == "gnn" else ""
            assert shown["open"].iloc[0] == f"frame?take={take}&frame={first['frame']}{run}"
    assert (scored.changes["jaccard"] < 1).any()
    at.session_state["md_saved_flicker"] = {"model": "mlp", "take": take}
    at.run()
    assert "The predictions of mlp are not stored" in texts(at.caption)


def test_surgery_type_and_overall_rows_list_their_mistakes(monkeypatch, loaded: Loaded) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    with open_store(loaded.settings) as store:
        pairs = evaluate_stored(store, RUN_NAME, "test").pairs
    surgery_type = sorted(pairs["take"].unique())[0].split("/")[0]
    for state, expected in (
        ({"surgery_type": surgery_type}, frames_behind(pairs, surgery_type=surgery_type)),
        ({}, frames_behind(pairs)),
    ):
        at.session_state["md_drill"] = {"model": "gnn", **state}
        at.run()
        shown = frame(at, "md_frames")
        assert len(expected) > 0 and (expected["take"] != "").all()
        assert shown.drop(columns="open").reset_index(drop=True).equals(expected.head(200))
        if state:
            assert expected["take"].str.startswith(f"{surgery_type}/").all()
            assert f"surgery type = **{surgery_type}**" in texts(at.markdown)
    assert len(frames_behind(pairs, surgery_type=surgery_type)) < len(frames_behind(pairs))


def test_published_numbers_say_they_have_no_frames(monkeypatch, loaded: Loaded) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    assert "published numbers have no frames behind them" in texts(at.caption)
    assert "not kept per frame" in texts(at.caption)  # the training curves say so too


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_readme_write_back_makes_the_baselines_drillable(
    monkeypatch,
    copy: Loaded,
) -> None:
    run, db = copy.runs / RUN_NAME, str(copy.settings.db)
    code, out, err = cli("evaluate", str(run), "--write-back", "--no-write-back-baselines",
                         "--db", db, "--json")  # fmt: skip
    assert code == 0, err
    with open_store(copy.settings) as store:
        assert f"{RUN_NAME}:mlp" not in stored_run_names(store)  # skipped when asked
    # the README's command, as a user types it
    code, out, err = cli("evaluate", str(run), "--write-back", "--json", "--db", db)
    assert code == 0, err
    assert err.count("prediction intervals as run") == 3
    (run / "evaluation.json").write_text(out)
    with open_store(copy.settings) as store:
        assert {RUN_NAME, f"{RUN_NAME}:mlp", f"{RUN_NAME}:prior"} <= set(stored_run_names(store))
        scored = {m: evaluate_stored(store, f"{RUN_NAME}:{m}", "test") for m in ("mlp", "prior")}
    at = page(app(monkeypatch, copy.settings.db, copy.runs), "model")
    for model, s in scored.items():
        mistakes = s.pairs[s.pairs["truth"] != s.pairs["predicted"]]
        relation = mistakes["truth"].value_counts().index[0]
        at.session_state["md_drill"] = {"model": model, "relation": relation}
        take = sorted(s.changes["take"].unique())[0]
        at.session_state["md_saved_flicker"] = {"model": model, "take": take}
        at.run()
        assert not at.exception
        assert "are not stored in the graph" not in texts(at.caption)
        shown = frame(at, "md_frames")
        expected = frames_behind(s.pairs, relation=relation)
        assert shown.drop(columns="open").reset_index(drop=True).equals(expected.head(200))
        assert shown["open"].iloc[0].endswith(f"&run={RUN_NAME}%3A{model}")
        pairs_shown = frame(at, "md_saved_flicker_frames")
        assert pairs_shown["open"].str.endswith(f"&run={RUN_NAME}%3A{model}").all()
        assert len(pairs_shown) == min(200, len(flicker(s.changes, take)))


def test_a_relation_of_two_runs_compared_lists_where_they_disagree_on_it(
    monkeypatch,
    copy: Loaded,
) -> None:
    with open_store(copy.settings) as store:
        truth = read_split_truth(store, "test")
    path = write_file(noisy(truth, seed=4), copy.runs.parent / "outside.json")
    with open_store(copy.settings, read_only=False) as store:
        import_predictions(store, path, "outside")
    with open_store(copy.settings) as store:
        a = evaluate_stored(store, RUN_NAME, "test").pairs
        b = evaluate_stored(store, "outside", "test").pairs
    key = ["take", "frame", "subject", "object"]
    cols = [*key, "truth", "predicted"]
    both = a[cols].merge(b[cols], on=key, how="outer", suffixes=("_a", "_b"))
    both["truth"] = both["truth_a"].fillna(both["truth_b"])
    both = both.fillna({"predicted_a": "none", "predicted_b": "none"})
    differ = both[both["predicted_a"] != both["predicted_b"]]
    relation = differ["truth"].value_counts().index[0]
    on_it = differ[
        (differ["truth"] == relation)
        | (differ["predicted_a"] == relation)
        | (differ["predicted_b"] == relation)
    ]
    assert 0 < len(on_it) < len(differ)
    at = page(app(monkeypatch, copy.settings.db, copy.runs), "model")
    at.radio(key="md_view").set_value("Compare two runs").run()
    bars = chart(at, "mc_f1")["data"]
    assert all(c[1] == t["name"] for t in bars for c in t["customdata"])
    at.session_state["mc_relation"] = relation
    at.run()
    assert not at.exception
    assert f"on **{relation}**: {len(on_it)} pair-frames" in texts(at.markdown)
    shown = frame(at, "mc_disagree")
    assert len(shown) == min(200, len(on_it))
    involved = (shown["truth"] == relation) | (shown[RUN_NAME] == relation)
    assert (involved | (shown["outside"] == relation)).all()
    at.button(key="mc_all").click().run()
    assert f"**Where they disagree**: {len(differ)} pair-frames" in texts(at.markdown)


def test_graph_runs_view_opens_a_runs_consistency_frames(monkeypatch, loaded: Loaded) -> None:
    at = page(app(monkeypatch, loaded.settings.db, loaded.runs), "model")
    at.radio(key="md_view").set_value("Prediction runs in the graph").run()
    bars = chart(at, "md_graph_consistency")["data"]
    assert {t["name"] for t in bars} == {"ground truth", RUN_NAME}
    with open_store(loaded.settings) as store:
        scored = evaluate_stored(store, RUN_NAME, "test")
    take = sorted(scored.changes["take"].unique())[-1]
    at.session_state["md_graph_flicker"] = {"model": RUN_NAME, "take": take}
    at.run()
    assert not at.exception
    shown = frame(at, "md_graph_flicker_frames")
    expected = flicker(scored.changes, take)
    assert shown.drop(columns="open").reset_index(drop=True).equals(expected.head(200))
    assert shown["open"].str.endswith(f"&run={RUN_NAME}").all()
    score = scored.report.consistency["per_take"][take]
    assert f"mean Jaccard {score:.4f}" in texts(at.markdown)
