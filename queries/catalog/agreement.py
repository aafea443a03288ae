"""Per-frame agreement of a model run's predictions with the ground truth.

For every annotated frame of the takes the run predicted: how many distinct truth
triplets, predicted triplets and exact matches it shows, with precision and recall.
Written without list comprehensions or CALL {}, so one text runs on both backends.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgraph.queries.catalog.registry import CatalogQuery, Param, register

_CYPHER = """
MATCH (q:Prediction {run: $run})
WITH DISTINCT q.take AS tk
WHERE tk = coalesce($take, tk)
MATCH (f:Frame)
WHERE f.take = tk AND f.annotated = true
OPTIONAL MATCH (f)-[:SHOWS]->(i:Interaction)
WITH f, count(i) AS truth
OPTIONAL MATCH (f)-[:SHOWS_PREDICTION]->(p:Prediction {run: $run})
WITH f, truth, count(p) AS predicted
OPTIONAL MATCH (f)-[:SHOWS]->(m:Interaction), (f)-[:SHOWS_PREDICTION]->(mp:Prediction {run: $run})
WHERE m.subject = mp.subject AND m.relation = mp.relation AND m.object = mp.object
RETURN f.take AS take, f.idx AS frame, truth, predicted, count(mp) AS matches
"""


def _finish(df: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """Precision and recall per frame (NaN where undefined), in take and frame order."""
    df = df.sort_values(["take", "frame"]).copy()
    pred = df["predicted"].astype(float)
    truth = df["truth"].astype(float)
    df["precision"] = (df["matches"] / pred).where(pred > 0)
    df["recall"] = (df["matches"] / truth).where(truth > 0)
    return df


register(
    CatalogQuery(
        name="prediction_agreement",
        description="Per annotated frame of the takes a run predicted: truth, predicted and "
        "matching triplets, precision and recall of the run against the ground truth.",
        cypher=_CYPHER,
        params=(
            Param("run", str, None, "run key (Run.key) whose predictions to compare"),
            Param("take", str, None, "only this take (SURGERY/PROCEDURE/TAKE); all if unset"),
        ),
        post=_finish,
        columns=("take", "frame", "truth", "predicted", "matches", "precision", "recall"),
        scope="take",
    )
)
