"""Catalog A refuses or neutralises hostile parameters and checks its parameters' types."""

from __future__ import annotations

import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import CATALOG, get_query, run_query
from orgraph.queries.catalog.registry import QueryError

MINE = (
    "dataset_overview",
    "relation_frequencies",
    "entity_frequencies",
    "activity_timeline",
    "scene_graph_at_frame",
    "scene_graph_range",
    "directly_follows",
    "ngrams",
)
INJECTIONS = (
    "x' OR 1=1 //",
    "}) DETACH DELETE n //",
    "MISS/9/1'}) MATCH (n) DETACH DELETE n //",
    '" OR true RETURN 1 //',
    "$take",
    "MISS/9/1\nMATCH (n) DETACH DELETE n",
)
VALID = {"take": "MISS/9/1", "frame": 3}


def counts(store: GraphStore) -> tuple[int, int]:
    nodes = store.query("MATCH (n) RETURN count(n) AS c")["c"].iloc[0]
    rels = store.query("MATCH ()-[r]->() RETURN count(r) AS c")["c"].iloc[0]
    return int(nodes), int(rels)


def test_all_registered_with_docs() -> None:
    for name in MINE:
        q = CATALOG[name]
        assert q.description and q.columns and q.scope in ("take", "dataset")
        assert all(p.help for p in q.params)


@pytest.mark.parametrize("name", MINE)
def test_injection_in_every_string_parameter(loaded_store: GraphStore, name: str) -> None:
    query = get_query(name)
    before = counts(loaded_store)
    for param in query.params:
        for attack in INJECTIONS:
            given = {p.name: VALID[p.name] for p in query.params if p.name in VALID}
            given[param.name] = attack
            if param.type is not str or param.choices is not None:
                with pytest.raises(QueryError, match=param.name):
                    run_query(loaded_store, name, given)
                continue
            df = run_query(loaded_store, name, given)
            assert df.empty, (name, param.name, attack)  # no key, entity or take has that name
            assert list(df.columns) == list(query.columns)
    assert counts(loaded_store) == before


def test_bad_parameters_are_one_clear_error() -> None:
    with pytest.raises(QueryError, match="no catalog query 'nope'"):
        get_query("nope")
    with pytest.raises(QueryError, match="needs parameter take"):
        CATALOG["activity_timeline"].bind({})
    with pytest.raises(QueryError, match="needs parameter frame"):
        CATALOG["scene_graph_at_frame"].bind({"take": "MISS/1/1"})
    with pytest.raises(QueryError, match="has no parameter colour"):
        CATALOG["ngrams"].bind({"colour": "red"})
    with pytest.raises(QueryError, match="'n' must be one of 2, 3, 4"):
        CATALOG["ngrams"].bind({"n": "5"})
    with pytest.raises(QueryError, match="'first' expects int"):
        CATALOG["scene_graph_range"].bind({"take": "MISS/1/1", "first": "one"})
    with pytest.raises(QueryError, match="'level' must be one of"):
        CATALOG["relation_frequencies"].bind({"level": "frame"})
    assert CATALOG["directly_follows"].bind({"per_take": "yes"})["per_take"] is True
