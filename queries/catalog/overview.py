"""dataset_overview: how much data each procedure holds, per split."""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.common import typed
from orgraph.queries.catalog.registry import CatalogQuery, register

_CYPHER = """
MATCH (p:Procedure)-[:HAS_TAKE]->(t:Take)
RETURN p.surgery_type AS surgery_type, p.key AS procedure, p.procedure_id AS procedure_id,
       t.split AS split, count(t) AS takes, sum(t.frames) AS frames,
       sum(t.annotated_frames) AS annotated_frames, sum(t.triplets) AS triplets,
       sum(t.frames / t.fps) AS duration_s
"""


def _finish(df: pd.DataFrame, _: dict[str, Any]) -> pd.DataFrame:
    df = typed(
        df,
        ints=("procedure_id", "takes", "frames", "annotated_frames", "triplets"),
        floats=("duration_s",),
    )
    return df.sort_values(["surgery_type", "procedure_id", "split"]).reset_index(drop=True)


register(
    CatalogQuery(
        name="dataset_overview",
        description="Takes, frames, annotated frames, triplets and duration (s) per "
        "surgery type, procedure and split.",
        cypher=_CYPHER,
        post=_finish,
        columns=(
            "surgery_type",
            "procedure",
            "procedure_id",
            "split",
            "takes",
            "frames",
            "annotated_frames",
            "triplets",
            "duration_s",
        ),
        scope="dataset",
    )
)
