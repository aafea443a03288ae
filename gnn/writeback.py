"""Write a run's predictions back to the graph store, shaped like the truth: intervals.

Per take, predicted triplets of the annotated frames become Prediction intervals (the
loader's interval rule and the take's gap tolerance), linked to their frames by
SHOWS_PREDICTION {n} and to the Run by PREDICTED_BY. A take's predictions of a run are
replaced in one transaction, so a rerun never leaves a mix of two writes; how is the
store's business (GraphStore.replace_predictions).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import pandas as pd

from orgraph.core.errors import StoreError
from orgraph.core.keys import frame_key, prediction_key, take_key
from orgraph.core.store import GraphStore
from orgraph.core.store.predictions import PredictionRun, TakePredictions
from orgraph.core.vocabulary import ENTITIES, ENTITY_INDEX, FPS, RELATION_INDEX, RELATIONS
from orgraph.gnn.evaluation import FrameKey
from orgraph.gnn.store_read import read_annotated_frames
from orgraph.loader.intervals import build_intervals

Triplet = tuple[str, str, str]


def prediction_rows(
    run: str, take: str, annotated: np.ndarray, frames: dict[int, list[Triplet]], gap: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(Prediction nodes, SHOWS_PREDICTION rels, PREDICTED_BY rels) of one take."""
    flat = [
        (f, ENTITY_INDEX[s], RELATION_INDEX[r], ENTITY_INDEX[o])
        for f, ts in sorted(frames.items())
        for s, r, o in ts
    ]
    arr = np.array(flat, dtype=np.int64).reshape(-1, 4)
    iv = build_intervals(np.sort(annotated), arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], gap)
    keys = np.array([prediction_key(run, take, i) for i in range(iv.start.size)], dtype=object)
    names, rels = np.array(ENTITIES, dtype=object), np.array(RELATIONS, dtype=object)
    nodes = pd.DataFrame(
        {
            "key": keys,
            "run": run,
            "take": take,
            "subject": names[iv.subject] if iv.subject.size else [],
            "relation": rels[iv.relation] if iv.relation.size else [],
            "object": names[iv.object] if iv.object.size else [],
            "start_frame": iv.start,
            "end_frame": iv.end,
            "n_frames": iv.n_frames,
            "start_time": iv.start / FPS,
            "end_time": (iv.end + 1) / FPS,
        }
    )
    shows = pd.DataFrame(
        {
            "src": [frame_key(take, int(f)) for f in iv.occ_frame],
            "dst": keys[iv.occ_interval] if iv.occ_interval.size else [],
            "n": iv.occ_count,
        }
    )
    by = pd.DataFrame({"src": keys, "dst": run})
    return nodes, shows, by


def _take_gaps(store: GraphStore) -> dict[str, int]:
    df = store.query("MATCH (t:Take) RETURN t.key AS key, t.gap_tolerance AS gap")
    return {k: int(g or 0) for k, g in zip(df["key"], df["gap"], strict=True)}


def write_predictions(
    store: GraphStore,
    run: str,
    predictions: dict[FrameKey, list[Triplet]],
    description: str = "",
) -> int:
    """Store the predictions of `run` (replacing its earlier ones per take); returns intervals."""
    if store.read_only:
        raise StoreError("writing predictions back needs the store opened for writing")
    store.ensure_schema()
    by_take: dict[str, dict[int, list[Triplet]]] = defaultdict(dict)
    for (st, p, t, f), triplets in predictions.items():
        by_take[take_key(st, p, t)][int(f)] = list(triplets)
    gaps = _take_gaps(store)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    written: list[int] = []

    def takes() -> Iterator[TakePredictions]:
        for take, frames in sorted(by_take.items()):
            rows = take_predictions(store, run, take, frames, gaps)
            yield rows
            written.append(len(rows.nodes))

    store.replace_predictions(PredictionRun(run, created, description), takes())
    return sum(written)


def take_predictions(
    store: GraphStore,
    run: str,
    take: str,
    frames: dict[int, list[Triplet]],
    gaps: dict[str, int],
) -> TakePredictions:
    """The run's prediction rows of one take, checked against the take's annotated frames."""
    if take not in gaps:
        raise StoreError(f"predictions name take {take}, which the graph store does not hold")
    annotated = read_annotated_frames(store, take)["idx"].to_numpy(dtype=np.int64)
    unknown = set(frames) - set(annotated.tolist())
    if unknown:
        raise StoreError(
            f"predictions for {take} name frames that are not annotated: {sorted(unknown)[:5]}"
        )
    nodes, shows, _ = prediction_rows(run, take, annotated, frames, gaps[take])
    return TakePredictions(take, nodes, shows)
