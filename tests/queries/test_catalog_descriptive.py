"""Catalog A on both backends, each answer checked against pandas over the HDF5 reader.

The dataset is `tiny` plus the hand-built edge cases (tests/queries/edge_cases.py);
the hand-derived expectations below also check the reference itself.
"""

from __future__ import annotations

import pandas as pd
import pytest

from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import FPS, ROLES
from orgraph.queries.catalog import run_query
from tests.queries import compare
from tests.queries import compare_sequences as seq
from tests.queries.reference import Reference

LEVELS = ["take", "procedure", "surgery_type"]
EDGE = "MISS/9/1"


def run(store: GraphStore, name: str, **params: object) -> pd.DataFrame:
    return run_query(store, name, params)


def test_dataset_overview(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "dataset_overview")
    compare.assert_same(actual, compare.overview(reference))
    empty = actual[actual["procedure"] == "Ultrasound/9"].set_index("split")
    assert empty.loc["validation", "annotated_frames"] == 0  # the take with no annotations
    assert empty.loc["test", "frames"] == 1  # the single-frame take


@pytest.mark.parametrize("level", LEVELS)
def test_relation_frequencies(loaded_store: GraphStore, reference: Reference, level: str) -> None:
    actual = run(loaded_store, "relation_frequencies", level=level)
    expected = compare.relation_frequencies(reference, level)
    compare.assert_same(actual, expected, sort_by=["key", "relation"])
    assert actual["share"].groupby(actual["key"]).sum().round(9).eq(1).all()


def test_relation_frequencies_edge_take(loaded_store: GraphStore) -> None:
    df = run(loaded_store, "relation_frequencies").set_index(["key", "relation"])
    cutting = df.loc[(EDGE, "cutting")]
    # rows 3 (frame 3 twice) + 4 + 6 + 7 = 5; intervals [3,4] and [6,7]
    assert (cutting["triplets"], cutting["intervals"], cutting["frames"]) == (5, 2, 4)
    assert cutting["duration_s"] == pytest.approx(4 / FPS)


@pytest.mark.parametrize("level", LEVELS)
def test_entity_frequencies(loaded_store: GraphStore, reference: Reference, level: str) -> None:
    actual = run(loaded_store, "entity_frequencies", level=level)
    expected = compare.entity_frequencies(reference, level)
    compare.assert_same(actual, expected, sort_by=["key", "entity"])


@pytest.mark.parametrize("surgery_type", ["MISS", "Ultrasound"])
def test_entity_frequencies_per_surgery_type(
    loaded_store: GraphStore, reference: Reference, surgery_type: str
) -> None:
    actual = run(loaded_store, "entity_frequencies", level="take", surgery_type=surgery_type)
    expected = compare.entity_frequencies(reference, "take", surgery_type)
    kinds = reference.takes.set_index("take")["surgery_type"]
    assert set(actual["key"].map(kinds)) == {surgery_type}
    assert 0 < len(expected) < len(compare.entity_frequencies(reference, "take"))
    compare.assert_same(actual, expected, sort_by=["key", "entity"])
    per_type = run(
        loaded_store, "entity_frequencies", level="surgery_type", surgery_type=surgery_type
    )
    compare.assert_same(
        per_type,
        compare.entity_frequencies(reference, "surgery_type", surgery_type),
        sort_by=["key", "entity"],
    )


def test_entity_frequencies_role_without_interactions(loaded_store: GraphStore) -> None:
    df = run(loaded_store, "entity_frequencies").set_index(["key", "entity"])
    circulator = df.loc[(EDGE, "circulator")]
    assert circulator[["subject_triplets", "object_triplets"]].tolist() == [0, 0]
    assert set(df.loc["Ultrasound/9/2"].index) == {"head_surgeon", "circulator"}


def test_activity_timeline_every_take(loaded_store: GraphStore, reference: Reference) -> None:
    for take in reference.takes["take"]:
        actual = run(loaded_store, "activity_timeline", take=take)
        compare.assert_same(actual, compare.timeline(reference, take))  # order included


def test_activity_timeline_subject_filter(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "activity_timeline", take=EDGE, subject="assistant")
    compare.assert_same(actual, compare.timeline(reference, EDGE, "assistant"))
    assert actual[["start_frame", "end_frame"]].values.tolist() == [[4, 4], [7, 8], [8, 8]]


def test_activity_timeline_roles_only(loaded_store: GraphStore, reference: Reference) -> None:
    iv = reference.intervals
    mixed = sorted(set(iv.loc[~iv["subject"].isin(ROLES), "take"]))
    assert mixed  # some take has a subject that is no role
    for take in mixed[:2]:
        actual = run(loaded_store, "activity_timeline", take=take, roles_only=True)
        compare.assert_same(actual, compare.timeline(reference, take, roles_only=True))
        assert set(actual["subject"]) <= set(ROLES)
        everyone = run(loaded_store, "activity_timeline", take=take)
        assert len(actual) < len(everyone)


def test_scene_graph_at_every_frame(loaded_store: GraphStore, reference: Reference) -> None:
    for take, frames in reference.takes[["take", "frames"]].itertuples(index=False):
        whole = compare.scene(reference, take, 0, frames)
        for frame in range(frames):
            actual = run(loaded_store, "scene_graph_at_frame", take=take, frame=frame)
            compare.assert_same(actual, whole[whole["frame"] == frame])


def test_scene_graph_at_frame_edge(loaded_store: GraphStore) -> None:
    df = run(loaded_store, "scene_graph_at_frame", take=EDGE, frame=3)
    cut = df[df["relation"] == "cutting"].iloc[0]
    assert (cut["n"], cut["interval_start"], cut["interval_end"]) == (2, 3, 4)
    for frame in (2, 5, 99, -1):  # unannotated, empty, beyond the take, negative
        assert run(loaded_store, "scene_graph_at_frame", take=EDGE, frame=frame).empty


@pytest.mark.parametrize("window", [(0, 10_000), (3, 8), (5, 5), (40, 60), (9, 2)])
def test_scene_graph_range(
    loaded_store: GraphStore, reference: Reference, window: tuple[int, int]
) -> None:
    first, last = window
    for take in reference.takes["take"]:
        actual = run(loaded_store, "scene_graph_range", take=take, first=first, last=last)
        compare.assert_same(actual, compare.scene(reference, take, first, last))


DF_KEYS = ["take", "surgery_type", "role", "source", "target", "kind"]


@pytest.mark.parametrize("per_take", [False, True])
@pytest.mark.parametrize("role", [None, *ROLES])
def test_directly_follows(
    loaded_store: GraphStore, reference: Reference, role: str | None, per_take: bool
) -> None:
    actual = run(loaded_store, "directly_follows", role=role, per_take=per_take)
    expected = seq.directly_follows(reference.intervals, role=role, per_take=per_take)
    compare.assert_same(actual, expected, sort_by=DF_KEYS)


@pytest.mark.parametrize("flicker", [1, 3, 10])
def test_directly_follows_flicker(
    loaded_store: GraphStore, reference: Reference, flicker: int
) -> None:
    actual = run(loaded_store, "directly_follows", flicker=flicker, per_take=True)
    expected = seq.directly_follows(reference.intervals, per_take=True, flicker=flicker)
    compare.assert_same(actual, expected, sort_by=DF_KEYS)
    plain = run(loaded_store, "directly_follows", per_take=True)
    assert actual["count"].sum() < plain["count"].sum()  # merging removes events


def test_directly_follows_surgery_type_and_take(
    loaded_store: GraphStore, reference: Reference
) -> None:
    for surgery in ("MISS", "Ultrasound"):
        actual = run(loaded_store, "directly_follows", surgery_type=surgery)
        expected = seq.directly_follows(reference.intervals, surgery_type=surgery)
        assert set(actual["surgery_type"]) == {surgery}
        compare.assert_same(actual, expected, sort_by=DF_KEYS)
    for take in reference.takes["take"]:
        actual = run(loaded_store, "directly_follows", take=take)
        compare.assert_same(actual, seq.directly_follows(reference.intervals, take=take), DF_KEYS)


def test_directly_follows_follows_gaps_never_negative(loaded_store: GraphStore) -> None:
    df = run(loaded_store, "directly_follows")
    assert (df.loc[df["kind"] == "follows", "mean_gap_s"] >= 0).all()
    assert (df.loc[df["kind"] == "concurrent", "mean_gap_s"] < 0).all()
    assert df.loc[df["kind"].isin(["start", "end"]), "mean_gap_s"].isna().all()
    starts = df[df["kind"] == "start"].groupby(["surgery_type", "role"])["count"].sum()
    ends = df[df["kind"] == "end"].groupby(["surgery_type", "role"])["count"].sum()
    pd.testing.assert_series_equal(starts, ends)  # one start and one end per case


def test_directly_follows_edge_by_hand(loaded_store: GraphStore) -> None:
    df = run(loaded_store, "directly_follows", take=EDGE, role="head_surgeon", per_take=True)
    got = {
        (r.source, r.target, r.kind): (
            r.count,
            None if pd.isna(r.mean_gap_s) else round(r.mean_gap_s * FPS, 6),
        )
        for r in df.itertuples()
    }
    # events: (0,1) closeto table, (0,1) holding scalpel, (3,4) cutting, (3,4) holding scalpel,
    # (4,4) closeto table, (6,7) cutting, (6,7) holding scalpel, (8,8) curette, (11,11) dressing
    assert got == {
        ("[start]", "closeto operating_table", "start"): (1, None),
        ("closeto operating_table", "holding scalpel", "concurrent"): (1, -2.0),
        ("holding scalpel", "cutting patient", "follows"): (1, 1.0),
        ("cutting patient", "holding scalpel", "concurrent"): (2, -2.0),
        ("holding scalpel", "closeto operating_table", "concurrent"): (1, -1.0),
        ("closeto operating_table", "cutting patient", "follows"): (1, 1.0),
        ("holding scalpel", "holding curette", "follows"): (1, 0.0),
        ("holding curette", "dressing patient", "follows"): (1, 2.0),
        ("dressing patient", "[end]", "end"): (1, None),
    }
    assert set(df["take"]) == {EDGE}


@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("min_support", [1, 2])
def test_ngrams(loaded_store: GraphStore, reference: Reference, n: int, min_support: int) -> None:
    actual = run(loaded_store, "ngrams", n=n, min_support=min_support)
    expected = seq.ngrams(reference.intervals, n, min_support=min_support)
    assert not expected.empty
    compare.assert_same(actual, expected, sort_by=["role", "pattern"])


@pytest.mark.parametrize(("collapse", "flicker"), [(True, 0), (False, 2), (True, 2)])
def test_ngrams_collapse_flicker(
    loaded_store: GraphStore, reference: Reference, collapse: bool, flicker: int
) -> None:
    actual = run(loaded_store, "ngrams", n=3, collapse=collapse, flicker=flicker)
    expected = seq.ngrams(reference.intervals, 3, collapse=collapse, flicker=flicker)
    assert not expected.empty
    compare.assert_same(actual, expected, sort_by=["role", "pattern"])


@pytest.mark.parametrize("role", ROLES)
def test_ngrams_per_role(loaded_store: GraphStore, reference: Reference, role: str) -> None:
    actual = run(loaded_store, "ngrams", role=role, n=3)
    expected = seq.ngrams(reference.intervals, 3, role=role)
    compare.assert_same(actual, expected, sort_by=["pattern"])


def test_ngrams_edge_by_hand(loaded_store: GraphStore) -> None:
    df = run(loaded_store, "ngrams", take=EDGE, role="head_surgeon", n=4)
    assert len(df) == 6  # 9 events -> 6 runs of 4, all different
    assert "cutting patient -> holding scalpel -> holding curette -> dressing patient" in set(
        df["pattern"]
    )
    two = run(loaded_store, "ngrams", take=EDGE, role="head_surgeon", n=2).set_index("pattern")
    assert two.loc["cutting patient -> holding scalpel", "occurrences"] == 2
    assert run(loaded_store, "ngrams", take="Ultrasound/9/1", n=2).empty  # one event only
