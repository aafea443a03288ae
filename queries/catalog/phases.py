"""`phase_timeline`: when key actions first and last happen in each take, and how that varies.

An action is "relation object" with any subject. Per take: the first frame of its
first interval and the last frame of its last one, in frames, seconds (the end is
exclusive: (last_frame + 1) / fps) and as a position in the take (seconds / take
length). With level "procedure" the takes of one surgery type are summarised per
action: mean, sample std (NaN for a single take), min and max of each measure.
The default actions are those whose relation marks a phase (KEY_RELATIONS); `surgery_type`
and `take` choose the takes (all when omitted).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import SURGERY_TYPE, TAKE_FILTER, typed
from orgraph.queries.catalog.registry import CatalogQuery, Param, register
from orgraph.queries.param_types import text_list

KEY_RELATIONS = (
    "anaesthetising",
    "aspirating",
    "cutting",
    "disinfection",
    "dressing",
    "injecting",
    "inserting",
    "scanning",
)
"""Relations that mark a step of the procedure (not posture, gaze or presence)."""

_KEY_LIST = "[" + ", ".join(f"'{r}'" for r in KEY_RELATIONS) + "]"

_CYPHER = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(:Entity)<-[:HAS_SUBJECT]-(i:Interaction)
WHERE t.surgery_type = coalesce($surgery_type, t.surgery_type) AND coalesce($take, t.key) = t.key
WITH t, i, i.action AS action
WHERE (size($actions) = 0 AND i.relation IN {_KEY_LIST}) OR action IN $actions
WITH t.surgery_type AS surgery_type, t.key AS take, t.frames AS frames, t.fps AS fps,
     action, min(i.start_frame) AS first_frame, max(i.end_frame) AS last_frame
RETURN surgery_type, take, action, first_frame, last_frame,
       first_frame / fps AS first_seconds, (last_frame + 1) / fps AS last_seconds,
       1.0 * first_frame / frames AS first_position,
       1.0 * (last_frame + 1) / frames AS last_position
"""

MEASURES = ("first_seconds", "last_seconds", "first_position", "last_position")
STATS = ("mean", "std", "min", "max")
TAKE_COLUMNS = (
    "surgery_type",
    "take",
    "action",
    "first_frame",
    "last_frame",
    *MEASURES,
)
PROCEDURE_COLUMNS = (
    "surgery_type",
    "action",
    "takes",
    *(f"{m}_{s}" for m in MEASURES for s in STATS),
)


def _finish(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """Order per take, or summarise across the takes of each surgery type."""
    df = typed(df, ints=("first_frame", "last_frame"), floats=MEASURES)
    if params["level"] == "take":
        df = df.sort_values(["surgery_type", "take", "first_frame", "action"])
        return df.reset_index(drop=True)[list(TAKE_COLUMNS)]
    if df.empty:
        return pd.DataFrame(columns=list(PROCEDURE_COLUMNS))
    grouped = df.groupby(["surgery_type", "action"], sort=True)
    out = grouped[list(MEASURES)].agg(list(STATS))
    out.columns = [f"{m}_{s}" for m, s in out.columns]
    out.insert(0, "takes", grouped.size().astype("int64"))
    out = out.reset_index()
    out = out.sort_values(["surgery_type", "first_seconds_mean", "action"])
    return out.reset_index(drop=True)[list(PROCEDURE_COLUMNS)]


PHASES = register(
    CatalogQuery(
        name="phase_timeline",
        description=(
            "First and last occurrence of key actions per take (frame, seconds, position "
            "in the take), or their mean/std/min/max across the takes of a surgery type."
        ),
        cypher=_CYPHER,
        params=(
            SURGERY_TYPE,
            TAKE_FILTER,
            Param(
                "actions",
                text_list,
                (),
                "actions as 'relation object', comma-separated (default: every action "
                "whose relation is one of " + ", ".join(KEY_RELATIONS) + ")",
            ),
            Param(
                "level",
                str,
                "procedure",
                "per take, or summarised per surgery type",
                choices=("take", "procedure"),
            ),
        ),
        post=_finish,
        columns=PROCEDURE_COLUMNS,
        scope="dataset",
    )
)
