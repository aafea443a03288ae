"""Write-back of a run's predictions into Neo4j: one statement (one transaction) per take."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from orgraph.core.store.predictions import RUN_MERGE, PredictionRun, TakePredictions

if TYPE_CHECKING:
    from orgraph.core.store.neo4j_store import Neo4jStore

_REPLACE_TAKE = """
OPTIONAL MATCH (old:Prediction {run: $run, take: $take}) DETACH DELETE old
WITH count(*) AS _ MATCH (r:Run {key: $run}) UNWIND $rows AS row
CREATE (p:Prediction) SET p = row.props CREATE (p)-[:PREDICTED_BY]->(r)
WITH p, row UNWIND row.frames AS fr MATCH (f:Frame {key: fr.key})
CREATE (f)-[:SHOWS_PREDICTION {n: fr.n}]->(p)
"""


def replace_predictions(
    store: Neo4jStore, run: PredictionRun, takes: Iterable[TakePredictions]
) -> None:
    """Merge the Run node, then replace its predictions of each take in one transaction."""
    store.write(RUN_MERGE, run.params())
    for take in takes:
        store.write(_REPLACE_TAKE, {"run": run.key, "take": take.take, "rows": _rows(take)})


def _rows(take: TakePredictions) -> list[dict[str, Any]]:
    """One row per prediction: its properties and the frames that show it, with n."""
    frames: dict[str, list[dict[str, Any]]] = {}
    for src, dst, n in zip(take.shows["src"], take.shows["dst"], take.shows["n"], strict=True):
        frames.setdefault(dst, []).append({"key": src, "n": int(n)})
    return [
        {"props": {k: _py(v) for k, v in r.items()}, "frames": frames.get(r["key"], [])}
        for r in take.nodes.to_dict("records")
    ]


def _py(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v
