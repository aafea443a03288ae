"""The EgoExOR scene-graph-generation metric, checked against hand-computed arithmetic.

Parsing of prediction files is in test_evaluation_parsing.py; a randomized cross-check
against a brute-force pair enumeration is in test_evaluation_crosscheck.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from orgraph.core.errors import ConfigError, OrgraphError, UnknownNameError
from orgraph.gnn.evaluation import LABELS, evaluate, format_report, parse_predictions
from orgraph.gnn.evaluation.scores import empty_confusion, label_scores, macro_f1

L = {name: i for i, name in enumerate(LABELS)}
K = ("MISS", 1, 1, 0)

HOLD = ("head_surgeon", "holding", "scalpel")
LYING = ("patient", "lyingon", "operating_table")


def test_labels_are_the_22_relations_then_none() -> None:
    assert len(LABELS) == 23
    assert LABELS[-1] == "none"
    assert "closeto" in LABELS and "looking" in LABELS


def test_perfect_prediction_scores_one() -> None:
    # Entities {head_surgeon, scalpel, patient, operating_table}: 4 * 3 = 12 ordered pairs.
    # Truth = prediction: holding 1, lyingon 1, none 10; every supported label has F1 1.
    report = evaluate({K: [HOLD, LYING]}, {K: [HOLD, LYING]})
    assert report.macro_f1 == pytest.approx(1.0)
    assert report.overall.pairs == 12
    assert report.confusion[L["none"], L["none"]] == 10
    assert report.confusion[L["holding"], L["holding"]] == 1
    assert report.overall.labels_in_macro == 3


@pytest.mark.parametrize("predictions", [{}, {K: []}])
def test_empty_prediction_in_predicted_mode_evaluates_no_pair(predictions: dict) -> None:
    # No predicted triplet -> no entity in play -> 0 pairs -> no label has support, so the
    # report gives macro_f1 None ("n/a"), not 0 and not 1, with an all-zero confusion matrix.
    report = evaluate({K: [HOLD, LYING]}, predictions, entities="predicted")
    assert report.overall.pairs == 0
    assert report.macro_f1 is None
    assert report.per_take["MISS/1/1"].macro_f1 is None
    assert int(report.confusion.sum()) == 0
    assert report.frames == 1
    assert report.frames_without_prediction == (1 if not predictions else 0)
    assert json.loads(report.to_json())["overall"]["macro_f1"] is None
    assert "n/a" in format_report(report)


def test_empty_prediction_in_ground_truth_mode_predicts_none_everywhere() -> None:
    # Truth entities: 4 -> 12 pairs, all predicted none.
    # holding: support 1, tp 0 -> F1 0; lyingon likewise 0.
    # none: tp 10, support 10, predicted 12 -> P 10/12, R 1, F1 = 2*10/(2*10 + 2 + 0) = 10/11.
    # macro over the 3 supported labels = (0 + 0 + 10/11) / 3 = 10/33.
    report = evaluate({K: [HOLD, LYING]}, {}, entities="ground-truth")
    assert report.overall.pairs == 12
    assert report.macro_f1 == pytest.approx(10 / 33)
    assert int(report.confusion[:, L["none"]].sum()) == 12
    assert report.per_label["none"].precision == pytest.approx(10 / 12)
    assert report.frames_without_prediction == 1


def test_duplicate_triplets_are_counted_once() -> None:
    # Entities {head_surgeon, scalpel}: 2 pairs, not 3: (hs, scalpel) holding/holding and
    # (scalpel, hs) none/none; the duplicate adds nothing. Macro = (1 + 1) / 2 = 1.
    report = evaluate({K: [HOLD]}, {K: [HOLD, HOLD, HOLD]})
    assert report.overall.pairs == 2
    assert report.confusion[L["holding"], L["holding"]] == 1
    assert report.macro_f1 == pytest.approx(1.0)


def test_conflicting_relations_for_a_pair_first_one_wins() -> None:
    cut = ("head_surgeon", "cutting", "scalpel")
    # Predicted cutting first: (hs, scalpel) truth holding, predicted cutting; reverse pair
    # none/none. holding F1 0, none F1 1, cutting unsupported -> macro (0 + 1) / 2 = 0.5.
    report = evaluate({K: [HOLD, cut]}, {K: [cut, HOLD]})
    assert report.confusion[L["holding"], L["cutting"]] == 1
    assert report.confusion[L["holding"], L["holding"]] == 0
    assert report.macro_f1 == pytest.approx(0.5)
    # Predicted holding first: both labels agree -> 1.0.
    assert evaluate({K: [HOLD, cut]}, {K: [HOLD, cut]}).macro_f1 == pytest.approx(1.0)
    # The truth's first also wins: truth (cutting, holding) now reads cutting.
    flipped = evaluate({K: [cut, HOLD]}, {K: [HOLD]})
    assert flipped.confusion[L["cutting"], L["holding"]] == 1


def test_entities_only_in_the_predictions() -> None:
    extra = ("assistant", "looking", "patient")
    truth, predicted = {K: [HOLD]}, {K: [HOLD, extra]}
    # Predicted mode: entities {hs, scalpel, assistant, patient}: 12 pairs, truth none except
    # holding. Cells: (holding, holding) 1, (none, looking) 1, (none, none) 10.
    # holding F1 1; none: tp 10, support 11, predicted 10 -> F1 = 20 / (20 + 0 + 1) = 20/21;
    # looking has no support -> left out. Macro = (1 + 20/21) / 2 = 41/42.
    report = evaluate(truth, predicted, entities="predicted")
    assert report.overall.pairs == 12
    assert report.confusion[L["none"], L["looking"]] == 1
    assert report.confusion[L["none"], L["none"]] == 10
    assert report.macro_f1 == pytest.approx(41 / 42)
    # Ground-truth mode: entities {hs, scalpel} only: 2 pairs, both right; assistant and
    # patient are not evaluated at all.
    report = evaluate(truth, predicted, entities="ground-truth")
    assert report.overall.pairs == 2
    assert int(report.confusion[:, L["looking"]].sum()) == 0
    assert report.macro_f1 == pytest.approx(1.0)


def test_entities_only_in_the_truth_depend_on_the_mode() -> None:
    truth, predicted = {K: [HOLD, LYING]}, {K: [HOLD]}
    # Predicted mode (official): patient and operating_table are not in play -> 2 pairs, 1.0.
    assert evaluate(truth, predicted).overall.pairs == 2
    assert evaluate(truth, predicted).macro_f1 == pytest.approx(1.0)
    # Ground-truth mode: 12 pairs; (lyingon, none) 1, (holding, holding) 1, (none, none) 10.
    # holding 1; lyingon 0; none: tp 10, support 10, predicted 11 -> F1 20/21.
    # Macro = (1 + 0 + 20/21) / 3 = 41/63.
    report = evaluate(truth, predicted, entities="ground-truth")
    assert report.confusion[L["lyingon"], L["none"]] == 1
    assert report.macro_f1 == pytest.approx(41 / 63)


def test_macro_averages_only_labels_with_support() -> None:
    # Two frames. Frame 0: truth holding, predicted holding. Frame 1: truth lyingon,
    # predicted cutting (cutting has no truth support anywhere).
    # Cells: (holding, holding) 1, (lyingon, cutting) 1, (none, none) 2 (one reverse pair each).
    # Supported: holding F1 1, lyingon F1 0, none F1 1 -> macro 2/3.
    # (Over all labels predicted or true it would be 2/4; over all 23 it would be 2/23.)
    k1 = ("MISS", 1, 1, 1)
    report = evaluate(
        {K: [HOLD], k1: [LYING]},
        {K: [HOLD], k1: [("patient", "cutting", "operating_table")]},
    )
    assert report.overall.labels_in_macro == 3
    assert report.macro_f1 == pytest.approx(2 / 3)
    assert report.per_label["cutting"].support == 0
    assert report.per_label["cutting"].predicted == 1


def test_zero_division_counts_as_zero() -> None:
    # holding never predicted (P = 0/0) and never right (R = 0/1): both 0, F1 0, no NaN.
    # scanning predicted once but never true: P = 0/1 = 0, R = 0/0 = 0, F1 0.
    confusion = empty_confusion()
    confusion[L["holding"], L["scanning"]] = 1
    scores = label_scores(confusion)
    for label in ("holding", "scanning", "cutting"):
        assert scores["precision"][L[label]] == 0.0
        assert scores["recall"][L[label]] == 0.0
        assert scores["f1"][L[label]] == 0.0
    assert not np.isnan(scores["f1"]).any()
    # Only holding has support -> macro = 0.
    assert macro_f1(confusion) == 0.0
    assert macro_f1(empty_confusion()) is None
    report = evaluate({K: [HOLD]}, {K: [("head_surgeon", "scanning", "scalpel")]})
    assert "NaN" not in report.to_json()


def test_per_surgery_type_and_per_take_split() -> None:
    miss = ("MISS", 1, 1, 0)
    miss_other_take = ("MISS", 1, 2, 7)
    us = ("Ultrasound", 2, 3, 5)
    probe_hold = ("head_surgeon", "holding", "ultrasound_probe")
    probe_scan = ("head_surgeon", "scanning", "ultrasound_probe")
    truth = {miss: [HOLD], miss_other_take: [HOLD], us: [probe_hold]}
    predicted = {miss: [HOLD], us: [probe_scan]}
    report = evaluate(truth, predicted)
    # MISS: 2 pairs, both right -> 1.0; take MISS/1/2 has no prediction -> 0 pairs, n/a.
    assert report.per_surgery_type["MISS"].macro_f1 == pytest.approx(1.0)
    assert report.per_surgery_type["MISS"].frames == 2
    assert report.per_surgery_type["MISS"].frames_without_prediction == 1
    assert report.per_take["MISS/1/2"].macro_f1 is None
    # Ultrasound: (holding, scanning) 1, (none, none) 1 -> holding 0, none 1 -> 0.5.
    assert report.per_surgery_type["Ultrasound"].macro_f1 == pytest.approx(0.5)
    assert report.per_take["Ultrasound/2/3"].macro_f1 == pytest.approx(0.5)
    # Overall pools the pairs (not the mean of 1.0 and 0.5 = 0.75):
    # holding tp 1, support 2, predicted 1 -> F1 2/(2+0+1) = 2/3; none F1 1 -> (2/3 + 1)/2 = 5/6.
    assert report.macro_f1 == pytest.approx(5 / 6)
    assert list(report.per_take) == ["MISS/1/1", "MISS/1/2", "Ultrasound/2/3"]


def test_confusion_matrix_counts() -> None:
    truth = [HOLD, ("assistant", "looking", "patient"), LYING]
    predicted = [
        HOLD,
        ("assistant", "closeto", "patient"),
        LYING,
        ("head_surgeon", "closeto", "patient"),
    ]
    # Predicted entities: hs, scalpel, assistant, patient, operating_table -> 5*4 = 20 pairs.
    # Labelled pairs: holding/holding, looking/closeto, lyingon/lyingon, none/closeto; the
    # other 16 are none/none.
    m = evaluate({K: truth}, {K: predicted}).confusion
    assert m.shape == (23, 23)
    assert int(m.sum()) == 20
    assert m[L["holding"], L["holding"]] == 1
    assert m[L["looking"], L["closeto"]] == 1
    assert m[L["lyingon"], L["lyingon"]] == 1
    assert m[L["none"], L["closeto"]] == 1
    assert m[L["none"], L["none"]] == 16
    assert int(np.count_nonzero(m)) == 5


def test_predicted_frames_not_in_the_truth_are_ignored_and_counted() -> None:
    stray = ("Ultrasound", 9, 9, 9)
    report = evaluate({K: [HOLD]}, {K: [HOLD], stray: [LYING]})
    assert report.predictions_not_in_truth == 1
    assert report.overall.pairs == 2
    assert "Ultrasound" not in report.per_surgery_type
    assert "not in the truth (ignored): 1" in format_report(report)


def test_lenient_drop_counts_reach_the_report() -> None:
    records = [
        {
            "surgery_type": "MISS",
            "procedure_id": 1,
            "take_id": 1,
            "frame": 0,
            "triplets": [list(HOLD), ["head_surgeon", "holding", "lightsaber"]],
        }
    ]
    report = evaluate({K: [HOLD]}, parse_predictions(records, lenient=True))
    assert report.dropped_names == {"entity:lightsaber": 1}
    assert report.dropped_triplets == 1
    assert json.loads(report.to_json())["dropped_names"] == {"entity:lightsaber": 1}
    assert "entity:lightsaber x1" in format_report(report)


def test_evaluate_rejects_bad_mode_and_unknown_truth_names() -> None:
    with pytest.raises(ConfigError, match="'gt'"):
        evaluate({K: [HOLD]}, {}, entities="gt")
    with pytest.raises(UnknownNameError, match=r"'laser'.*ground truth.*MISS/1/1/frame 0"):
        evaluate({K: [("head_surgeon", "holding", "laser")]}, {})
    with pytest.raises(OrgraphError, match="prediction of MISS/1/1/frame 0"):
        evaluate({K: [HOLD]}, {K: [("head_surgeon", "holding")]})


def test_evaluate_accepts_raw_spellings_in_the_truth() -> None:
    raw = ("anaesthetist", "closeTo", "operation_table")
    report = evaluate({K: [raw]}, {K: [("anesthetist", "closeto", "operating_table")]})
    assert report.macro_f1 == pytest.approx(1.0)


def test_report_json_and_table_state_the_mode_and_every_scope() -> None:
    truth = {K: [HOLD], ("Ultrasound", 2, 3, 5): [LYING]}
    report = evaluate(truth, truth, entities="ground-truth")
    data = json.loads(report.to_json())
    assert data["entities"] == "ground-truth"
    assert set(data["per_surgery_type"]) == {"MISS", "Ultrasound"}
    assert set(data["per_take"]) == {"MISS/1/1", "Ultrasound/2/3"}
    assert data["overall"]["macro_f1"] == pytest.approx(1.0)
    assert data["overall"]["pairs"] == 4
    assert data["per_label"]["holding"]["support"] == 1
    assert len(data["confusion"]) == 23 and len(data["confusion"][0]) == 23
    text = format_report(report)
    assert "ground-truth" in text and "MM-OR" in text
    for scope in ("MISS/1/1", "Ultrasound/2/3", "Per surgery type", "Overall"):
        assert scope in text
    assert "official EgoExOR" in format_report(evaluate(truth, truth))
    assert "official EgoExOR" not in text
