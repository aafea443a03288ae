"""activity_timeline: one take's interaction intervals per subject, ready for a Gantt chart."""

from __future__ import annotations

from orgraph.queries.catalog.common import ROLE_LIST, TAKE, typed
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

_CYPHER = f"""
MATCH (t:Take {{key: $take}})-[:HAS_ENTITY]->(e:Entity)<-[:HAS_SUBJECT]-(i:Interaction)
WHERE coalesce($subject, e.name) = e.name AND (NOT $roles_only OR e.name IN {ROLE_LIST})
RETURN i.subject AS subject, i.relation AS relation, i.object AS object,
       i.action AS activity,
       i.start_frame AS start_frame, i.end_frame AS end_frame,
       i.start_time AS start_time, i.end_time AS end_time, i.n_frames AS n_frames
ORDER BY subject, start_frame, end_frame, relation, object
"""

register(
    CatalogQuery(
        name="activity_timeline",
        description="Interaction intervals of one take per subject (Gantt rows; end_time is "
        "exclusive: (end_frame + 1) / fps).",
        cypher=_CYPHER,
        params=(
            TAKE,
            Param("subject", str, None, "only this subject entity (default: every subject)"),
            Param("roles_only", bool, False, "only subjects that are roles (staff, patient)"),
        ),
        post=lambda df, _: typed(
            df,
            ints=("start_frame", "end_frame", "n_frames"),
            floats=("start_time", "end_time"),
        ),
        columns=(
            "subject",
            "relation",
            "object",
            "activity",
            "start_frame",
            "end_frame",
            "start_time",
            "end_time",
            "n_frames",
        ),
        scope="take",
    )
)
