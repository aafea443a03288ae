"""`ego_coverage`: how much of a take each head-worn camera's gaze and hands are usable.

Per take and egocentric role among the take's sources: the share of ALL the take's
frames (annotated or not: the signals are recorded for every frame) whose
Frame.gaze_valid / hands_valid lists hold the role, and the share holding both.
"""

from __future__ import annotations

from orgraph.queries.catalog.common import TAKE_FILTER
from orgraph.queries.catalog.registry import CatalogQuery, register

_CYPHER = """
MATCH (t:Take)-[:HAS_SOURCE]->(s:Source)
WHERE s.egocentric AND t.key = coalesce($take, t.key)
MATCH (t)-[:HAS_FRAME]->(f:Frame)
WITH t.key AS take, s.key AS role, t.fps AS fps, count(f) AS frames,
     count(CASE WHEN s.key IN f.gaze_valid THEN 1 END) AS gaze_frames,
     count(CASE WHEN s.key IN f.hands_valid THEN 1 END) AS hands_frames,
     count(CASE WHEN s.key IN f.gaze_valid AND s.key IN f.hands_valid THEN 1 END)
       AS both_frames
RETURN take, role, frames, gaze_frames, hands_frames, both_frames,
       1.0 * gaze_frames / frames AS gaze_share, 1.0 * hands_frames / frames AS hands_share,
       1.0 * both_frames / frames AS both_share, gaze_frames / fps AS gaze_seconds,
       hands_frames / fps AS hands_seconds
ORDER BY take, role
"""

COVERAGE = register(
    CatalogQuery(
        name="ego_coverage",
        description=(
            "Per take and egocentric role: share of frames with valid gaze, valid hands, and both."
        ),
        cypher=_CYPHER,
        params=(TAKE_FILTER,),
        columns=(
            "take",
            "role",
            "frames",
            "gaze_frames",
            "hands_frames",
            "both_frames",
            "gaze_share",
            "hands_share",
            "both_share",
            "gaze_seconds",
            "hands_seconds",
        ),
        scope="take",
    )
)
