"""Catalog B (handovers, Allen concurrency, co-occurrence, workload, phases, coverage,
event log) on both backends, against independent pandas answers from HDF5."""

from __future__ import annotations

import pandas as pd
import pm4py
import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import run_query
from orgraph.queries.catalog.registry import QueryError
from orgraph.queries.eventlog import (
    ACTIVITY,
    CASE,
    END,
    RESOURCE,
    START,
    event_log,
    write_event_log,
)
from tests.queries import compare, compare_process
from tests.queries.reference import Reference, role_events

EDGE = "MISS/9/1"
SINGLE = "Ultrasound/9/1"
EMPTY = "Ultrasound/9/2"


def run(store: GraphStore, name: str, **params: object) -> pd.DataFrame:
    return run_query(store, name, params)


@pytest.mark.parametrize("max_gap", [45, 0, -1])
def test_handovers(loaded_store: GraphStore, reference: Reference, max_gap: int) -> None:
    actual = run(loaded_store, "handovers", max_gap=max_gap)
    expected = compare_process.handovers(reference, max_gap)
    if max_gap == 45:
        assert len(expected) > 0  # the tiny workflow hands objects over
    compare.assert_same(actual, expected, sort_by=list(actual.columns[:8]))


def test_handovers_filters(loaded_store: GraphStore, reference: Reference) -> None:
    first = compare_process.handovers(reference, 45).iloc[0]
    actual = run(loaded_store, "handovers", object=first["object"], take=first["take"])
    expected = compare_process.handovers(reference, 45, obj=first["object"], take=first["take"])
    compare.assert_same(actual, expected, sort_by=list(actual.columns[:8]))
    assert run(loaded_store, "handovers", take=EDGE).empty  # one holder per object there


@pytest.mark.parametrize("surgery_type", ["MISS", "Ultrasound"])
def test_handovers_per_surgery_type(
    loaded_store: GraphStore, reference: Reference, surgery_type: str
) -> None:
    actual = run(loaded_store, "handovers", surgery_type=surgery_type)
    expected = compare_process.handovers(reference, 45, surgery_type=surgery_type)
    assert 0 < len(expected) < len(compare_process.handovers(reference, 45))  # it filters
    assert set(actual["take"]) <= compare_process.takes_of_type(reference, surgery_type)
    compare.assert_same(actual, expected, sort_by=list(actual.columns[:8]))
    first = expected.iloc[0]
    narrow = run(loaded_store, "handovers", surgery_type=surgery_type, object=first["object"])
    compare.assert_same(
        narrow,
        compare_process.handovers(reference, 45, obj=first["object"], surgery_type=surgery_type),
        sort_by=list(actual.columns[:8]),
    )


@pytest.mark.parametrize("name", ["handovers", "allen_concurrency"])
def test_surgery_type_must_be_one_of_the_vocabulary(loaded_store: GraphStore, name: str) -> None:
    for bad in ("MISS/9", "miss", ""):  # a procedure prefix is no surgery type
        with pytest.raises(QueryError, match="parameter 'surgery_type' must be one of MISS"):
            run(loaded_store, name, surgery_type=bad)


@pytest.mark.parametrize("window", [30, 0])
def test_allen_concurrency(loaded_store: GraphStore, reference: Reference, window: int) -> None:
    actual = run(loaded_store, "allen_concurrency", before_window=window)
    expected = compare_process.allen(reference, window)
    compare.assert_same(actual, expected, sort_by=list(actual.columns[:5]))
    assert {"overlaps", "during", "meets"} <= set(actual["relation"])


@pytest.mark.parametrize("surgery_type", ["MISS", "Ultrasound"])
def test_allen_concurrency_per_surgery_type(
    loaded_store: GraphStore, reference: Reference, surgery_type: str
) -> None:
    actual = run(loaded_store, "allen_concurrency", surgery_type=surgery_type)
    expected = compare_process.allen(reference, 30, surgery_type=surgery_type)
    everything = compare_process.allen(reference, 30)
    assert 0 < expected["pairs"].sum() < everything["pairs"].sum()  # the filter bites
    compare.assert_same(actual, expected, sort_by=list(actual.columns[:5]))
    both = run(loaded_store, "allen_concurrency", surgery_type=surgery_type, take=EDGE)
    if surgery_type == "MISS":
        expected = compare_process.allen(reference, 30, EDGE)
        compare.assert_same(both, expected, sort_by=list(both.columns[:5]))
    else:
        assert both.empty  # a MISS take is no Ultrasound take


def test_allen_edge_take(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "allen_concurrency", take=EDGE)
    compare.assert_same(
        actual, compare_process.allen(reference, 30, EDGE), list(actual.columns[:5])
    )
    rows = set(
        actual[["x_role", "x_action", "relation", "y_role", "y_action"]].itertuples(
            index=False, name=None
        )
    )
    # forceps at frame 4 ends with the cut (3-4): finishes; looking (7-8) overlaps scalpel (6-7)
    assert ("assistant", "holding forceps", "finishes", "head_surgeon", "cutting patient") in rows
    assert (
        "head_surgeon",
        "holding scalpel",
        "overlaps",
        "assistant",
        "looking instrument_table",
    ) in rows


@pytest.mark.parametrize("min_support", [0.05, 0.3])
def test_cooccurrence(loaded_store: GraphStore, reference: Reference, min_support: float) -> None:
    actual = run(loaded_store, "cooccurrence", min_support=min_support)
    expected = compare_process.cooccurrence(reference, min_support)
    assert len(expected) > 0
    compare.assert_same(actual, expected, sort_by=["triplet_a", "triplet_b"])


def test_cooccurrence_edge_take(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "cooccurrence", min_support=0.0, take=EDGE)
    expected = compare_process.cooccurrence(reference, 0.0, EDGE)
    compare.assert_same(actual, expected, sort_by=["triplet_a", "triplet_b"])
    assert set(actual["annotated_frames"]) == {9}  # 2, 9, 10 unannotated; empty 5 counts
    assert run(loaded_store, "cooccurrence", min_support=0.0, take=EMPTY).empty


@pytest.mark.parametrize("exclude", [(), ("closeto", "looking")])
def test_role_workload(loaded_store: GraphStore, reference: Reference, exclude: tuple) -> None:
    actual = run(loaded_store, "role_workload", exclude_relations=",".join(exclude))
    expected = compare_process.workload(reference, exclude)
    compare.assert_same(actual, expected, sort_by=["take", "role"])
    edge = actual[actual["take"] == EDGE].set_index("role")
    assert edge.loc["circulator", "busy_frames"] == 0  # a source, never a subject
    assert edge.loc["circulator", "idle_frames"] == 9
    assert (actual[actual["take"] == EMPTY]["annotated_frames"] == 0).all()


@pytest.mark.parametrize("surgery_type", [None, "MISS"])
def test_phase_timeline(
    loaded_store: GraphStore, reference: Reference, surgery_type: str | None
) -> None:
    per_take = run(loaded_store, "phase_timeline", level="take", surgery_type=surgery_type)
    expected = compare_process.phase_takes(reference, surgery_type=surgery_type)
    assert len(expected) > 0
    compare.assert_same(per_take, expected, sort_by=["take", "action"])
    summary = run(loaded_store, "phase_timeline", surgery_type=surgery_type)
    compare.assert_same(
        summary, compare_process.phase_summary(expected), ["surgery_type", "action"]
    )
    assert summary["takes"].max() > 1  # std over several takes is exercised


def test_phase_timeline_one_take(loaded_store: GraphStore, reference: Reference) -> None:
    take = compare_process.phase_takes(reference)["take"].value_counts().idxmax()
    actual = run(loaded_store, "phase_timeline", level="take", take=take)
    expected = compare_process.phase_takes(reference, take=take)
    assert len(expected) > 1 and set(actual["take"]) == {take}
    compare.assert_same(actual, expected, sort_by=["take", "action"])
    other = "Ultrasound" if take.startswith("MISS") else "MISS"
    assert run(loaded_store, "phase_timeline", level="take", take=take, surgery_type=other).empty


def test_phase_timeline_chosen_actions(loaded_store: GraphStore, reference: Reference) -> None:
    actions = ["holding scalpel", "dressing patient"]
    actual = run(loaded_store, "phase_timeline", level="take", actions=actions)
    expected = compare_process.phase_takes(reference, actions)
    compare.assert_same(actual, expected, sort_by=["take", "action"])
    edge = actual[actual["take"] == EDGE].set_index("action")
    assert edge.loc["holding scalpel", ["first_frame", "last_frame"]].tolist() == [0, 7]
    assert edge.loc["dressing patient", "last_position"] == pytest.approx(1.0)


def test_ego_coverage(loaded_store: GraphStore, reference: Reference, query_units) -> None:
    actual = run(loaded_store, "ego_coverage")
    paths = [p for unit_paths, _ in query_units for p in unit_paths]
    expected = compare_process.coverage(paths, reference)
    compare.assert_same(actual, expected, sort_by=["take", "role"])
    assert 0 < actual["gaze_share"].mean() < 1
    assert run(loaded_store, "ego_coverage", take=SINGLE)["frames"].tolist() == [1, 1]


def _pm4py_frame(log: pd.DataFrame) -> pd.DataFrame:
    return pm4py.format_dataframe(
        log, case_id=CASE, activity_key=ACTIVITY, timestamp_key=END, start_timestamp_key=START
    )


def test_event_log_matches_intervals(loaded_store: GraphStore, reference: Reference) -> None:
    log = event_log(loaded_store)
    iv = compare_process.role_intervals(reference)
    assert len(log) == len(iv)
    assert set(log[CASE]) == set(iv["take"])
    assert set(log[RESOURCE]) == set(iv["subject"])
    assert (log[END] > log[START]).all()
    first = log.iloc[0]
    assert first[START] == pd.Timestamp("2000-01-01", tz="UTC") + pd.Timedelta(
        seconds=first["start_seconds"]
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_event_log_files_read_by_pm4py(loaded_store: GraphStore, tmp_path, fmt: str) -> None:
    log = event_log(loaded_store)
    path = write_event_log(log, tmp_path / f"log.{fmt}", fmt)
    back = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    formatted = _pm4py_frame(back)
    assert len(formatted) == len(log)
    assert pm4py.get_event_attribute_values(formatted, RESOURCE)
    assert set(pm4py.get_start_activities(formatted)) <= set(log[ACTIVITY])
    assert not list(tmp_path.glob(".log*"))  # no temporary file left behind


def test_directly_follows_equals_pm4py_dfg(loaded_store: GraphStore, reference: Reference) -> None:
    """PM4Py's DFG of the per-role log = our follows + concurrent edges (start/end apart)."""
    log = event_log(loaded_store, case="role")
    full = run(loaded_store, "directly_follows")
    ours = full[full["kind"].isin(["follows", "concurrent"])]
    for role, sub in log.groupby(RESOURCE):
        dfg, starts, ends = pm4py.discover_dfg(
            _pm4py_frame(sub.reset_index(drop=True)),
            case_id_key=CASE,
            activity_key=ACTIVITY,
            timestamp_key=START,
        )
        mine = ours[ours["role"] == role].groupby(["source", "target"])["count"].sum()
        assert mine.to_dict() == dict(dfg), role
        # one start and one end edge per case (PM4Py breaks ties of equal starts its own way)
        for kind, theirs in (("start", starts), ("end", ends)):
            edge = full[(full["role"] == role) & (full["kind"] == kind)]
            assert edge["count"].sum() == sum(theirs.values()) == sub[CASE].nunique(), role
    n_events = sum(len(ev) for ev in role_events(reference.intervals).values())
    assert len(log) == n_events
