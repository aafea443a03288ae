"""Performance: how long activities and phases last, how long a role waits between
activities, and how much of a take a role is idle (docs/workflow-mining.md).

* `activity_durations`: every activity instance (queries/catalog/steps.py, flicker
  merged) lasts ``(end_frame - start_frame + 1) / fps`` s; per surgery type and
  activity: instances, takes, mean, median, min and max.
* `phase_durations`: a phase (key relation) lasts from its first start to its last end
  in a take; per surgery type and phase, the distribution over takes.
* `waiting_times`: the gaps of a role's `follows` pairs (directly_follows: the next
  activity starts after the previous one ended), per surgery type and role.
* `idle_time`: per take and role, the annotated frames in which the role is the subject
  of no interaction (idle_frames) and their share of the take's annotated frames.
Medians are taken in pandas from the values the query collects.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import (
    ROLE,
    ROLE_LIST,
    SURGERY_TYPE,
    TAKE_FILTER,
    median_of,
    typed,
)
from orgraph.queries.catalog.phases import KEY_RELATIONS
from orgraph.queries.catalog.registry import CatalogQuery, register
from orgraph.queries.catalog.steps import FLICKER, OBJECT, instances, steps_query

_KEY_LIST = "[" + ", ".join(f"'{r}'" for r in KEY_RELATIONS) + "]"
STAT_COLUMNS = ("mean_s", "median_s", "min_s", "max_s")
_AGG = """count(*) AS n, count(DISTINCT tk) AS takes, avg(d) AS mean_s, min(d) AS min_s,
       max(d) AS max_s, collect(d) AS ds"""


def _stats_finish(keys: tuple[str, ...], count: str) -> Any:
    """A post step: median from the collected values, typed columns, ordered by keys."""
    columns = (*keys, count, "takes", *STAT_COLUMNS)

    def finish(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
        if df.empty:
            return pd.DataFrame(columns=list(columns))
        df = df.assign(median_s=df["ds"].map(median_of)).rename(columns={"n": count})
        df = typed(df, ints=(count, "takes"), floats=STAT_COLUMNS)
        return df.sort_values(list(keys)).reset_index(drop=True)[list(columns)]

    return finish


_ACTIVITY = (
    instances("role")
    + f"""
WITH st, tk, action, (en - s + 1) / fps AS d
RETURN st AS surgery_type, action AS activity, {_AGG}
"""
)

register(
    CatalogQuery(
        name="activity_durations",
        description="Duration of each activity (its instances, flicker merged) per surgery "
        "type: instances, takes, mean, median, min and max seconds.",
        cypher=_ACTIVITY,
        params=(ROLE, OBJECT, TAKE_FILTER, SURGERY_TYPE, FLICKER),
        post=_stats_finish(("surgery_type", "activity"), "instances"),
        columns=("surgery_type", "activity", "instances", "takes", *STAT_COLUMNS),
        scope="dataset",
    )
)

_PHASE = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(:Entity)<-[:HAS_SUBJECT]-(i:Interaction)
WHERE i.relation IN {_KEY_LIST} AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
  AND coalesce($take, t.key) = t.key
WITH t.surgery_type AS st, t.key AS tk, t.fps AS fps, i.relation AS phase,
     min(i.start_frame) AS s, max(i.end_frame) AS en
WITH st, tk, phase, (en - s + 1) / fps AS d
RETURN st AS surgery_type, phase, {_AGG}
"""

register(
    CatalogQuery(
        name="phase_durations",
        description="Duration of each phase (key relation, first start to last end in a "
        "take) over the takes of each surgery type: mean, median, min and max seconds.",
        cypher=_PHASE,
        params=(TAKE_FILTER, SURGERY_TYPE),
        post=_stats_finish(("surgery_type", "phase"), "occurrences"),
        columns=("surgery_type", "phase", "occurrences", "takes", *STAT_COLUMNS),
        scope="dataset",
    )
)

_WAIT_TAIL = (
    """
WITH st, tk, role, pos, start, prev_end, fps
WHERE pos > 0 AND start > prev_end
WITH st, tk, role, (start - prev_end - 1) / fps AS d
RETURN st AS surgery_type, role, """
    + _AGG
)

_WAIT = steps_query(_WAIT_TAIL)
register(
    CatalogQuery(
        name="waiting_times",
        description="Time a role waits between one activity's end and the next one's start "
        "(follows pairs), per surgery type and role: mean, median, min, max seconds.",
        cypher=_WAIT,
        params=(ROLE, OBJECT, TAKE_FILTER, SURGERY_TYPE, FLICKER),
        post=_stats_finish(("surgery_type", "role"), "waits"),
        columns=("surgery_type", "role", "waits", "takes", *STAT_COLUMNS),
        scope="dataset",
    )
)

_IDLE = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)
WHERE e.name IN {ROLE_LIST} AND coalesce($role, e.name) = e.name
  AND coalesce($take, t.key) = t.key
  AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
OPTIONAL MATCH (t)-[:HAS_FRAME]->(f:Frame)-[:SHOWS]->(i:Interaction)-[:HAS_SUBJECT]->(e)
WITH t, e, count(DISTINCT f) AS busy
RETURN t.surgery_type AS surgery_type, t.key AS take, e.name AS role,
       t.annotated_frames AS annotated_frames, busy AS busy_frames,
       t.annotated_frames - busy AS idle_frames,
       CASE WHEN t.annotated_frames = 0 THEN NULL
            ELSE 1.0 * (t.annotated_frames - busy) / t.annotated_frames END AS idle_share
"""


def _finish_idle(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    df = typed(df, ints=("annotated_frames", "busy_frames", "idle_frames"), floats=("idle_share",))
    return df.sort_values(["surgery_type", "take", "role"]).reset_index(drop=True)


register(
    CatalogQuery(
        name="idle_time",
        description="Per take and role: annotated frames in which the role is the subject of "
        "no interaction (idle), and their share of the take's annotated frames.",
        cypher=_IDLE,
        params=(ROLE, TAKE_FILTER, SURGERY_TYPE),
        post=_finish_idle,
        columns=(
            "surgery_type",
            "take",
            "role",
            "annotated_frames",
            "busy_frames",
            "idle_frames",
            "idle_share",
        ),
        scope="dataset",
    )
)
