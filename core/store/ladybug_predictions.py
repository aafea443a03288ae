"""Write-back of a run's predictions into the embedded engine, crash-safe.

Each take's predictions of the run are deleted and COPYed again in one transaction. If
the run is already stored, the deletes hit checkpointed rows, so the whole rewrite runs
on a copy of the database swapped in at the end (core.store.ladybug_replace): a crash
leaves the old predictions whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from orgraph.core.errors import StoreError
from orgraph.core.store.predictions import (
    DELETE_TAKE_PREDICTIONS,
    RUN_HAS_PREDICTIONS,
    RUN_MERGE,
    PredictionRun,
    TakePredictions,
)

if TYPE_CHECKING:
    from orgraph.core.store.ladybug_store import LadybugStore


def replace_predictions(
    store: LadybugStore, run: PredictionRun, takes: Iterable[TakePredictions]
) -> None:
    """Merge the Run node, then replace its predictions take by take."""
    store.write(RUN_MERGE, run.params())
    found = store.query(RUN_HAS_PREDICTIONS, {"run": run.key})
    if int(found["n"].iloc[0]) == 0:  # nothing stored to delete: write where we are
        for take in takes:
            replace_take_predictions(store, run.key, take)
        return
    with store.replacing():
        for take in takes:
            replace_take_predictions(store, run.key, take)
    store.checkpoint()  # swaps the copy in


def replace_take_predictions(store: LadybugStore, run: str, take: TakePredictions) -> None:
    """Delete the run's predictions of one take and COPY the new ones, in one transaction."""
    store.write("BEGIN TRANSACTION")
    try:
        store.write(DELETE_TAKE_PREDICTIONS, {"run": run, "take": take.take})
        store._copy("Prediction", take.nodes)
        store._copy_rel("SHOWS_PREDICTION", take.shows)
        store._copy_rel("PREDICTED_BY", take.predicted_by(run))
        store.write("COMMIT")
    except BaseException:
        with contextlib.suppress(StoreError):  # the engine may have rolled back already
            store.write("ROLLBACK")
        raise
