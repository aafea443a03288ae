"""The temporal graph schema, written once and turned into each backend's DDL.

See docs/graph-model.md for the picture and the reasons. Every node table has a
string primary key `key`; every per-take node also carries `take` (the take key),
so a take can be replaced as a unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgraph.core import vocabulary as voc


@dataclass(frozen=True)
class NodeTable:
    """A node label and its typed properties (the first is the primary key)."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


@dataclass(frozen=True)
class RelTable:
    """A relationship type between two node labels, with typed properties."""

    name: str
    source: str
    target: str
    columns: tuple[tuple[str, str], ...] = ()


_INTERVAL = (
    ("take", "STRING"),
    ("subject", "STRING"),
    ("relation", "STRING"),
    ("object", "STRING"),
    ("start_frame", "INT64"),
    ("end_frame", "INT64"),
    ("n_frames", "INT64"),
    ("start_time", "DOUBLE"),
    ("end_time", "DOUBLE"),
)

NODES: tuple[NodeTable, ...] = (
    NodeTable(
        "Procedure", (("key", "STRING"), ("surgery_type", "STRING"), ("procedure_id", "INT64"))
    ),
    NodeTable(
        "Take",
        (
            ("key", "STRING"),
            ("surgery_type", "STRING"),
            ("procedure_id", "INT64"),
            ("take_id", "INT64"),
            ("frames", "INT64"),
            ("annotated_frames", "INT64"),
            ("triplets", "INT64"),
            ("split", "STRING"),
            ("fps", "DOUBLE"),
            ("file", "STRING"),
            ("h5_group", "STRING"),
            ("gap_tolerance", "INT64"),
            ("fingerprint", "STRING"),
        ),
    ),
    NodeTable("Split", (("key", "STRING"),)),
    NodeTable(
        "Source", (("key", "STRING"), ("camera_type_id", "INT64"), ("egocentric", "BOOLEAN"))
    ),
    NodeTable(
        "Frame",
        (
            ("key", "STRING"),
            ("take", "STRING"),
            ("idx", "INT64"),
            ("time", "DOUBLE"),
            ("split", "STRING"),
            ("annotated", "BOOLEAN"),
            ("triplets", "INT64"),
            ("file", "STRING"),
            ("h5_group", "STRING"),
            ("gaze_valid", "STRING[]"),
            ("hands_valid", "STRING[]"),
        ),
    ),
    NodeTable("EntityClass", (("key", "STRING"), ("kind", "STRING"))),
    NodeTable(
        "Entity", (("key", "STRING"), ("take", "STRING"), ("name", "STRING"), ("kind", "STRING"))
    ),
    NodeTable(
        "Interaction",
        (
            ("key", "STRING"),
            *_INTERVAL,
            ("start_bucket", "STRING"),
            ("annotated_before", "INT64"),
            ("action", "STRING"),
        ),
    ),
    NodeTable("Run", (("key", "STRING"), ("created", "STRING"), ("description", "STRING"))),
    NodeTable("Prediction", (("key", "STRING"), ("run", "STRING"), *_INTERVAL)),
)

RELS: tuple[RelTable, ...] = (
    RelTable("HAS_TAKE", "Procedure", "Take"),
    RelTable("IN_SPLIT", "Take", "Split"),
    RelTable("HAS_SOURCE", "Take", "Source", (("idx", "INT64"),)),
    RelTable("HAS_FRAME", "Take", "Frame"),
    RelTable("NEXT", "Frame", "Frame"),
    RelTable("HAS_ENTITY", "Take", "Entity"),
    RelTable("INSTANCE_OF", "Entity", "EntityClass"),
    RelTable("HAS_SUBJECT", "Interaction", "Entity"),
    RelTable("HAS_OBJECT", "Interaction", "Entity"),
    RelTable("SHOWS", "Frame", "Interaction", (("n", "INT64"),)),
    RelTable("PREDICTED_BY", "Prediction", "Run"),
    RelTable("SHOWS_PREDICTION", "Frame", "Prediction", (("n", "INT64"),)),
)

NODE_BY_NAME = {n.name: n for n in NODES}

BUCKET_FRAMES = 16
"""Width in frames of the time buckets named by `Interaction.start_bucket`.

Bucket b of a take (core.keys.bucket_key) holds frames [b * BUCKET_FRAMES, +BUCKET_FRAMES).
Interval joins (Allen relations) match an interval's start bucket with the buckets another
interval reaches, an equality that both engines hash or index.
"""

LAYOUT_VERSION = "3"
"""Bumped when the rows written for a take change shape, so a reload rewrites old takes."""


TAKE_DELETES: tuple[str, ...] = (
    "MATCH (:Take {key: $k})-[:HAS_FRAME]->(:Frame)-[:SHOWS_PREDICTION]->(p:Prediction) "
    "WITH DISTINCT p DETACH DELETE p",
    "MATCH (:Take {key: $k})-[:HAS_ENTITY]->(:Entity)<-[:HAS_SUBJECT]-(i:Interaction) "
    "DETACH DELETE i",
    "MATCH (:Take {key: $k})-[:HAS_FRAME]->(f:Frame) DETACH DELETE f",
    "MATCH (:Take {key: $k})-[:HAS_ENTITY]->(e:Entity) DETACH DELETE e",
    "MATCH (t:Take {key: $k}) DETACH DELETE t",
)
"""Deleting a take, by traversal from its primary key: no scan, whatever the graph's size."""

NEO4J_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Frame", ("take", "idx")),
    ("Entity", ("take",)),
    ("Interaction", ("take",)),
    ("Interaction", ("take", "subject")),
    ("Interaction", ("start_bucket",)),
    # Allen joins seek b by (take, start_frame) range and read every other value
    # from the index entry, never from the node store (docs/graph-model.md)
    ("Interaction", ("take", "start_frame", "end_frame", "subject", "action")),
    ("Prediction", ("run", "take")),
    ("Prediction", ("take",)),
)


def static_rows() -> dict[str, list[dict[str, object]]]:
    """Shared nodes that exist before any take: splits, sources and entity classes."""
    return {
        "Split": [{"key": s} for s in voc.SPLITS],
        "Source": [
            {"key": name, "camera_type_id": cid, "egocentric": name in voc.EGO_ROLES}
            for name, cid in voc.CAMERA_TYPE_IDS.items()
        ],
        "EntityClass": [{"key": e, "kind": voc.entity_kind(e)} for e in voc.ENTITIES],
    }
