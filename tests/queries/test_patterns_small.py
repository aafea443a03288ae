"""`find` equals the brute-force frame scan at the `small` scale, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.patterns import Filters, find, parse
from tests.queries import pattern_reference as ref
from tests.queries.reference import LoadUnit
from tests.support.queries import BACKENDS, open_loaded, synth_units

pytestmark = pytest.mark.slow

PATTERNS = [
    "head_surgeon holding scalpel",
    "anaesthetist closeTo patient",
    "?a holding ?x",
    "* holding * & * looking * for >= 3s",
    "?a holding * & ?b looking ?y",
    "?a closeto operating_table & !?a holding * for >= 2s",
    "anesthetist * * & !anesthetist closeto patient for > 10s",
    "?a holding ?x then ?b holding ?x within 2s",
    "head_surgeon holding needle then head_surgeon inserting * within 5s",
    "* * * for >= 20s",
]


@pytest.fixture(scope="module")
def small_units(tmp_path_factory: pytest.TempPathFactory) -> list[LoadUnit]:
    return synth_units(tmp_path_factory.mktemp("small_find"), "small", seed=4)


@pytest.fixture(scope="module")
def small_frames(small_units: list[LoadUnit]) -> dict[str, ref.TakeFrames]:
    return ref.read_frames(small_units)


@pytest.fixture(scope="module", params=BACKENDS)
def small_store(
    request: pytest.FixtureRequest, small_units: list[LoadUnit], tmp_path_factory
) -> Iterator[GraphStore]:
    db: Path = tmp_path_factory.mktemp("small_find_db")
    store = open_loaded(request.param, small_units, request, db)
    yield store
    store.close()


def test_small_scale_equals_the_frame_scan(small_store: GraphStore, small_frames: dict) -> None:
    nonempty = 0
    for pattern in PATTERNS:
        for gap in (0, 2):
            expected = ref.as_rows(ref.moments(parse(pattern), small_frames, gap=gap))
            got = find(small_store, pattern, gap_tolerance=gap).moments.to_dict("records")
            assert ref.as_rows(got) == expected, (pattern, gap)
            nonempty += bool(expected)
    assert nonempty >= 14  # the comparison is not between empty sets


def test_small_scale_filters(small_store: GraphStore, small_frames: dict) -> None:
    for filters in (Filters(surgery_type="Ultrasound", split="train"), Filters(split="test")):
        pattern = "?a holding ?x then ?b holding ?x within 2s"
        expected = ref.as_rows(ref.moments(parse(pattern), small_frames, filters))
        got = find(small_store, pattern, filters=filters).moments.to_dict("records")
        assert ref.as_rows(got) == expected
