"""Cypher reads the GNN side needs: takes, annotated frames, per-frame truth, fingerprints.

Every read works on both backends (no list comprehensions, no CALL {}). The store keeps
no row order inside a frame, so the truth of a frame is ordered by `truth_order`: the
triplet of the longer interval first, then by relation index; the protocol's "first
triplet wins" rule is applied to that order everywhere (export labels and evaluation).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from orgraph.core.errors import StoreError
from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import RELATION_INDEX

Triplet = tuple[str, str, str]


@dataclass(frozen=True)
class TakeRow:
    """One Take node as the export needs it."""

    key: str
    surgery_type: str
    procedure_id: int
    take_id: int
    frames: int
    split: str
    fingerprint: str
    """Content fingerprint: the take's load fingerprint plus its interactions."""


def read_takes(store: GraphStore) -> list[TakeRow]:
    """Every take with its content fingerprint, sorted by key."""
    takes = store.query(
        "MATCH (t:Take) RETURN t.key AS key, t.surgery_type AS surgery_type, "
        "t.procedure_id AS procedure_id, t.take_id AS take_id, t.frames AS frames, "
        "t.split AS split, t.fingerprint AS fingerprint, t.annotated_frames AS annotated"
    )
    if takes.empty:
        raise StoreError("the graph store holds no take: load one with `orgraph load FILE.h5`")
    inter = store.query(
        "MATCH (i:Interaction) RETURN i.take AS take, i.subject AS s, i.relation AS r, "
        "i.object AS o, i.start_frame AS a, i.end_frame AS b"
    )
    shows = store.query(
        "MATCH (f:Frame)-[x:SHOWS]->(i:Interaction) RETURN i.take AS take, count(x) AS n"
    )
    n_shows = dict(zip(shows["take"], shows["n"], strict=True))
    groups = {k: g for k, g in inter.groupby("take")} if not inter.empty else {}
    out = []
    for row in takes.sort_values("key").itertuples(index=False):
        h = hashlib.sha1(f"{row.fingerprint}|{row.annotated}|{n_shows.get(row.key, 0)}".encode())
        g = groups.get(row.key)
        if g is not None:
            g = g.sort_values(["s", "r", "o", "a", "b"])
            h.update(
                pd.util.hash_pandas_object(g[["s", "r", "o", "a", "b"]], index=False)
                .to_numpy()
                .tobytes()
            )
        out.append(
            TakeRow(
                key=str(row.key),
                surgery_type=str(row.surgery_type),
                procedure_id=int(row.procedure_id),
                take_id=int(row.take_id),
                frames=int(row.frames),
                split=str(row.split or ""),
                fingerprint=h.hexdigest()[:16],
            )
        )
    return out


def read_annotated_frames(store: GraphStore, take: str) -> pd.DataFrame:
    """Annotated frames of one take with their media pointers, in temporal order."""
    return store.query(
        "MATCH (t:Take {key: $take})-[:HAS_FRAME]->(f:Frame) WHERE f.annotated = true "
        "RETURN f.idx AS idx, f.time AS time, f.file AS file, f.h5_group AS h5_group "
        "ORDER BY idx",
        {"take": take},
    )


def _sorted_truth(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in truth order: per frame, the longer interval first, then relation index."""
    df = df.assign(_rel=df["relation"].map(RELATION_INDEX))
    return df.sort_values(
        ["take", "idx", "n_frames", "_rel", "subject", "object"],
        ascending=[True, True, False, True, True, True],
    ).drop(columns="_rel")


def read_take_triplets(store: GraphStore, take: str) -> dict[int, list[Triplet]]:
    """Annotated frame -> its triplets in truth order (empty list for empty annotations)."""
    frames = read_annotated_frames(store, take)
    rows = store.query(
        "MATCH (t:Take {key: $take})-[:HAS_FRAME]->(f:Frame)-[:SHOWS]->(i:Interaction) "
        "RETURN t.key AS take, f.idx AS idx, i.subject AS subject, i.relation AS relation, "
        "i.object AS object, i.n_frames AS n_frames",
        {"take": take},
    )
    out: dict[int, list[Triplet]] = {int(i): [] for i in frames["idx"]}
    for r in _sorted_truth(rows).itertuples(index=False):
        out.setdefault(int(r.idx), []).append((r.subject, r.relation, r.object))
    return out


FrameKey = tuple[str, int, int, int]


def read_split_truth(store: GraphStore, split: str | None) -> dict[FrameKey, list[Triplet]]:
    """Truth of every annotated frame of a split (all splits with None), keyed for evaluation."""
    takes = [t for t in read_takes(store) if split is None or t.split == split]
    out: dict[FrameKey, list[Triplet]] = {}
    for t in takes:
        for idx, triplets in read_take_triplets(store, t.key).items():
            out[(t.surgery_type, t.procedure_id, t.take_id, idx)] = triplets
    return out


def graph_fingerprint(takes: list[TakeRow], version: str) -> str:
    """Fingerprint of the whole graph as the export sees it (takes, contents, feature version)."""
    text = "|".join([version, *(f"{t.key}:{t.split}:{t.fingerprint}" for t in takes)])
    return hashlib.sha1(text.encode()).hexdigest()[:16]
