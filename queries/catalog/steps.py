"""Activity instances and each case's ordered steps: the base of the sequence queries.

A case is one role in one take. An activity instance is an interval of the role's
activity ("relation object"), with the intervals of one activity that are separated by
at most `flicker` frames (``next.start_frame - prev.end_frame - 1 <= flicker``) merged
into one instance from the first start to the last end. With flicker 0 nothing merges
(two intervals of one triplet are always at least one frame apart).

A case's steps are its instances ordered by start frame, then end frame, then activity.
Each step row carries its position (0-based), the case's last position, and the
previous step's end frame and activity (null at position 0).

INSTANCES is one text for every backend. Ordering inside a case is the one thing the
engines spell differently (Neo4j orders before collect(); LadybugDB has no ORDER BY
before an aggregate and 1-based lists, so it sorts zero-padded strings): that lives in
STEPS_DIALECT, keyed by backend, and nowhere else.
"""

from __future__ import annotations

from orgraph.queries.catalog.common import ROLE_LIST
from orgraph.queries.catalog.registry import Param

FLICKER = Param(
    "flicker",
    int,
    0,
    "merge an activity's intervals separated by at most this many frames (0 = none)",
)
OBJECT = Param("object", str, None, "only interactions with this object (canonical name)")
SURGERY_TYPE = Param("surgery_type", str, None, "only this surgery type (MISS or Ultrasound)")

PERSPECTIVES: dict[str, tuple[str, str]] = {
    "role": ("e.name", "i.action"),
    "object": ("o.name", "e.name + ' ' + i.relation"),
    "pair": ("e.name + ' ~ ' + o.name", "i.relation"),
}
"""Perspective -> (case name within the take, activity label), as fixed Cypher text:
a role's lifecycle ("relation object"), an object's ("role relation"), or a role-object
pair's ("relation")."""


def instances(perspective: str = "role") -> str:
    """Rows (tk, st, fps, role, action, s, en): one per activity instance (module doc);
    `role` holds the case name of the perspective."""
    case, label = PERSPECTIVES[perspective]
    return f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)<-[:HAS_SUBJECT]-(i:Interaction)-[:HAS_OBJECT]->(o:Entity)
WHERE e.name IN {ROLE_LIST} AND coalesce($role, e.name) = e.name
  AND coalesce($take, t.key) = t.key AND coalesce($object, i.object) = i.object
  AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
  AND NOT EXISTS {{
    MATCH (e)<-[:HAS_SUBJECT]-(p:Interaction)-[:HAS_OBJECT]->(o)
    WHERE p.relation = i.relation AND p.end_frame < i.start_frame
      AND p.end_frame >= i.start_frame - $flicker - 1 }}
MATCH (e)<-[:HAS_SUBJECT]-(j:Interaction)-[:HAS_OBJECT]->(o)
WHERE j.relation = i.relation AND j.start_frame >= i.start_frame
  AND NOT EXISTS {{
    MATCH (e)<-[:HAS_SUBJECT]-(q:Interaction)-[:HAS_OBJECT]->(o)
    WHERE q.relation = j.relation AND q.start_frame > j.end_frame
      AND q.start_frame <= j.end_frame + $flicker + 1 }}
WITH t.key AS tk, t.surgery_type AS st, t.fps AS fps, {case} AS role, {label} AS action,
     i.start_frame AS s, min(j.end_frame) AS en
"""


INSTANCES = instances("role")
"""The role perspective's instance rows."""

_NEO4J_STEPS = """
WITH tk, st, fps, role, action, s, en ORDER BY s, en, action
WITH tk, st, fps, role, collect(s) AS ss, collect(en) AS es, collect(action) AS acts
UNWIND range(0, size(acts) - 1) AS pos
WITH tk, st, fps, role, pos, size(acts) - 1 AS last_pos,
     ss[pos] AS start, es[pos] AS end_, acts[pos] AS action,
     CASE WHEN pos > 0 THEN es[pos - 1] END AS prev_end,
     CASE WHEN pos > 0 THEN acts[pos - 1] END AS prev_action
"""

_EMBEDDED_STEPS = """
WITH tk, st, fps, role,
     list_sort(collect(lpad(CAST(s AS STRING), 10, '0') + '|'
                       + lpad(CAST(en AS STRING), 10, '0') + '|' + action)) AS ev
UNWIND range(1, size(ev)) AS k
WITH tk, st, fps, role, k - 1 AS pos, size(ev) - 1 AS last_pos,
     string_split(ev[k], '|') AS cur,
     string_split(ev[CASE WHEN k > 1 THEN k - 1 ELSE 1 END], '|') AS prev
WITH tk, st, fps, role, pos, last_pos,
     CAST(cur[1] AS INT64) AS start, CAST(cur[2] AS INT64) AS end_, cur[3] AS action,
     CASE WHEN pos > 0 THEN CAST(prev[2] AS INT64) END AS prev_end,
     CASE WHEN pos > 0 THEN prev[3] END AS prev_action
"""

STEPS_DIALECT: dict[str, str] = {"neo4j": _NEO4J_STEPS, "embedded": _EMBEDDED_STEPS}
"""Per backend: instance rows -> step rows (tk, st, fps, role, pos, last_pos, start, end_,
action, prev_end, prev_action)."""


def steps_query(tail: str, perspective: str = "role") -> dict[str, str]:
    """The full text per backend: the perspective's instances, that backend's ordering,
    then `tail`."""
    head = instances(perspective)
    return {backend: head + steps + tail for backend, steps in STEPS_DIALECT.items()}
