"""Prediction runs stored in the graph: read back per frame, scored, imported from a file.

A stored run is what `orgraph evaluate RUN --write-back` or `orgraph import-predictions`
wrote: Prediction intervals linked to their frames. Reading them back gives the same
per-frame triplets that were written, so a stored run scores as its source file does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orgraph.core.errors import DataFormatError, StoreError
from orgraph.core.store import GraphStore
from orgraph.gnn.evaluation import EvaluationReport, FrameKey, Triplet, evaluate, parse_predictions
from orgraph.gnn.evaluation.flicker import change_table
from orgraph.gnn.evaluation.frames import first_per_pair
from orgraph.gnn.evaluation.pairs import pair_table
from orgraph.gnn.store_read import read_annotated_frames, read_split_truth

_RUN_FRAMES = """
MATCH (f:Frame)-[:SHOWS_PREDICTION]->(p:Prediction)
WHERE p.run = $run
RETURN f.take AS take, f.idx AS idx, p.subject AS subject, p.relation AS relation,
       p.object AS object
"""


@dataclass(frozen=True)
class StoredEvaluation:
    """A stored run scored on a split: the report, and the pair and change tables behind it.

    `changes` / `truth_changes` are the consecutive frame pairs behind the run's and the
    truth's temporal consistency (see evaluation.flicker).
    """

    run: str
    split: str
    report: EvaluationReport
    pairs: pd.DataFrame
    changes: pd.DataFrame
    truth_changes: pd.DataFrame


def stored_run_names(store: GraphStore) -> list[str]:
    """Keys of the Run nodes (prediction runs) in the store, sorted."""
    df = store.query("MATCH (r:Run) RETURN r.key AS run ORDER BY run")
    return [str(r) for r in df["run"]]


def take_key_parts(take: str) -> tuple[str, int, int]:
    """("MISS", 1, 2) of the take key "MISS/1/2"."""
    surgery_type, procedure_id, take_id = take.split("/")
    return surgery_type, int(procedure_id), int(take_id)


def read_run_predictions(store: GraphStore, run: str) -> dict[FrameKey, list[Triplet]]:
    """The run's predicted triplets per annotated frame; StoreError when no such run."""
    names = stored_run_names(store)
    if run not in names:
        stored = ", ".join(names) or "none yet"
        raise StoreError(f"no prediction run {run!r} in the graph store (stored runs: {stored})")
    df = store.query(_RUN_FRAMES, {"run": run})
    out: dict[FrameKey, list[Triplet]] = defaultdict(list)
    rows = df.sort_values(["take", "idx", "subject", "relation", "object"])
    for r in rows.itertuples(index=False):
        out[(*take_key_parts(str(r.take)), int(r.idx))].append(
            (str(r.subject), str(r.relation), str(r.object))
        )
    return dict(out)


def evaluate_stored(
    store: GraphStore, run: str, split: str | None = "test", entities: str = "predicted"
) -> StoredEvaluation:
    """Score a stored run against the store's truth of a split (every split with None)."""
    predictions = read_run_predictions(store, run)
    truth = read_split_truth(store, split)
    if not truth:
        raise DataFormatError(f"the graph store has no annotated frame in split {split!r}")
    report = evaluate(truth, predictions, entities=entities)
    return StoredEvaluation(
        run,
        split or "all",
        report,
        pair_table(truth, predictions, entities),
        change_table(truth, predictions),
        change_table(truth, truth, "ground truth"),
    )


def check_frames(store: GraphStore, predictions: dict[FrameKey, list[Triplet]]) -> None:
    """StoreError naming the first take or frame the store does not hold as annotated,
    before anything is written (so a refused import leaves no trace)."""
    by_take: dict[str, set[int]] = defaultdict(set)
    for st, p, t, f in predictions:
        by_take[f"{st}/{p}/{t}"].add(int(f))
    takes = set(store.query("MATCH (t:Take) RETURN t.key AS key")["key"])
    for take, frames in sorted(by_take.items()):
        if take not in takes:
            raise StoreError(f"predictions name take {take}, which the graph store does not hold")
        annotated = set(read_annotated_frames(store, take)["idx"].astype(int))
        unknown = sorted(frames - annotated)
        if unknown:
            raise StoreError(
                f"predictions for {take} name frames that are not annotated: {unknown[:5]}"
            )


def import_predictions(
    store: GraphStore, source: Path, run: str, lenient: bool = False
) -> tuple[int, int]:
    """Store a predictions file as prediction run `run`; returns (frames, intervals).

    Only the first triplet of each pair is kept per frame (the one the protocol scores),
    so the stored run scores exactly as the file does.
    """
    from orgraph.gnn.writeback import write_predictions

    if not run.strip() or "|" in run:
        raise DataFormatError(f"--run {run!r}: give a non-empty name without '|'")
    parsed = parse_predictions(source, lenient=lenient)
    if not parsed:
        raise DataFormatError(f"{source}: holds no prediction record")
    kept = {key: first_per_pair(ts) for key, ts in parsed.items()}
    check_frames(store, kept)
    intervals = write_predictions(store, run, kept, f"imported from {Path(source).name}")
    return len(kept), intervals
