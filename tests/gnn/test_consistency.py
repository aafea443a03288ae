"""Temporal consistency on hand-made sequences: Jaccard of consecutive frames, per take."""

from __future__ import annotations

import pytest

from orgraph.core.errors import UnknownNameError
from orgraph.gnn.evaluation import evaluate, format_report
from orgraph.gnn.evaluation.consistency import consistency_per_take, jaccard, summarise
from orgraph.gnn.evaluation.flicker import CHANGE_COLUMNS, change_table, flicker

A = ("head_surgeon", "holding", "scalpel")
B = ("patient", "lyingon", "operating_table")
C = ("assistant", "looking", "patient")


def keys(take: tuple, frames: list[int]) -> list[tuple]:
    return [(*take, f) for f in frames]


def test_jaccard_by_hand() -> None:
    assert jaccard({A, B}, {A, B}) == 1.0
    assert jaccard({A, B}, {A, C}) == pytest.approx(1 / 3)
    assert jaccard({A}, {B}) == 0.0
    assert jaccard(set(), set()) == 1.0  # nothing changed


def test_steady_and_flickering_sequences() -> None:
    t1, t2 = ("MISS", 1, 1), ("Ultrasound", 1, 2)
    frames = keys(t1, [0, 5, 10, 15]) + keys(t2, [3, 4])
    steady = {k: [A, B] for k in frames}
    # MISS/1/1: {A,B} {A} {A,B} {C}: 1/2, 1/2, 0 -> mean 1/3; Ultrasound/1/2: {A} {} -> 0
    flicker = {frames[0]: [A, B], frames[1]: [A], frames[2]: [B, A], frames[3]: [C], frames[4]: [A]}
    per_take = consistency_per_take(frames, flicker)
    assert per_take["MISS/1/1"] == (pytest.approx(1 / 3), 3)
    assert per_take["Ultrasound/1/2"] == (0.0, 1)
    summary = summarise(per_take)
    assert summary["overall"] == pytest.approx((1 / 3 * 3 + 0.0) / 4)  # weighted by frame pairs
    assert summarise(consistency_per_take(frames, steady))["overall"] == 1.0


def test_order_follows_frame_numbers_and_single_frames_are_left_out() -> None:
    t = ("MISS", 2, 1)
    frames = keys(t, [20, 0, 10]) + [("MISS", 3, 1, 7)]
    graphs = {(*t, 0): [A], (*t, 10): [A], (*t, 20): [C]}
    assert consistency_per_take(frames, graphs) == {"MISS/2/1": (0.5, 2)}


def test_report_carries_consistency_of_prediction_and_truth() -> None:
    t = ("MISS", 1, 1)
    truth = {k: [A, B] for k in keys(t, [0, 1, 2])}
    predicted = {(*t, 0): [A, B], (*t, 1): [A], (*t, 2): [A, B]}  # 1/2, 1/2
    report = evaluate(truth, predicted)
    assert report.consistency["per_take"]["MISS/1/1"] == pytest.approx(0.5)
    assert report.truth_consistency["overall"] == 1.0
    d = report.to_dict()
    assert d["temporal_consistency"]["overall"] == pytest.approx(0.5)
    text = format_report(report)
    assert "Temporal consistency" in text and "0.5000" in text


def test_a_second_label_for_a_pair_is_not_counted() -> None:
    t = ("MISS", 1, 1)
    other = ("head_surgeon", "cutting", "scalpel")
    frames = keys(t, [0, 1])
    graphs = {frames[0]: [A], frames[1]: [A, other]}  # `other` repeats A's pair: ignored
    assert consistency_per_take(frames, graphs) == {"MISS/1/1": (1.0, 1)}


def test_change_table_lists_what_appeared_and_disappeared_worst_first() -> None:
    t1, t2 = ("MISS", 1, 1), ("Ultrasound", 1, 2)
    frames = keys(t1, [0, 5, 10, 15]) + keys(t2, [3, 4])
    truth = {k: [A] for k in frames}
    flicker_graphs = {frames[0]: [A, B], frames[1]: [A], frames[2]: [B, A], frames[3]: [C]}
    changes = change_table(truth, flicker_graphs)
    assert list(changes.columns) == list(CHANGE_COLUMNS)
    assert len(changes) == 4  # 3 pairs in MISS/1/1, 1 in Ultrasound/1/2
    row = changes[(changes["take"] == "MISS/1/1") & (changes["frame"] == 10)].iloc[0]
    assert row["next_frame"] == 15 and row["jaccard"] == 0.0
    assert row["appeared"] == "assistant looking patient"
    assert row["disappeared"] == "head_surgeon holding scalpel; patient lyingon operating_table"
    first = changes.iloc[0]
    assert (first["frame"], first["appeared"], first["disappeared"]) == (
        0,
        "",
        "patient lyingon operating_table",
    )
    # the mean of the listed Jaccards per take is exactly the consistency score
    per_take = consistency_per_take(frames, flicker_graphs)
    for take, (score, n) in per_take.items():
        listed = flicker(changes, take)
        assert len(listed) == n
        assert listed["jaccard"].mean() == pytest.approx(score)
    listed = flicker(changes, "MISS/1/1")
    assert list(listed["jaccard"]) == sorted(listed["jaccard"])  # worst first
    assert list(listed["frame"]) == [10, 0, 5]  # ties in frame order
    assert flicker(changes)["jaccard"].tolist() == [0.0, 0.5, 0.5, 1.0]  # two empty frames: 1
    truth_changes = change_table(truth, truth, "ground truth")
    assert (truth_changes["jaccard"] == 1.0).all()
    assert (truth_changes["appeared"] == "").all()


def test_change_table_checks_names_as_the_evaluator_does() -> None:
    t = ("MISS", 1, 1)
    frames = keys(t, [0, 1])
    truth = {k: [A] for k in frames}
    spaced = {frames[0]: [("Head Surgeon", "Holding", "scalpel")], frames[1]: [A]}
    assert change_table(truth, spaced)["jaccard"].tolist() == [1.0]
    with pytest.raises(UnknownNameError, match="prediction of MISS/1/1/frame 0"):
        change_table(truth, {frames[0]: [("nobody", "holding", "scalpel")]})
