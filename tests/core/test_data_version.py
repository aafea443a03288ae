"""GraphStore.data_version on both backends: moves when takes or runs change, not on reads."""

from __future__ import annotations

from orgraph.core.store import GraphStore, open_store
from orgraph.loader.records import build_take_graph
from tests.support.core import ANNOTATED, ROWS, take_annotations


def test_data_version_follows_takes_and_runs(writable_store: GraphStore, store_settings) -> None:
    empty = writable_store.data_version()
    graph = build_take_graph(take_annotations(1, ROWS, ANNOTATED))
    graph.take["fingerprint"] = "first"
    writable_store.replace_take(graph)
    one_take = writable_store.data_version()
    assert one_take != empty
    writable_store.query("MATCH (f:Frame) RETURN count(f) AS n")
    assert writable_store.data_version() == one_take  # a read changes nothing
    graph.take["fingerprint"] = "second"  # the same take loaded from changed input
    writable_store.replace_take(graph)
    reloaded = writable_store.data_version()
    assert reloaded not in (empty, one_take)
    writable_store.write(
        "MERGE (r:Run {key: 'run-a'}) SET r.created = '2025-01-01', r.description = 'x'"
    )
    with_run = writable_store.data_version()
    assert with_run != reloaded
    if writable_store.backend == "neo4j":  # a reader elsewhere computes the same token
        with open_store(store_settings) as reader:
            assert reader.data_version() == with_run
