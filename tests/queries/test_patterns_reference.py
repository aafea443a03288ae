"""`find` equals the brute-force frame scan on both backends (tiny data + edge cases)."""

from __future__ import annotations

import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.patterns import FilterError, Filters, find, parse
from tests.queries import pattern_reference as ref
from tests.queries.reference import LoadUnit

PATTERNS = [
    # triplets, raw spellings, wildcards
    "head_surgeon holding scalpel",
    "anaesthetist closeTo operation_table",
    "assistant checking instrument_table",
    "* holding *",
    "* * patient",
    "* * *",
    "head_surgeon * *",
    # variables, shared across terms
    "?a holding ?x",
    "?a holding ?x & ?a closeto operating_table",
    "?a holding * & ?b looking ?y",
    "?a closeto ?b",
    "?a * ?a",
    # conjunction and negation
    "head_surgeon holding scalpel & head_surgeon cutting patient",
    "head_surgeon holding scalpel & !head_surgeon cutting patient",
    "?a closeto operating_table & !?a holding *",
    "* closeto operating_table & !head_surgeon * * & !anesthetist * *",
    "patient lyingon operating_table & !* holding * & !* looking *",
    # lengths
    "* holding * for >= 1s",
    "?a holding ?x for > 10f",
    "head_surgeon holding * for < 5f",
    "* closeto * & * holding * for <= 0.5s",
    # sequences
    "?a holding ?x then ?b holding ?x within 2s",
    "head_surgeon holding scalpel then head_surgeon cutting patient within 0s",
    "head_surgeon holding scalpel then head_surgeon cutting patient within 1f",
    "head_surgeon holding * then assistant * * within 10f then head_surgeon * * within 5f",
    "?a holding ?x for >= 5f then ?a * ?y & !?a holding * within 1s",
    # single-frame take and empty results
    "head_surgeon scanning patient & ultrasound_probe touching patient",
    "circulator holding scalpel & anesthetist holding scalpel",
]


@pytest.fixture(scope="session")
def scan_frames(query_units: list[LoadUnit]) -> dict[str, ref.TakeFrames]:
    return ref.read_frames(query_units)


def found_rows(store: GraphStore, pattern: str, **kwargs) -> list[tuple]:
    result = find(store, pattern, **kwargs)
    assert result.total == len(result.moments)
    return ref.as_rows(result.moments.to_dict("records"))


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("gap", [0, 1, 3])
def test_find_equals_the_frame_scan(
    loaded_store: GraphStore, scan_frames: dict, pattern: str, gap: int
) -> None:
    expected = ref.as_rows(ref.moments(parse(pattern), scan_frames, gap=gap))
    assert found_rows(loaded_store, pattern, gap_tolerance=gap) == expected


@pytest.mark.parametrize(
    "filters",
    [
        Filters(surgery_type="MISS"),
        Filters(surgery_type="ultrasound"),
        Filters(split="test"),
        Filters(takes=("MISS/9/1",)),
        Filters(takes=("MISS/9/1", "Ultrasound/9/1"), split="train"),
    ],
)
def test_filters_equal_the_frame_scan(
    loaded_store: GraphStore, scan_frames: dict, filters: Filters
) -> None:
    for pattern in ("head_surgeon holding *", "?a holding ?x then ?b holding ?x within 3s"):
        expected = ref.as_rows(ref.moments(parse(pattern), scan_frames, filters))
        assert found_rows(loaded_store, pattern, filters=filters) == expected


def test_edge_take_runs_by_hand(loaded_store: GraphStore) -> None:
    """Frame 2 is unannotated, frame 5 annotated but empty, frames 9-10 unannotated."""
    only = Filters(takes=("MISS/9/1",))

    def spans(pattern: str, gap: int = 0) -> list[tuple[int, int, int]]:
        df = find(loaded_store, pattern, filters=only, gap_tolerance=gap).moments
        return list(zip(df["start_frame"], df["end_frame"], df["frames"], strict=True))

    assert spans("head_surgeon holding scalpel") == [(0, 1, 2), (3, 4, 2), (6, 7, 2)]
    # an unannotated frame is bridged by a gap tolerance, an empty annotated one never
    assert spans("head_surgeon holding scalpel", 1) == [(0, 4, 4), (6, 7, 2)]
    assert spans("anesthetist closeto anesthesia_equipment", 2) == [(1, 1, 1), (11, 11, 1)]
    assert spans("head_surgeon holding scalpel & !head_surgeon cutting patient", 1) == [(0, 1, 2)]
    # then across the unannotated frame 2: scalpel 0-1, cutting from 3 (gap of 1 frame)
    # within 0f: cutting must start on the frame right after the scalpel run ends
    assert spans("head_surgeon holding scalpel then head_surgeon cutting patient within 0f") == []
    seq = find(
        loaded_store,
        "head_surgeon holding scalpel then head_surgeon cutting patient within 1f",
        filters=only,
    ).moments
    assert seq["steps"].tolist()[0] == [[0, 1], [3, 4]]
    assert (seq["start_frame"].iloc[0], seq["end_frame"].iloc[0], seq["frames"].iloc[0]) == (
        0,
        4,
        4,
    )


def test_single_frame_moment_and_take_without_match(loaded_store: GraphStore) -> None:
    one = find(
        loaded_store, "head_surgeon scanning patient", filters=Filters(takes=("Ultrasound/9/1",))
    )
    assert one.moments[["start_frame", "end_frame", "frames"]].values.tolist() == [[0, 0, 1]]
    assert one.moments["start_time"].iloc[0] == 0.0
    assert one.moments["end_time"].iloc[0] == pytest.approx(1 / 15)
    none = find(loaded_store, "head_surgeon scanning patient", filters=Filters(takes=("MISS/9/1",)))
    assert none.total == 0 and none.moments.empty
    empty_take = find(loaded_store, "* * *", filters=Filters(takes=("Ultrasound/9/2",)))
    assert empty_take.total == 0


def test_bindings_name_the_entities(loaded_store: GraphStore) -> None:
    result = find(loaded_store, "?who holding ?what", filters=Filters(takes=("MISS/9/1",)))
    pairs = {(m["who"], m["what"]) for m in result.moments["bindings"]}
    assert pairs == {
        ("head_surgeon", "scalpel"),
        ("head_surgeon", "curette"),
        ("assistant", "forceps"),
    }


NEGATIONS = [
    "head_surgeon holding scalpel & !head_surgeon cutting patient",
    "?a closeto operating_table & !?a holding *",
    "* * * & !head_surgeon holding scalpel",
    "head_surgeon holding * & !* * patient then * * * & !head_surgeon * * within 5f",
    "head_surgeon holding scalpel",
    "?a holding ?x then ?b holding ?x within 2s",
]


@pytest.fixture(scope="module")
def bridged_store(query_units, request, tmp_path_factory):
    """The test dataset loaded with --gap-tolerance 1 (intervals bridge one unannotated frame)."""
    from orgraph.core.store import open_store
    from orgraph.loader.load import LoadOptions, load
    from tests.support.stores import make_settings

    settings = make_settings("embedded", request, tmp_path_factory.mktemp("bridged"))
    with open_store(settings, read_only=False) as store:
        for paths, splits in query_units:
            load(store, LoadOptions(paths, splits, gap_tolerance=1), workers=1, progress=False)
    with open_store(settings) as store:
        yield store


@pytest.mark.parametrize("pattern", NEGATIONS)
def test_negation_on_a_graph_loaded_with_a_gap_tolerance(
    bridged_store: GraphStore, scan_frames: dict, pattern: str
) -> None:
    for gap in (1, 2):
        expected = ref.as_rows(ref.moments(parse(pattern), scan_frames, gap=gap))
        assert found_rows(bridged_store, pattern, gap_tolerance=gap) == expected, gap
    with pytest.raises(FilterError, match="below the 1"):
        find(bridged_store, pattern, gap_tolerance=0)
    assert find(bridged_store, pattern).gap_tolerance == 1  # default: as loaded
