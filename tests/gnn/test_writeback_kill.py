"""Rewriting a stored run's predictions, killed half-way, leaves the old predictions whole."""

from __future__ import annotations

import subprocess
import sys

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.store_read import read_split_truth
from orgraph.gnn.writeback import write_predictions

# Rewrites run "oracle" with one triplet per frame, then dies (exit 9, no checkpoint,
# no close) right after the second take's predictions were committed.
_REWRITE_AND_DIE = """
import os, sys
import orgraph.core.store.ladybug_predictions as lp
import orgraph.gnn.writeback as wb
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.store_read import read_split_truth

real, done = lp.replace_take_predictions, []
def dying(store, run, take):
    real(store, run, take)
    done.append(take.take)
    if len(done) == 2:
        os._exit(9)
lp.replace_take_predictions = dying
store = open_store(Settings(backend="embedded", db=sys.argv[1]), read_only=False)
truth = read_split_truth(store, None)
wb.write_predictions(store, "oracle", {k: v[:1] for k, v in truth.items()})
"""


def predictions_per_take(settings: Settings) -> dict[str, int]:
    with open_store(settings) as store:
        df = store.query(
            "MATCH (p:Prediction {run: 'oracle'})-[:PREDICTED_BY]->(:Run) "
            "RETURN p.take AS take, count(p) AS n"
        )
    return dict(zip(df["take"], df["n"].astype(int), strict=True))


def test_killed_rewrite_of_a_stored_run_keeps_its_predictions(db_copy: Settings) -> None:
    with open_store(db_copy, read_only=False) as store:
        truth = read_split_truth(store, None)
        write_predictions(store, "oracle", truth)
    before = predictions_per_take(db_copy)
    assert len(before) >= 3

    proc = subprocess.run(
        [sys.executable, "-c", _REWRITE_AND_DIE, str(db_copy.db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 9, proc.stderr[-2000:]
    assert predictions_per_take(db_copy) == before  # read-only, right after the crash
    with open_store(db_copy, read_only=False):  # a writer recovers and removes the copy
        pass
    assert predictions_per_take(db_copy) == before
    assert sorted(p.name for p in db_copy.db.iterdir()) == ["graph.lbug", "writer.lock"]
