"""A run's predictions turned into graph rows: what GraphStore.replace_predictions writes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

RUN_MERGE = "MERGE (r:Run {key: $k}) SET r.created = $c, r.description = $d"
"""The Run node of a write-back (both dialects)."""
DELETE_TAKE_PREDICTIONS = (
    "MATCH (p:Prediction) WHERE p.run = $run AND p.take = $take DETACH DELETE p"
)
RUN_HAS_PREDICTIONS = "MATCH (p:Prediction) WHERE p.run = $run RETURN count(p) AS n"


@dataclass(frozen=True)
class PredictionRun:
    """The Run node: its name, when it was written (ISO text) and what it is."""

    key: str
    created: str
    description: str = ""

    def params(self) -> dict[str, str]:
        """Parameters of RUN_MERGE."""
        return {"k": self.key, "c": self.created, "d": self.description}


@dataclass(frozen=True)
class TakePredictions:
    """A run's Prediction intervals of one take and their SHOWS_PREDICTION {n} frames.

    `nodes` has the Prediction columns of core.store.schema; `shows` has src (frame
    key), dst (prediction key) and n.
    """

    take: str
    nodes: pd.DataFrame
    shows: pd.DataFrame

    def predicted_by(self, run: str) -> pd.DataFrame:
        """The PREDICTED_BY rows (prediction key -> run key)."""
        return pd.DataFrame({"src": self.nodes["key"], "dst": run})
