"""Object-centric, variant and performance queries on both backends, against pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import run_query
from tests.queries import compare
from tests.queries import compare_sequences as seq
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
