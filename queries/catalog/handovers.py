"""`handovers`: an object held by one role, then by another within a few frames.

Definition (frames are inclusive intervals of the `holding` relation, same take and
object, giver and receiver two different roles):

* the receiver starts holding after the giver started: ``b.start > a.start``;
* the receiver still holds after the giver let go: ``b.end > a.end``;
* ``gap = b.start - a.end - 1`` (frames strictly between the giver's last and the
  receiver's first holding frame) is at most ``max_gap``. A negative gap means both
  held the object for ``-gap`` frames (a hand-to-hand pass); 0 means the receiver
  took it on the very next frame.

A handover is counted once per (giver interval, receiver): of the receiver's intervals
that qualify, only the first (smallest ``start_frame``) makes the row, so a receiver
whose holding flickers (several short intervals) is not counted once per fragment.
A third role holding the object in between does not stop a handover. ``gap_seconds``
is ``gap / fps`` (the receiver's start time minus the giver's end time, where an
interval ends at ``(end_frame + 1) / fps``). `take` and `surgery_type` choose the takes
(all when omitted). See docs/workflow-mining.md.

LadybugDB 0.22 drops every row when the first WHERE also filters ``o.name`` (the node
matched again after the WITH), so the object filter reads ``a.object`` instead. The givers' holding
intervals of the chosen takes come first, the receivers' from each one's object entity
after a WITH (one whole pattern expanded every take's pairs before filtering: about
1 s over the EgoExOR scale, now about 0.5 s); the pair filter sits in a WITH, as
LadybugDB needs after a re-matched node.
"""

from __future__ import annotations

from orgraph.core.keys import take_of_surgery_type_cypher
from orgraph.queries.catalog.common import SURGERY_TYPE, TAKE_FILTER
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

OF_SURGERY_TYPE = take_of_surgery_type_cypher("a.take", "$surgery_type")
"""The surgery type read from a's take key: a join with the Take node instead makes
LadybugDB 0.22 run out of its buffer pool at the EgoExOR scale."""

HANDOVERS = register(
    CatalogQuery(
        name="handovers",
        description=(
            "Objects passed between roles: A holds X, then B (another role) holds X, "
            "B starting after A started, ending after A ended, at most max_gap frames "
            "after A's last frame (negative gap = both held it at once); once per (giver "
            "interval, receiver): B's first qualifying interval."
        ),
        cypher=f"""
MATCH (ga:Entity)<-[:HAS_SUBJECT]-(a:Interaction)-[:HAS_OBJECT]->(o:Entity)
WHERE a.relation = 'holding' AND ga.kind = 'role'
  AND a.take = coalesce($take, a.take) AND a.object = coalesce($object, a.object)
  AND {OF_SURGERY_TYPE}
WITH a, ga, o
MATCH (o)<-[:HAS_OBJECT]-(b:Interaction)-[:HAS_SUBJECT]->(gb:Entity)
WITH a, ga, o, b, gb
WHERE b.relation = 'holding' AND gb.kind = 'role' AND ga.name <> gb.name
  AND b.start_frame > a.start_frame AND b.end_frame > a.end_frame
  AND b.start_frame - a.end_frame - 1 <= $max_gap
WITH a, ga, o, gb, min(b.start_frame) AS first_start
MATCH (o)<-[:HAS_OBJECT]-(r:Interaction)-[:HAS_SUBJECT]->(gb)
WITH a, ga, o, gb, r, first_start
WHERE r.relation = 'holding' AND r.start_frame = first_start
RETURN a.take AS take, o.name AS object, ga.name AS giver, gb.name AS receiver,
       a.start_frame AS giver_start_frame, a.end_frame AS giver_end_frame,
       r.start_frame AS receiver_start_frame, r.end_frame AS receiver_end_frame,
       r.start_frame - a.end_frame - 1 AS gap_frames,
       r.start_time - a.end_time AS gap_seconds,
       a.end_time AS giver_end_time, r.start_time AS receiver_start_time
ORDER BY take, receiver_start_frame, giver_start_frame, object, giver, receiver
""",
        params=(
            Param(
                "max_gap",
                int,
                45,
                "most frames between the giver's last and the receiver's first holding frame",
            ),
            Param(
                "object", str, None, "only this object (canonical name); all objects when omitted"
            ),
            TAKE_FILTER,
            SURGERY_TYPE,
        ),
        columns=(
            "take",
            "object",
            "giver",
            "receiver",
            "giver_start_frame",
            "giver_end_frame",
            "receiver_start_frame",
            "receiver_end_frame",
            "gap_frames",
            "gap_seconds",
            "giver_end_time",
            "receiver_start_time",
        ),
        scope="dataset",
    )
)
