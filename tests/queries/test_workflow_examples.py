"""The worked examples of docs/workflow-mining.md, on both backends, value by value."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import FPS
from orgraph.queries.catalog import run_query
from tests.queries.workflow_examples import WORKED_TAKE, write_worked_file
from tests.support.queries import BACKENDS, open_loaded

T = WORKED_TAKE


@pytest.fixture(scope="module", params=BACKENDS)
def worked(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[GraphStore]:
    """A store holding only the worked-example take."""
    path = write_worked_file(tmp_path_factory.mktemp("worked") / "worked.h5")
    store = open_loaded(request.param, [((path,), None)], request, tmp_path_factory.mktemp("wdb"))
    yield store
    store.close()


def edges(df: pd.DataFrame) -> dict[tuple[str, str, str], tuple[int, float | None]]:
    """(source, target, kind) -> (count, mean gap in frames, None without a gap)."""
    out = {}
    for r in df.itertuples():
        gap = None if pd.isna(r.mean_gap_s) else round(r.mean_gap_s * FPS, 6)
        out[(r.source, r.target, r.kind)] = (r.count, gap)
    return out


def test_handover_counted_once_per_giver_interval(worked: GraphStore) -> None:
    df = run_query(worked, "handovers", {"take": T})
    assert len(df) == 1  # not 3: one per fragment of the surgeon's flickering holding
    row = df.iloc[0]
    assert (row.object, row.giver, row.receiver) == ("forceps", "assistant", "head_surgeon")
    assert (row.giver_start_frame, row.giver_end_frame) == (0, 4)
    assert (row.receiver_start_frame, row.receiver_end_frame) == (4, 6)
    assert row.gap_frames == -1  # both hold it in frame 4


def test_directly_follows_without_flicker(worked: GraphStore) -> None:
    df = run_query(worked, "directly_follows", {"take": T, "role": "circulator"})
    assert set(df["surgery_type"]) == {"MISS"}
    assert edges(df) == {
        ("[start]", "closeto instrument_table", "start"): (1, None),
        ("closeto instrument_table", "looking instrument_table", "concurrent"): (1, -2.0),
        ("looking instrument_table", "closeto instrument_table", "follows"): (1, 1.0),
        ("closeto instrument_table", "holding scalpel", "follows"): (1, 1.0),
        ("holding scalpel", "[end]", "end"): (1, None),
    }


def test_directly_follows_with_flicker(worked: GraphStore) -> None:
    df = run_query(worked, "directly_follows", {"take": T, "role": "circulator", "flicker": 1})
    assert edges(df) == {
        ("[start]", "closeto instrument_table", "start"): (1, None),
        ("closeto instrument_table", "looking instrument_table", "concurrent"): (1, -5.0),
        ("looking instrument_table", "holding scalpel", "follows"): (1, 4.0),
        ("holding scalpel", "[end]", "end"): (1, None),
    }


def test_directly_follows_one_activity_case(worked: GraphStore) -> None:
    df = run_query(worked, "directly_follows", {"take": T, "role": "anesthetist"})
    assert edges(df) == {
        ("[start]", "closeto anesthesia_equipment", "start"): (1, None),
        ("closeto anesthesia_equipment", "[end]", "end"): (1, None),
    }


def test_directly_follows_median_gap(worked: GraphStore) -> None:
    df = run_query(worked, "directly_follows", {"take": T, "role": "head_surgeon"})
    loop = df[(df["source"] == "holding forceps") & (df["target"] == "holding forceps")]
    assert loop[["count", "kind"]].values.tolist() == [[2, "follows"]]
    assert loop["median_gap_s"].iloc[0] * FPS == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"holding forceps -> holding forceps": 2, "holding forceps -> cutting patient": 1}),
        ({"collapse": True}, {"holding forceps -> cutting patient": 1}),
        ({"flicker": 1}, {"holding forceps -> cutting patient": 1}),
    ],
)
def test_ngrams_collapse_and_flicker(worked: GraphStore, params: dict, expected: dict) -> None:
    df = run_query(worked, "ngrams", {"take": T, "role": "head_surgeon", "n": 2, **params})
    assert dict(zip(df["pattern"], df["occurrences"], strict=True)) == expected


def test_object_lifecycle_of_the_forceps(worked: GraphStore) -> None:
    df = run_query(worked, "object_dfg", {"take": T, "object": "forceps"})
    assert edges(df) == {
        ("[start]", "assistant holding", "start"): (1, None),
        ("assistant holding", "head_surgeon holding", "concurrent"): (1, -1.0),
        ("head_surgeon holding", "head_surgeon holding", "follows"): (2, 1.0),
        ("head_surgeon holding", "[end]", "end"): (1, None),
    }


def test_working_together_on_the_forceps(worked: GraphStore) -> None:
    df = run_query(worked, "working_together", {"take": T})
    assert df[["role_a", "role_b", "object", "pairs", "overlap_frames"]].values.tolist() == [
        ["assistant", "head_surgeon", "forceps", 1, 1]
    ]


def test_variants_of_the_phase_takes(worked: GraphStore) -> None:
    df = run_query(worked, "variants", {"surgery_type": "MISS"})
    assert df[["variant", "takes"]].values.tolist() == [
        ["disinfection -> cutting -> dressing", 2],
        ["cutting", 1],
        ["cutting -> disinfection", 1],
    ]
    assert df["share"].tolist() == [0.5, 0.25, 0.25]


def test_deviations_missing_and_reordered(worked: GraphStore) -> None:
    df = run_query(worked, "variant_deviations", {"take": "MISS/8/4"})
    got = {
        r.step: (r.status, None if pd.isna(r.first_frame) else r.first_frame)
        for r in df.itertuples()
    }
    assert got == {
        "cutting": ("reordered", 0),
        "disinfection": ("reordered", 3),
        "dressing": ("missing", None),
    }
    assert set(df["reference_variant"]) == {"disinfection -> cutting -> dressing"}
    same = run_query(worked, "variant_deviations", {"take": "MISS/8/3"})
    assert set(same["status"]) == {"ok"}


def test_phase_durations_and_waits(worked: GraphStore) -> None:
    df = run_query(worked, "phase_durations", {"surgery_type": "MISS"}).set_index("phase")
    # disinfection lasts 2, 3 and 2 frames in takes 2, 3, 4
    assert df.loc["disinfection", "occurrences"] == 3
    assert df.loc["disinfection", "median_s"] * FPS == pytest.approx(2.0)
    assert df.loc["disinfection", "max_s"] * FPS == pytest.approx(3.0)
    waits = run_query(worked, "waiting_times", {"take": T}).set_index("role")
    assert waits.loc["head_surgeon", "waits"] == 3  # forceps, forceps, forceps, cutting
    assert waits.loc["head_surgeon", "mean_s"] * FPS == pytest.approx(1.0)
    idle = run_query(worked, "idle_time", {"take": T}).set_index("role")
    assert idle.loc["head_surgeon", "busy_frames"] == 9  # frames 4-6, 8-9, 11-12, 14-15
    assert idle.loc["head_surgeon", "idle_frames"] == 7
