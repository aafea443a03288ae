"""Object-centric, variant and performance queries on both backends, against pandas."""

from __future__ import annotations

import pandas as pd
import pm4py
import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import run_query
from tests.queries import compare
from tests.queries import compare_sequences as seq
from tests.queries import compare_views as views
from tests.queries.reference import Reference

DF_KEYS = ["take", "surgery_type", "entity", "source", "target", "kind"]


def run(store: GraphStore, name: str, **params: object) -> pd.DataFrame:
    return run_query(store, name, params)


@pytest.mark.parametrize("perspective", ["object", "pair"])
@pytest.mark.parametrize(("flicker", "per_take"), [(0, False), (2, True)])
def test_object_dfg(
    loaded_store: GraphStore, reference: Reference, perspective: str, flicker: int, per_take: bool
) -> None:
    actual = run(loaded_store, f"{perspective}_dfg", flicker=flicker, per_take=per_take)
    expected = seq.directly_follows(
        reference.intervals, per_take=per_take, flicker=flicker, perspective=perspective
    ).rename(columns={"role": "entity"})
    assert not expected.empty
    compare.assert_same(actual, expected, sort_by=DF_KEYS)


def test_object_dfg_one_object(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "object_dfg", object="patient")
    expected = seq.directly_follows(reference.intervals, perspective="object", obj="patient")
    assert set(actual["entity"]) == {"patient"}
    compare.assert_same(actual, expected.rename(columns={"role": "entity"}), sort_by=DF_KEYS)


def test_working_together(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "working_together")
    expected = seq.working_together(reference.intervals)
    assert not expected.empty
    keys = ["surgery_type", "role_a", "role_b", "object"]
    compare.assert_same(actual, expected, sort_by=keys)
    take = reference.takes["take"].iloc[0]
    one = run(loaded_store, "working_together", take=take)
    compare.assert_same(one, seq.working_together(reference.intervals, take), sort_by=keys)
    for surgery_type in ("MISS", "Ultrasound"):
        part = run(loaded_store, "working_together", surgery_type=surgery_type)
        ref = seq.working_together(reference.intervals, surgery_type=surgery_type)
        assert set(part["surgery_type"]) == {surgery_type}
        compare.assert_same(part, ref, sort_by=keys)


@pytest.mark.parametrize("unit", ["phase", "action"])
@pytest.mark.parametrize("level", ["take", "variant"])
def test_variants(loaded_store: GraphStore, reference: Reference, unit: str, level: str) -> None:
    actual = run(loaded_store, "variants", unit=unit, level=level)
    expected = views.variants(reference, unit, level)
    assert not expected.empty
    keys = ["surgery_type", "take"] if level == "take" else ["surgery_type", "variant"]
    compare.assert_same(actual, expected, sort_by=keys)


@pytest.mark.parametrize("unit", ["phase", "action"])
def test_variant_deviations_every_take(
    loaded_store: GraphStore, reference: Reference, unit: str
) -> None:
    takes = sorted(views.take_steps(reference, unit))
    statuses = set()
    for take in takes:
        actual = run(loaded_store, "variant_deviations", take=take, unit=unit)
        expected = views.deviations(reference, take, unit)
        compare.assert_same(actual, expected, sort_by=["step"])
        statuses |= set(actual["status"])
    assert "ok" in statuses


@pytest.mark.parametrize("flicker", [0, 3])
def test_activity_durations_and_waits(
    loaded_store: GraphStore, reference: Reference, flicker: int
) -> None:
    actual = run(loaded_store, "activity_durations", flicker=flicker)
    compare.assert_same(
        actual, views.activity_durations(reference, flicker), ["surgery_type", "activity"]
    )
    waits = run(loaded_store, "waiting_times", flicker=flicker)
    compare.assert_same(waits, views.waiting_times(reference, flicker), ["surgery_type", "role"])
    assert (waits["min_s"] >= 0).all()


def test_phase_durations_and_idle_time(loaded_store: GraphStore, reference: Reference) -> None:
    actual = run(loaded_store, "phase_durations")
    compare.assert_same(actual, views.phase_durations(reference), ["surgery_type", "phase"])
    idle = run(loaded_store, "idle_time")
    expected = views.idle_time(reference)
    compare.assert_same(idle, expected, ["take", "role"])
    assert (idle["idle_frames"] >= 0).all() and idle["idle_share"].between(0, 1).any()


def test_variants_equal_pm4py_variants(loaded_store: GraphStore, reference: Reference) -> None:
    """PM4Py's variants of a log of each take's first key steps = our variant counts."""
    rows = [
        (tk, step, pd.Timestamp("2000-01-01", tz="UTC") + pd.Timedelta(seconds=frame / 15))
        for tk, (_, steps) in views.take_steps(reference).items()
        for step, frame in steps
    ]
    log = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    theirs = pm4py.get_variants(log)
    ours = run(loaded_store, "variants")
    mine = ours.groupby("variant")["takes"].sum().to_dict()
    assert {" -> ".join(v): int(n) for v, n in theirs.items()} == mine
