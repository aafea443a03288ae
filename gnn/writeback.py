"""Write a run's predictions back to the graph store, shaped like the truth: intervals.

Per take, predicted triplets of the annotated frames become Prediction intervals (the
loader's interval rule and the take's gap tolerance), linked to their frames by
SHOWS_PREDICTION {n} and to the Run by PREDICTED_BY. A take's predictions of a run are
replaced in one transaction, so a rerun never leaves a mix of two writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import pandas as pd

from orgraph.core.errors import StoreError
from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import ENTITIES, ENTITY_INDEX, FPS, RELATION_INDEX, RELATIONS
from orgraph.gnn.evaluation import FrameKey
from orgraph.gnn.store_read import read_annotated_frames
from orgraph.loader.intervals import build_intervals
from orgraph.loader.records import frame_key

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
    keys = np.array([f"{run}|{take}~{i}" for i in range(iv.start.size)], dtype=object)
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
        by_take[f"{st}/{p}/{t}"][int(f)] = list(triplets)
    gaps = _take_gaps(store)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    store.write(
        "MERGE (r:Run {key: $k}) SET r.created = $c, r.description = $d",
        {"k": run, "c": created, "d": description},
    )
    total = 0
    with _replacing(store, run):
        for take, frames in sorted(by_take.items()):
            total += _write_take(store, run, take, frames, gaps)
    return total


@contextlib.contextmanager
def _replacing(store: GraphStore, run: str) -> Iterator[None]:
    """Embedded: a run already stored is rewritten on a copy of the database, swapped in
    at the end (LadybugStore.replacing), since its deletes outlive a crash its COPYs do not."""
    if store.backend == "embedded":
        found = store.query(
            "MATCH (p:Prediction) WHERE p.run = $run RETURN count(p) AS n", {"run": run}
        )
        if int(found["n"].iloc[0]) > 0:
            with store.replacing():  # type: ignore[attr-defined]
                yield
            store.checkpoint()  # type: ignore[attr-defined]  # swaps the copy in
            return
    yield


def _write_take(
    store: GraphStore,
    run: str,
    take: str,
    frames: dict[int, list[Triplet]],
    gaps: dict[str, int],
) -> int:
    """Replace the run's predictions of one take; returns intervals written."""
    if take not in gaps:
        raise StoreError(f"predictions name take {take}, which the graph store does not hold")
    annotated = read_annotated_frames(store, take)["idx"].to_numpy(dtype=np.int64)
    unknown = set(frames) - set(annotated.tolist())
    if unknown:
        raise StoreError(
            f"predictions for {take} name frames that are not annotated: {sorted(unknown)[:5]}"
        )
    nodes, shows, by = prediction_rows(run, take, annotated, frames, gaps[take])
    _replace(store, run, take, nodes, shows, by)
    return len(nodes)


def _replace(
    store: GraphStore,
    run: str,
    take: str,
    nodes: pd.DataFrame,
    shows: pd.DataFrame,
    by: pd.DataFrame,
) -> None:
    """Delete the run's predictions of one take and write the new ones, atomically."""
    delete = "MATCH (p:Prediction) WHERE p.run = $run AND p.take = $take DETACH DELETE p"
    params = {"run": run, "take": take}
    if store.backend == "neo4j":
        frames = (
            shows.groupby("dst")[["src", "n"]]
            .apply(
                lambda g: [{"key": k, "n": int(n)} for k, n in zip(g["src"], g["n"], strict=True)]
            )
            .to_dict()
        )
        rows = [
            {"props": {k: _py(v) for k, v in r.items()}, "frames": frames.get(r["key"], [])}
            for r in nodes.to_dict("records")
        ]
        store.write(
            "OPTIONAL MATCH (old:Prediction {run: $run, take: $take}) DETACH DELETE old "
            "WITH count(*) AS _ MATCH (r:Run {key: $run}) UNWIND $rows AS row "
            "CREATE (p:Prediction) SET p = row.props CREATE (p)-[:PREDICTED_BY]->(r) "
            "WITH p, row UNWIND row.frames AS fr MATCH (f:Frame {key: fr.key}) "
            "CREATE (f)-[:SHOWS_PREDICTION {n: fr.n}]->(p)",
            {**params, "rows": rows},
        )
        return
    copy_nodes, copy_rels = store.copy_nodes, store.copy_rels  # type: ignore[attr-defined]
    store.write("BEGIN TRANSACTION")
    try:
        store.write(delete, params)
        copy_nodes("Prediction", nodes)
        copy_rels("SHOWS_PREDICTION", shows)
        copy_rels("PREDICTED_BY", by)
        store.write("COMMIT")
    except BaseException:
        with contextlib.suppress(StoreError):  # the engine may have rolled back already
            store.write("ROLLBACK")
        raise


def _py(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v
