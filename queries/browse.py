"""Fixed reads for browsing the graph: the take list, a frame's media pointer, runs, predictions.

The dashboard needs these beside the mining catalog; keeping their Cypher here means the
dashboard never writes Cypher of its own. Each read is one indexed lookup or a small scan.
"""

from __future__ import annotations

import pandas as pd

from orgraph.core.keys import frame_key
from orgraph.core.store import GraphStore

_TAKES = """
MATCH (t:Take)
RETURN t.key AS take, t.surgery_type AS surgery_type, t.procedure_id AS procedure_id,
       t.take_id AS take_id, t.frames AS frames, t.annotated_frames AS annotated_frames,
       t.triplets AS triplets, t.split AS split, t.fps AS fps, t.file AS file,
       t.h5_group AS h5_group
ORDER BY surgery_type, procedure_id, take_id
"""

_FRAME = """
MATCH (f:Frame {key: $key})
RETURN f.take AS take, f.idx AS idx, f.time AS time, f.annotated AS annotated,
       f.triplets AS triplets, f.file AS file, f.h5_group AS h5_group,
       f.gaze_valid AS gaze_valid, f.hands_valid AS hands_valid
"""

_TAKE = """
MATCH (t:Take {key: $take})
RETURN t.key AS take, t.frames AS frames, t.fps AS fps, t.file AS file, t.h5_group AS h5_group
"""

_PREDICTED_RANGE = """
MATCH (t:Take {key: $take})-[:HAS_FRAME]->(f:Frame)
WHERE f.idx >= $first AND f.idx <= $last
MATCH (f)-[s:SHOWS_PREDICTION]->(p:Prediction)
WHERE p.run = $run
RETURN f.idx AS frame, p.subject AS subject, p.relation AS relation, p.object AS object, s.n AS n
ORDER BY frame, subject, relation, object
"""

_RUNS = """
MATCH (r:Run)
RETURN r.key AS run, r.created AS created, r.description AS description
ORDER BY created DESC
"""

_RUN_TAKES = """
MATCH (p:Prediction {run: $run})
RETURN DISTINCT p.take AS take
ORDER BY take
"""

_PREDICTED = """
MATCH (f:Frame {key: $key})-[s:SHOWS_PREDICTION]->(p:Prediction)
WHERE p.run = $run
RETURN p.subject AS subject, p.relation AS relation, p.object AS object, s.n AS n
ORDER BY subject, relation, object
"""


def takes(store: GraphStore) -> pd.DataFrame:
    """Every loaded take with its size, split, fps and media pointer (file, h5_group)."""
    return store.query(_TAKES)


def frame_pointer(store: GraphStore, take: str, frame: int) -> dict | None:
    """One frame's media pointer and signal validity, or None when the frame is not stored."""
    df = store.query(_FRAME, {"key": frame_key(take, frame)})
    return None if df.empty else df.iloc[0].to_dict()


def take_pointer(store: GraphStore, take: str) -> dict | None:
    """One take's frames, fps and media pointer (file, h5_group), or None when not loaded."""
    df = store.query(_TAKE, {"take": take})
    return None if df.empty else df.iloc[0].to_dict()


def runs(store: GraphStore) -> pd.DataFrame:
    """Model runs whose predictions were written back (Run nodes)."""
    return store.query(_RUNS)


def run_takes(store: GraphStore, run: str) -> list[str]:
    """Takes for which a run's predictions are stored."""
    return [str(t) for t in store.query(_RUN_TAKES, {"run": run})["take"]]


def predicted_at_frame(store: GraphStore, take: str, frame: int, run: str) -> pd.DataFrame:
    """A run's predicted triplets of one frame (one key lookup and one hop)."""
    return store.query(_PREDICTED, {"key": frame_key(take, frame), "run": run})


def predicted_range(store: GraphStore, take: str, first: int, last: int, run: str) -> pd.DataFrame:
    """A run's predicted triplets of frames first..last (inclusive) of one take."""
    params = {"take": take, "first": int(first), "last": int(last), "run": run}
    return store.query(_PREDICTED_RANGE, params)
