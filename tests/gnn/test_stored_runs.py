"""Stored prediction runs: import a file, score it from the graph, list the frames behind it.

Imported then scored from the graph must equal the file scored directly; `orgraph errors`
must equal a pandas computation from the evaluation's own pair table.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgraph.cli import main
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.evaluation import LABELS, evaluate, parse_predictions
from orgraph.gnn.store_read import read_split_truth
from orgraph.gnn.stored_runs import evaluate_stored, import_predictions, read_run_predictions
from orgraph.loader.load import LoadOptions, load
from tests.gnn.predictions_files import noisy, write_file


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def outside_file(db_copy: Settings, tmp_path: Path) -> Path:
    with open_store(db_copy) as store:
        truth = read_split_truth(store, None)
    return write_file(noisy(truth, seed=1), tmp_path / "outside.json")


def test_import_then_evaluate_equals_evaluate_predictions(db_copy: Settings, outside_file) -> None:
    db = str(db_copy.db)
    code, out, err = cli(
        "import-predictions", str(outside_file), "--run", "outside", "--db", db, "--json"
    )
    assert code == 0, err
    imported = json.loads(out)
    assert imported["run"] == "outside" and imported["frames"] > 0 and imported["intervals"] > 0
    for split in ("test", "train"):
        code, stored, err = cli(
            "evaluate", "--run", "outside", "--split", split, "--db", db, "--json"
        )
        assert code == 0, err
        code, direct, err = cli(
            "evaluate", "--predictions", str(outside_file), "--split", split, "--db", db, "--json"
        )
        assert code == 0, err
        a, b = json.loads(stored), json.loads(direct)
        assert a["overall"]["macro_f1"] == pytest.approx(b["overall"]["macro_f1"])
        assert 0.0 < a["overall"]["macro_f1"] < 1.0  # the mistakes count
        assert a["confusion"] == b["confusion"]
        assert a["per_take"] == b["per_take"]
        for side in ("temporal_consistency", "truth_temporal_consistency"):
            assert a[side]["per_take"] == pytest.approx(b[side]["per_take"])
            assert a[side]["overall"] == pytest.approx(b[side]["overall"])


def test_import_on_both_backends_reads_back_what_the_protocol_scores(
    store_settings: Settings, tiny_synth, tmp_path: Path
) -> None:
    with open_store(store_settings, read_only=False) as store:
        load(
            store,
            LoadOptions(tuple(tiny_synth.files), tiny_synth.splits),
            progress=False,
            workers=1,
        )
        truth = read_split_truth(store, "test")
        path = write_file(noisy(truth, seed=2), tmp_path / "p.json")
        frames, _ = import_predictions(store, path, "outside")
    assert frames == len(truth)
    with open_store(store_settings) as store:
        back = read_run_predictions(store, "outside")
        scored = evaluate_stored(store, "outside", "test")
    direct = evaluate(truth, parse_predictions(path))
    assert scored.report.macro_f1 == pytest.approx(direct.macro_f1)
    assert np.array_equal(scored.report.confusion, direct.confusion)
    parsed = parse_predictions(path)
    for key, triplets in back.items():  # one label per pair, the first the file gave
        firsts = {}
        for s, r, o in parsed[key]:
            firsts.setdefault((s, o), r)
        assert {(s, o): r for s, r, o in triplets} == firsts


def test_pair_table_is_the_confusion_matrix(db_copy: Settings, outside_file) -> None:
    with open_store(db_copy, read_only=False) as store:
        import_predictions(store, outside_file, "outside")
    with open_store(db_copy) as store:
        scored = evaluate_stored(store, "outside", "test")
    pairs = scored.pairs
    counts = pd.crosstab(pairs["truth"], pairs["predicted"]).reindex(
        index=list(LABELS), columns=list(LABELS), fill_value=0
    )
    expected = scored.report.confusion.copy()
    none = LABELS.index("none")
    expected[none, none] = 0  # (none, none) pairs are counted in bulk, not listed
    assert np.array_equal(counts.to_numpy(), expected)


def pandas_errors(
    pairs: pd.DataFrame, truth=None, predicted=None, take=None, surgery_type=None
) -> pd.DataFrame:
    """The errors command's rows computed independently from the pair table."""
    df = pairs.copy()
    if truth is not None:
        df = df[df["truth"] == truth]
    if predicted is not None:
        df = df[df["predicted"] == predicted]
    if truth is None or predicted is None:
        df = df[df["truth"] != df["predicted"]]
    if take is not None:
        df = df[df["take"] == take]
    if surgery_type is not None:
        df = df[[t.split("/")[0] == surgery_type for t in df["take"]]]
    keys = ["take", "subject", "object", "truth", "predicted"]
    runs = []
    for _, g in df.groupby(keys):
        steps = g.sort_values("step")
        block = (steps["step"].diff() != 1).cumsum()
        runs.append(steps.assign(in_a_row=block.map(block.value_counts())))
    df = pd.concat(runs) if runs else df.assign(in_a_row=[])
    order = ["in_a_row", "take", "subject", "object", "truth", "predicted", "frame"]
    df = df.sort_values(order, ascending=[False] + [True] * 6)
    return df[["take", "frame", "subject", "object", "truth", "predicted", "in_a_row"]]


def test_errors_command_equals_pandas_from_pair_table(db_copy: Settings, outside_file) -> None:
    with open_store(db_copy, read_only=False) as store:
        import_predictions(store, outside_file, "outside")
    with open_store(db_copy) as store:
        pairs = evaluate_stored(store, "outside", "test").pairs
    take = sorted(pairs["take"].unique())[0]
    top = pairs[pairs["truth"] != pairs["predicted"]].value_counts(["truth", "predicted"]).index[0]
    cases = [
        {},
        {"truth": top[0]},
        {"predicted": top[1]},
        {"truth": top[0], "predicted": top[1]},
        {"take": take},
        {"surgery-type": take.split("/")[0]},
        {"truth": "holding", "predicted": "holding"},
    ]
    for case in cases:
        argv = ["errors", "outside", "--db", str(db_copy.db), "--format", "csv"]
        for k, v in case.items():
            argv += [f"--{k}", v]
        code, out, err = cli(*argv)
        assert code == 0, err
        got = pd.read_csv(io.StringIO(out))
        want = pandas_errors(
            pairs, **{k.replace("-", "_"): v for k, v in case.items()}
        ).reset_index(drop=True)
        assert len(want) > 0, case
        pd.testing.assert_frame_equal(got, want.astype(got.dtypes.to_dict()), check_dtype=False)
    code, out, _ = cli(
        "errors", "outside", "--db", str(db_copy.db), "--format", "json", "--limit", "3"
    )
    assert code == 0 and len(json.loads(out)) == 3


def test_flicker_lists_the_frame_pairs_behind_the_consistency(
    db_copy: Settings, outside_file
) -> None:
    with open_store(db_copy, read_only=False) as store:
        import_predictions(store, outside_file, "outside")
    with open_store(db_copy) as store:
        scored = evaluate_stored(store, "outside", "test")
    for changes, side in (
        (scored.changes, "temporal_consistency"),
        (scored.truth_changes, "truth_temporal_consistency"),
    ):
        means = changes.groupby("take")["jaccard"].mean().to_dict()
        shown = scored.report.to_dict()[side]
        assert means == pytest.approx(shown["per_take"]) and len(means) >= 2
        assert changes["jaccard"].mean() == pytest.approx(shown["overall"])
    assert (scored.changes["jaccard"] < 1).any()  # the noisy run flickers
    take = sorted(scored.changes["take"].unique())[0]
    db = str(db_copy.db)
    code, out, err = cli(
        "errors", "outside", "--flicker", "--take", take, "--db", db, "--format", "json"
    )
    assert code == 0, err
    got = pd.DataFrame(json.loads(out))
    want = scored.changes[scored.changes["take"] == take].sort_values(["jaccard", "frame"])
    assert got["frame"].tolist() == want["frame"].tolist()
    assert got["jaccard"].tolist() == pytest.approx(want["jaccard"].tolist())
    assert got["jaccard"].mean() == pytest.approx(scored.report.consistency["per_take"][take])
    assert list(got.columns) == [
        "take",
        "frame",
        "next_frame",
        "jaccard",
        "appeared",
        "disappeared",
    ]
    code, out, err = cli("errors", "outside", "--flicker", "--db", db, "--format", "csv")
    assert code == 0, err
    assert len(pd.read_csv(io.StringIO(out))) == len(scored.changes)
    code, out, err = cli("errors", "outside", "--flicker", "--truth", "holding", "--db", db)
    assert code == 1 and out == "" and "--flicker" in err and err.count("\n") == 1


def test_errors_and_evaluate_name_a_missing_run_in_one_line(db_copy: Settings) -> None:
    for argv in (["errors", "nope"], ["evaluate", "--run", "nope"]):
        code, out, err = cli(*argv, "--db", str(db_copy.db))
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and "no prediction run 'nope'" in err, err


def test_errors_refuses_an_unknown_label(db_copy: Settings, outside_file) -> None:
    with open_store(db_copy, read_only=False) as store:
        import_predictions(store, outside_file, "outside")
    code, _, err = cli("errors", "outside", "--truth", "juggling", "--db", str(db_copy.db))
    assert code == 1 and "--truth 'juggling' is not a relation" in err


def test_import_refuses_frames_the_store_does_not_annotate(
    db_copy: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [{"surgery_type": "MISS", "procedure_id": 9, "take_id": 9, "frame": 0, "triplets": []}]
        )
    )
    code, out, err = cli("import-predictions", str(bad), "--run", "x", "--db", str(db_copy.db))
    assert code == 1 and out == "" and "MISS/9/9" in err and err.count("\n") == 1
    with open_store(db_copy) as store:  # nothing half-written
        assert store.query("MATCH (p:Prediction) RETURN count(p) AS n")["n"].iloc[0] == 0
        assert store.query("MATCH (r:Run) RETURN count(r) AS n")["n"].iloc[0] == 0
