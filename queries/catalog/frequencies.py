"""relation_frequencies and entity_frequencies: how often and how long, per take or higher.

Counts are triplet rows as annotated (duplicate rows included: the sum of SHOWS.n).
Durations are interval lengths, n_frames / fps summed over the intervals, so two
triplets holding at once both count: "triplet-seconds", not wall-clock seconds.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import LEVEL, LEVEL_KEY, SURGERY_TYPE, typed
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import CatalogQuery, register

_RELATIONS = f"""
MATCH (p:Procedure)-[:HAS_TAKE]->(t:Take)-[:HAS_ENTITY]->(:Entity)
      <-[:HAS_SUBJECT]-(i:Interaction)<-[s:SHOWS]-(:Frame)
WITH {LEVEL_KEY} AS key, t.fps AS fps, i, sum(s.n) AS rows_n
RETURN key, i.relation AS relation, sum(rows_n) AS triplets, count(i) AS intervals,
       sum(i.n_frames) AS frames, sum(i.n_frames / fps) AS duration_s
"""


def _finish_relations(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    df = typed(df, ints=("triplets", "intervals", "frames"), floats=("duration_s",))
    df.insert(0, "level", params["level"])
    totals = df.groupby("key")["triplets"].transform("sum")
    df["share"] = (df["triplets"] / totals).astype("float64")
    df = df.sort_values(["key", "triplets", "relation"], ascending=[True, False, True])
    return df.reset_index(drop=True)


register(
    CatalogQuery(
        name="relation_frequencies",
        description="Triplet rows, intervals and total duration (s) of each relation "
        "per take, procedure or surgery type.",
        cypher=_RELATIONS,
        params=(LEVEL,),
        post=_finish_relations,
        columns=(
            "level",
            "key",
            "relation",
            "triplets",
            "intervals",
            "frames",
            "duration_s",
            "share",
        ),
        scope="dataset",
    )
)

_ENTITIES = """
MATCH (i:Interaction)<-[s:SHOWS]-(:Frame)
WITH i, sum(s.n) AS rows_n
MATCH (p:Procedure)-[:HAS_TAKE]->(t:Take)-[:HAS_ENTITY]->(e:Entity)
      <-[h:HAS_SUBJECT|HAS_OBJECT]-(i)
WHERE coalesce($surgery_type, t.surgery_type) = t.surgery_type
WITH {level_key} AS key, e.name AS entity, i.n_frames / t.fps AS secs,
     {rel_type} = 'HAS_SUBJECT' AS as_subject, rows_n
RETURN key, entity,
       sum(CASE WHEN as_subject THEN rows_n ELSE 0 END) AS subject_triplets,
       sum(CASE WHEN as_subject THEN 0 ELSE rows_n END) AS object_triplets,
       sum(CASE WHEN as_subject THEN secs ELSE 0.0 END) AS subject_duration_s,
       sum(CASE WHEN as_subject THEN 0.0 ELSE secs END) AS object_duration_s
UNION ALL
MATCH (p:Procedure)-[:HAS_TAKE]->(t:Take)-[:HAS_ENTITY]->(e:Entity)
WHERE NOT EXISTS {{ MATCH (e)<-[:HAS_SUBJECT|HAS_OBJECT]-(:Interaction) }}
  AND coalesce($surgery_type, t.surgery_type) = t.surgery_type
RETURN {level_key} AS key, e.name AS entity, {zero} AS subject_triplets,
       {zero} AS object_triplets, 0.0 AS subject_duration_s, 0.0 AS object_duration_s
"""
"""Triplet rows are summed once per interaction, then given to its subject and object;
the second part adds the entities of a take that are in no interaction, with zeros;
both keep only the takes of `surgery_type` when it is given."""


def _entities(d: Dialect) -> str:
    return _ENTITIES.format(level_key=LEVEL_KEY, rel_type=d.rel_type("h"), zero=d.count_zero)


def _finish_entities(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    df = typed(
        df,
        ints=("subject_triplets", "object_triplets"),
        floats=("subject_duration_s", "object_duration_s"),
    )
    # an entity idle in one take but active in another of the same group is in both parts
    df = df.groupby(["key", "entity"], as_index=False).sum()
    df.insert(0, "level", params["level"])
    df = df.sort_values(
        ["key", "subject_triplets", "object_triplets", "entity"],
        ascending=[True, False, False, True],
    )
    return df.reset_index(drop=True)


register(
    CatalogQuery(
        name="entity_frequencies",
        description="Triplet rows and total duration (s) of each entity as subject and as "
        "object, per take, procedure or surgery type.",
        cypher=_entities,
        params=(LEVEL, SURGERY_TYPE),
        post=_finish_entities,
        columns=(
            "level",
            "key",
            "entity",
            "subject_triplets",
            "object_triplets",
            "subject_duration_s",
            "object_duration_s",
        ),
        scope="dataset",
    )
)
