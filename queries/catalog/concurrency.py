"""`allen_concurrency`: how the actions of different roles sit in time (Allen's relations).

Intervals are inclusive frame ranges [start_frame, end_frame] of interactions whose
subject is a role; only pairs of different roles in the same take are compared. On
discrete frames, with x and y two intervals:

* before:   x.end + 1 < y.start, with at most `before_window` frames between them
  (so the pair count stays bounded; pairs further apart are not counted);
* meets:    x.end + 1 = y.start (y starts on the frame after x's last);
* overlaps: x.start < y.start <= x.end < y.end;
* starts:   x.start = y.start and x.end < y.end;
* during:   y.start < x.start and x.end < y.end;
* finishes: x.end = y.end and y.start < x.start;
* equals:   same start and end.

Each unordered pair is counted once, in the one direction that uses these seven names
(no inverses): for `equals` x is the role that sorts first. Counts are per
(x role, x action, relation, y role, y action); action = "relation object".
"""

from __future__ import annotations

from queries.catalog.common import TAKE_FILTER
from queries.catalog.registry import CatalogQuery, Param, register

ALLEN_RELATIONS = ("before", "meets", "overlaps", "starts", "during", "finishes", "equals")

# a = the pair's interval that starts first (on a tie: the longer one, then the role
# that sorts first); `rel` is b's relation as seen from a, then turned to x/y above.
_CYPHER = """
MATCH (a:Interaction)-[:HAS_SUBJECT]->(sa:Entity)<-[:HAS_ENTITY]-(t:Take)
      -[:HAS_ENTITY]->(sb:Entity)<-[:HAS_SUBJECT]-(b:Interaction)
WHERE sa.kind = 'role' AND sb.kind = 'role' AND sa.name <> sb.name
  AND t.key = coalesce($take, t.key)
  AND (a.start_frame < b.start_frame
       OR (a.start_frame = b.start_frame
           AND (a.end_frame > b.end_frame
                OR (a.end_frame = b.end_frame AND sa.name < sb.name))))
  AND b.start_frame - a.end_frame - 1 <= $before_window
WITH t.key AS take, sa.name AS role_a, sb.name AS role_b,
     a.relation + ' ' + a.object AS action_a, b.relation + ' ' + b.object AS action_b,
     CASE
       WHEN a.end_frame + 1 < b.start_frame THEN 'before'
       WHEN a.end_frame + 1 = b.start_frame THEN 'meets'
       WHEN a.start_frame = b.start_frame AND a.end_frame = b.end_frame THEN 'equals'
       WHEN a.start_frame = b.start_frame THEN 'starts'
       WHEN a.end_frame = b.end_frame THEN 'finishes'
       WHEN a.end_frame > b.end_frame THEN 'during'
       ELSE 'overlaps'
     END AS relation
WITH take, relation, relation IN ['starts', 'finishes', 'during'] AS flip,
     role_a, role_b, action_a, action_b
WITH take, relation,
     CASE WHEN flip THEN role_b ELSE role_a END AS x_role,
     CASE WHEN flip THEN action_b ELSE action_a END AS x_action,
     CASE WHEN flip THEN role_a ELSE role_b END AS y_role,
     CASE WHEN flip THEN action_a ELSE action_b END AS y_action
RETURN x_role, x_action, relation, y_role, y_action,
       count(*) AS pairs, count(DISTINCT take) AS takes
ORDER BY pairs DESC, x_role, x_action, relation, y_role, y_action
"""

ALLEN = register(
    CatalogQuery(
        name="allen_concurrency",
        description=(
            "Allen relations (before, meets, overlaps, starts, during, finishes, equals) "
            "between the actions of different roles in the same take, counted per pair "
            "of (role, action); 'before' only within before_window frames."
        ),
        cypher=_CYPHER,
        params=(
            Param(
                "before_window",
                int,
                30,
                "most frames between two intervals still counted as 'before'",
            ),
            TAKE_FILTER,
        ),
        columns=("x_role", "x_action", "relation", "y_role", "y_action", "pairs", "takes"),
        scope="dataset",
    )
)
