"""The graph store on both backends: replace, atomicity, indexed frame lookup."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgraph.core.errors import StoreError
from orgraph.core.settings import Settings
from orgraph.core.store import GraphStore, open_store
from orgraph.loader.records import build_take_graph
from tests.support.core import ANNOTATED, ROWS, take_annotations


def counts(store: GraphStore) -> dict[str, int]:
    df = (
        store.query("MATCH (n) RETURN label(n) AS l, count(*) AS c")
        if store.backend == "embedded"
        else store.query("MATCH (n) RETURN labels(n)[0] AS l, count(*) AS c")
    )
    return dict(zip(df["l"], df["c"], strict=True))


def test_replace_is_idempotent(writable_store: GraphStore) -> None:
    graph = build_take_graph(take_annotations(1, ROWS, ANNOTATED))
    writable_store.replace_take(graph)
    first = counts(writable_store)
    writable_store.replace_take(graph)
    assert counts(writable_store) == first
    assert first["Frame"] == 8 and first["Take"] == 1
    # frames 0,1 form one interval; 3,4 another (2 is unannotated); scalpel 1 and 4 separate
    assert first["Interaction"] == 4


def test_triplets_in_frame_by_indexed_lookup(writable_store: GraphStore) -> None:
    writable_store.replace_take(build_take_graph(take_annotations(1, ROWS, ANNOTATED)))
    df = writable_store.query(
        "MATCH (f:Frame {key: $k})-[sh:SHOWS]->(i:Interaction) "
        "RETURN i.subject AS s, i.relation AS r, i.object AS o, sh.n AS n ORDER BY s",
        {"k": "MISS/1/1#1"},
    )
    assert df.to_dict("records") == [
        {"s": "head_surgeon", "r": "holding", "o": "scalpel", "n": 1},
        {"s": "patient", "r": "lyingon", "o": "operating_table", "n": 2},
    ]
    interval = writable_store.query(
        "MATCH (i:Interaction {take: $t, subject: 'patient'}) "
        "RETURN i.start_frame AS a, i.end_frame AS b, i.n_frames AS n ORDER BY a",
        {"t": "MISS/1/1"},
    )
    assert interval.values.tolist() == [[0, 1, 2], [3, 3, 1]]


def test_gap_tolerance_bridges_unannotated_frames(writable_store: GraphStore) -> None:
    graph = build_take_graph(take_annotations(1, ROWS, ANNOTATED), gap_tolerance=1)
    writable_store.replace_take(graph)
    df = writable_store.query(
        "MATCH (i:Interaction {subject: 'patient'}) RETURN i.start_frame AS a, i.end_frame AS b"
    )
    assert df.values.tolist() == [[0, 3]]


def test_failed_take_is_absent_and_earlier_take_kept(writable_store: GraphStore) -> None:
    writable_store.replace_take(build_take_graph(take_annotations(1, ROWS, ANNOTATED)))
    before = counts(writable_store)
    broken = build_take_graph(take_annotations(2, ROWS, ANNOTATED))
    broken.shows = pd.concat(
        [broken.shows, pd.DataFrame({"src": ["MISS/1/2#0"], "dst": ["no-such-interval"], "n": [1]})]
    )
    if writable_store.backend == "neo4j":
        # MATCH on a missing key creates nothing; break the write with a type error instead
        broken.frames.loc[0, "idx"] = None
        broken.take["frames"] = {"not": "storable"}
    with pytest.raises(StoreError, match="MISS/1/2"):
        writable_store.replace_take(broken)
    assert counts(writable_store) == before
    assert writable_store.take_fingerprints().keys() == {"MISS/1/1"}


def test_read_only_store_refuses_writes(store_settings: Settings) -> None:
    with open_store(store_settings, read_only=False) as store:
        store.ensure_schema()
    with open_store(store_settings) as store, pytest.raises(StoreError, match="read-only"):
        store.write("MATCH (n:Take) DETACH DELETE n")


def test_row_limit_marks_truncation(writable_store: GraphStore) -> None:
    writable_store.replace_take(build_take_graph(take_annotations(1, ROWS, ANNOTATED)))
    df = writable_store.query("MATCH (f:Frame) RETURN f.idx AS i", row_limit=3)
    assert len(df) == 3 and df.attrs["truncated"] is True


def test_missing_embedded_db_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="orgraph load"):
        open_store(Settings(backend="embedded", db=tmp_path / "nothing"))


def test_group_write_keeps_takes_before_a_failure(writable_store: GraphStore) -> None:
    good = build_take_graph(take_annotations(1, ROWS, ANNOTATED))
    bad = build_take_graph(take_annotations(2, ROWS, ANNOTATED))
    bad.shows = pd.concat(
        [bad.shows, pd.DataFrame({"src": ["MISS/1/2#0"], "dst": ["no-such-interval"], "n": [1]})]
    )
    if writable_store.backend == "neo4j":
        bad.take["frames"] = {"not": "storable"}
    later = build_take_graph(take_annotations(3, ROWS, ANNOTATED))
    with pytest.raises(StoreError, match="MISS/1/2"):
        writable_store.replace_takes([good, bad, later])
    assert set(writable_store.take_fingerprints()) == {"MISS/1/1"}
    df = writable_store.query("MATCH (f:Frame) RETURN f.take AS t, count(*) AS n")
    assert df.values.tolist() == [["MISS/1/1", 8]]
    # the same takes load cleanly afterwards (no stale keys left by the failure)
    fixed = build_take_graph(take_annotations(2, ROWS, ANNOTATED))
    writable_store.replace_takes([good, fixed, later])
    assert set(writable_store.take_fingerprints()) == {"MISS/1/1", "MISS/1/2", "MISS/1/3"}


def test_group_replace_of_stored_and_new_takes(writable_store: GraphStore) -> None:
    first = build_take_graph(take_annotations(1, ROWS, ANNOTATED))
    writable_store.replace_takes([first])
    # take 1 changes (one row fewer), take 2 is new: both in one group
    changed = build_take_graph(take_annotations(1, ROWS[:-1], ANNOTATED))
    new = build_take_graph(take_annotations(2, ROWS, ANNOTATED))
    writable_store.replace_takes([changed, new])
    assert counts(writable_store)["Take"] == 2
    df = writable_store.query("MATCH (i:Interaction) RETURN i.take AS t, count(*) AS n ORDER BY t")
    # take 1 lost its second scalpel interval (frame 4); take 2 has all four
    assert df.values.tolist() == [["MISS/1/1", 3], ["MISS/1/2", 4]]
    df = writable_store.query(
        "MATCH (t:Take)-[:HAS_FRAME]->(f:Frame) RETURN t.key AS tk, count(f) AS n ORDER BY tk"
    )
    assert df.values.tolist() == [["MISS/1/1", 8], ["MISS/1/2", 8]]
    df = writable_store.query(
        "MATCH (:Procedure)-[:HAS_TAKE]->(t:Take)-[:IN_SPLIT]->(s:Split) "
        "RETURN t.key AS tk, s.key AS sk ORDER BY tk"
    )
    assert df.values.tolist() == [["MISS/1/1", "train"], ["MISS/1/2", "train"]]


def test_a_take_given_twice_writes_nothing(writable_store: GraphStore) -> None:
    graph = build_take_graph(take_annotations(1, ROWS, ANNOTATED))
    with pytest.raises(StoreError, match="MISS/1/1 is given twice"):
        writable_store.replace_takes([graph, graph])
    assert writable_store.take_fingerprints() == {}
