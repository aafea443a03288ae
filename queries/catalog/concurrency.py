"""`allen_concurrency`: how the actions of different roles sit in time (Allen's relations).

Intervals are inclusive frame ranges [start_frame, end_frame] of interactions whose
subject is a role; only pairs of different roles in the same take are compared, in the
takes chosen by `take` and `surgery_type` (all when omitted). On
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

from orgraph.core.keys import take_of_surgery_type_cypher
from orgraph.core.store.schema import BUCKET_FRAMES
from orgraph.queries.catalog.common import ROLE_LIST, SURGERY_TYPE, TAKE_FILTER
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

ALLEN_RELATIONS = ("before", "meets", "overlaps", "starts", "during", "finishes", "equals")

# a runs over the role intervals of the chosen takes (the surgery type read from the
# take key, core.keys, so the plan stays that of one label scan); b over those a reaches.
# a = the pair's interval that starts first (on a tie: the longer one, then the role
# that sorts first); `rel` is b's relation as seen from a, then turned to x/y above.
# Candidate pairs are only those where b starts in [a.start, a.end + 1 + before_window],
# never every pair in a take. How b is found differs per engine (docs/graph-model.md):
# Neo4j seeks a composite index on (take, start_frame) by range and reads b's other
# values from the same index entry; LadybugDB hash-joins a's reachable time buckets
# with b's start bucket. Pairs are counted per take and action before the roles and
# actions are flipped into x/y and summed.
_A = f"""
MATCH (a:Interaction)
WHERE a.subject IN {ROLE_LIST} AND a.take = coalesce($take, a.take)
  AND {take_of_surgery_type_cypher("a.take", "$surgery_type")}
WITH a.take AS take, a.subject AS ra, a.action AS xa, a.start_frame AS s1, a.end_frame AS e1
"""

_B_BY_INDEX_RANGE = f"""
MATCH (b:Interaction)
WHERE b.take = take AND b.start_frame >= s1 AND b.start_frame <= e1 + 1 + $before_window
  AND b.end_frame IS NOT NULL AND b.subject IN {ROLE_LIST} AND b.action IS NOT NULL
WITH take, ra, xa, s1, e1, b.subject AS rb, b.action AS xb, b.start_frame AS s2, b.end_frame AS e2
"""

_B_BY_BUCKET = f"""
UNWIND range(s1 / {BUCKET_FRAMES}, (e1 + 1 + $before_window) / {BUCKET_FRAMES}) AS bucket
WITH take, ra, xa, s1, e1, {{reach}} AS reach
MATCH (b:Interaction)
WHERE b.start_bucket = reach AND b.subject IN {ROLE_LIST}
WITH take, ra, xa, s1, e1, b.subject AS rb, b.action AS xb, b.start_frame AS s2, b.end_frame AS e2
WHERE s2 <= e1 + 1 + $before_window
"""

_PAIRS = """
WITH take, ra, xa, s1, e1, rb, xb, s2, e2
WHERE ra <> rb AND (s1 < s2 OR (s1 = s2 AND (e1 > e2 OR (e1 = e2 AND ra < rb))))
WITH take, ra, xa, rb, xb,
     CASE
       WHEN e1 + 1 < s2 THEN 'before'
       WHEN e1 + 1 = s2 THEN 'meets'
       WHEN s1 = s2 AND e1 = e2 THEN 'equals'
       WHEN s1 = s2 THEN 'starts'
       WHEN e1 = e2 THEN 'finishes'
       WHEN e1 > e2 THEN 'during'
       ELSE 'overlaps'
     END AS relation
WITH take, ra, xa, rb, xb, relation, count(*) AS n
WITH take, relation, n, relation IN ['starts', 'finishes', 'during'] AS flip, ra, xa, rb, xb
WITH take, relation, n,
     CASE WHEN flip THEN rb ELSE ra END AS x_role,
     CASE WHEN flip THEN xb ELSE xa END AS x_action,
     CASE WHEN flip THEN ra ELSE rb END AS y_role,
     CASE WHEN flip THEN xa ELSE xb END AS y_action
RETURN x_role, x_action, relation, y_role, y_action,
       sum(n) AS pairs, count(DISTINCT take) AS takes
ORDER BY pairs DESC, x_role, x_action, relation, y_role, y_action
"""


def _cypher(d: Dialect) -> str:
    """Range seek where the engine has it, else the bucket join (the algorithms differ)."""
    if d.range_seek:
        return _A + _B_BY_INDEX_RANGE + _PAIRS
    return _A + _B_BY_BUCKET.format(reach=d.numbered_key("take", "bucket")) + _PAIRS


ALLEN = register(
    CatalogQuery(
        name="allen_concurrency",
        description=(
            "Allen relations (before, meets, overlaps, starts, during, finishes, equals) "
            "between the actions of different roles in the same take, counted per pair "
            "of (role, action); 'before' only within before_window frames."
        ),
        cypher=_cypher,
        params=(
            Param(
                "before_window",
                int,
                30,
                "most frames between two intervals still counted as 'before'",
            ),
            TAKE_FILTER,
            SURGERY_TYPE,
        ),
        columns=("x_role", "x_action", "relation", "y_role", "y_action", "pairs", "takes"),
        scope="dataset",
    )
)
