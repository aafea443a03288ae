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
engines do differently (Neo4j orders before collect(); LadybugDB has no ORDER BY
before an aggregate and 1-based lists, so it sorts zero-padded strings): steps_query
picks that text by the Dialect's `sorted_collect`, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from orgraph.queries.catalog.common import ROLE_LIST
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import Param

FLICKER = Param(
    "flicker",
    int,
    0,
    "merge an activity's intervals separated by at most this many frames (0 = none)",
)
OBJECT = Param("object", str, None, "only interactions with this object (canonical name)")

PERSPECTIVES: dict[str, tuple[str, str]] = {
    "role": ("subj", "act"),
    "object": ("obj", "subj + ' ' + rel"),
    "pair": ("subj + ' ~ ' + obj", "rel"),
}
"""Perspective -> (case name within the take, activity label), as fixed Cypher text:
a role's lifecycle ("relation object"), an object's ("role relation"), or a role-object
pair's ("relation")."""


def instances(perspective: str = "role") -> str:
    """Rows (tk, st, fps, role, action, s, en): one per activity instance (module doc);
    `role` holds the case name of the perspective.

    Per triplet, its start and end frames are collected; an end is a run end when no
    start lies within flicker + 1 frames after it (collected first), a start a run start
    when no end lies within flicker + 1 frames before it, and a run ends at the first run
    end after its start. Everything stays inside one triplet's lists (no join between
    intervals).
    """
    case, label = PERSPECTIVES[perspective]
    return f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)<-[:HAS_SUBJECT]-(i:Interaction)-[:HAS_OBJECT]->(o:Entity)
WHERE e.name IN {ROLE_LIST} AND coalesce($role, e.name) = e.name
  AND coalesce($take, t.key) = t.key AND coalesce($object, i.object) = i.object
  AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
WITH t.key AS tk, t.surgery_type AS st, t.fps AS fps, e.name AS subj, i.object AS obj,
     i.relation AS rel, i.action AS act, $flicker AS fl,
     collect(i.start_frame) AS ss, collect(i.end_frame) AS es
UNWIND es AS x
WITH tk, st, fps, subj, obj, rel, act, fl, ss, es, x
WHERE none(y IN ss WHERE y > x AND y <= x + fl + 1)
WITH tk, st, fps, subj, obj, rel, act, fl, ss, es, collect(x) AS run_ends
UNWIND ss AS s
WITH tk, st, fps, subj, obj, rel, act, fl, es, run_ends, s
WHERE none(y IN es WHERE y < s AND y >= s - fl - 1)
UNWIND run_ends AS en
WITH tk, st, fps, subj, obj, rel, act, s, en
WHERE en >= s
WITH tk, st, fps, {case} AS role, {label} AS action, s, min(en) AS en
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


def ordered_steps(d: Dialect) -> str:
    """Instance rows -> step rows (tk, st, fps, role, pos, last_pos, start, end_, action,
    prev_end, prev_action), in the way the engine can order a list."""
    return _NEO4J_STEPS if d.sorted_collect else _EMBEDDED_STEPS


def steps_query(tail: str, perspective: str = "role") -> Callable[[Dialect], str]:
    """The full text for an engine: the perspective's instances, its ordering, then `tail`."""
    head = instances(perspective)
    return lambda d: head + ordered_steps(d) + tail
