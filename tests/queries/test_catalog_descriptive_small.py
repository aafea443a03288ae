"""Catalog A at the `small` scale (10 takes, ~6,000 frames) on both backends, vs pandas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import run_query
from tests.queries import compare
from tests.queries import compare_sequences as seq
from tests.queries.reference import LoadUnit, Reference, read_reference
from tests.support.queries import BACKENDS, open_loaded, synth_units

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_units(tmp_path_factory: pytest.TempPathFactory) -> list[LoadUnit]:
    return synth_units(tmp_path_factory.mktemp("small"), "small", seed=3)


@pytest.fixture(scope="module")
def small_reference(small_units: list[LoadUnit]) -> Reference:
    return read_reference(small_units)


@pytest.fixture(scope="module", params=BACKENDS)
def small_store(
    request: pytest.FixtureRequest, small_units: list[LoadUnit], tmp_path_factory
) -> Iterator[GraphStore]:
    db: Path = tmp_path_factory.mktemp("small_db")
    store = open_loaded(request.param, small_units, request, db)
    yield store
    store.close()


def test_dataset_queries(small_store: GraphStore, small_reference: Reference) -> None:
    ref = small_reference
    compare.assert_same(run_query(small_store, "dataset_overview"), compare.overview(ref))
    for level in ("take", "surgery_type"):
        compare.assert_same(
            run_query(small_store, "relation_frequencies", {"level": level}),
            compare.relation_frequencies(ref, level),
            sort_by=["key", "relation"],
        )
        compare.assert_same(
            run_query(small_store, "entity_frequencies", {"level": level}),
            compare.entity_frequencies(ref, level),
            sort_by=["key", "entity"],
        )
    keys = ["take", "surgery_type", "role", "source", "target", "kind"]
    for per_take in (False, True):
        compare.assert_same(
            run_query(small_store, "directly_follows", {"per_take": per_take}),
            seq.directly_follows(ref.intervals, per_take=per_take),
            sort_by=keys,
        )
    for n in (2, 4):
        compare.assert_same(
            run_query(small_store, "ngrams", {"n": n, "min_support": 2}),
            seq.ngrams(ref.intervals, n, min_support=2),
            sort_by=["role", "pattern"],
        )


def test_take_queries(small_store: GraphStore, small_reference: Reference) -> None:
    ref = small_reference
    for take, frames in ref.takes[["take", "frames"]].itertuples(index=False):
        compare.assert_same(
            run_query(small_store, "activity_timeline", {"take": take}),
            compare.timeline(ref, take),
        )
        whole = compare.scene(ref, take, 0, frames)
        got = run_query(
            small_store,
            "scene_graph_range",
            {"take": take, "first": 0, "last": frames},
            row_limit=1_000_000,
        )
        compare.assert_same(got, whole)
        for frame in range(0, frames, 97):
            got = run_query(small_store, "scene_graph_at_frame", {"take": take, "frame": frame})
            compare.assert_same(got, whole[whole["frame"] == frame])
