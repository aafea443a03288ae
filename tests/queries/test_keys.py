"""The stored keys follow core/keys.py, and the Cypher key expression of each dialect
builds the same keys as the Python functions."""

from __future__ import annotations

from orgraph.core.keys import (
    bucket_key,
    entity_key,
    frame_key,
    interval_key,
    procedure_key,
    take_key,
)
from orgraph.core.store import GraphStore
from orgraph.core.store.schema import BUCKET_FRAMES
from orgraph.queries.catalog.dialect import dialect_of


def test_stored_keys_follow_the_key_module(loaded_store: GraphStore) -> None:
    q = loaded_store.query
    takes = q(
        "MATCH (p:Procedure)-[:HAS_TAKE]->(t:Take) RETURN t.key AS key, p.key AS pkey, "
        "t.surgery_type AS st, t.procedure_id AS pid, t.take_id AS tid"
    )
    assert len(takes) >= 2
    for row in takes.itertuples():
        assert row.key == take_key(row.st, row.pid, row.tid)
        assert row.pkey == procedure_key(row.st, row.pid)
    frames = q("MATCH (f:Frame) RETURN f.key AS key, f.take AS take, f.idx AS idx")
    assert frames["key"].tolist() == [
        frame_key(t, i) for t, i in zip(frames["take"], frames["idx"], strict=True)
    ]
    ints = q(
        "MATCH (i:Interaction) RETURN i.key AS key, i.take AS take, "
        "i.start_frame AS s, i.start_bucket AS b"
    )
    assert ints["b"].tolist() == [
        bucket_key(t, s // BUCKET_FRAMES) for t, s in zip(ints["take"], ints["s"], strict=True)
    ]
    per_take = ints.groupby("take")["key"].apply(set)
    assert all(
        keys == {interval_key(t, i) for i in range(len(keys))} for t, keys in per_take.items()
    )
    ents = q(
        "MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity) "
        "RETURN t.key AS take, e.name AS name, e.key AS key"
    )
    assert ents["key"].tolist() == [
        entity_key(t, n) for t, n in zip(ents["take"], ents["name"], strict=True)
    ]


def test_the_dialects_key_expression_finds_the_frame(loaded_store: GraphStore) -> None:
    take = str(loaded_store.query("MATCH (t:Take) RETURN t.key AS k ORDER BY k")["k"].iloc[0])
    d = dialect_of(loaded_store.backend)
    found = loaded_store.query(
        f"MATCH (f:Frame) WHERE f.key = {d.numbered_key('$take', '$frame')} RETURN f.key AS k",
        {"take": take, "frame": 3},
    )
    assert found["k"].tolist() == [frame_key(take, 3)]
