"""`role_workload`: busy and idle time per staff role and take.

Denominator: the take's annotated frames (nothing is known about the others). A role
is busy in an annotated frame when it is the subject of at least one interaction
there (relations in `exclude_relations` do not count), idle otherwise. Seconds are
frames / fps. Staff roles are the role entities of the take except the patient, who
is acted upon; a role present only as a camera wearer still appears (fully idle).
"""

from __future__ import annotations

from orgraph.queries.catalog.common import TAKE_FILTER
from orgraph.queries.catalog.registry import CatalogQuery, Param, register
from orgraph.queries.param_types import text_list

_CYPHER = """
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)
WHERE e.kind = 'role' AND e.name <> 'patient' AND t.key = coalesce($take, t.key)
OPTIONAL MATCH (e)<-[:HAS_SUBJECT]-(i:Interaction)<-[:SHOWS]-(f:Frame)
WHERE NOT i.relation IN $exclude_relations
WITH t.key AS take, e.name AS role, t.annotated_frames AS annotated, t.fps AS fps,
     count(DISTINCT f) AS busy, count(DISTINCT i) AS interactions
RETURN take, role, annotated AS annotated_frames, busy AS busy_frames,
       annotated - busy AS idle_frames, busy / fps AS busy_seconds,
       (annotated - busy) / fps AS idle_seconds,
       CASE WHEN annotated > 0 THEN 1.0 * busy / annotated ELSE 0.0 END AS busy_share,
       interactions
ORDER BY take, role
"""

WORKLOAD = register(
    CatalogQuery(
        name="role_workload",
        description=(
            "Per staff role and take: annotated frames where the role is the subject of "
            "an interaction (busy) or of none (idle), in frames and seconds."
        ),
        cypher=_CYPHER,
        params=(
            TAKE_FILTER,
            Param(
                "exclude_relations",
                text_list,
                (),
                "relations that do not count as work, e.g. closeto,looking (none by default)",
            ),
        ),
        columns=(
            "take",
            "role",
            "annotated_frames",
            "busy_frames",
            "idle_frames",
            "busy_seconds",
            "idle_seconds",
            "busy_share",
            "interactions",
        ),
        scope="take",
    )
)
