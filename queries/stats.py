"""`orgraph stats`: the dataset summary computed from the graph store, not from HDF5.

It returns exactly the keys of loader.inspect.summarize, so the two can be compared.
"""

from __future__ import annotations

from typing import Any

from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import SPLITS, UNASSIGNED_SPLIT

_TAKES = """
MATCH (t:Take)-[:HAS_FRAME]->(f:Frame)
RETURN t.surgery_type AS surgery_type, t.procedure_id AS procedure_id, t.take_id AS take_id,
       t.split AS split, count(f) AS frames,
       sum(CASE WHEN f.annotated THEN 1 ELSE 0 END) AS annotated_frames,
       sum(f.triplets) AS triplets
ORDER BY surgery_type, procedure_id, take_id
"""

_BY = """
MATCH (:Frame)-[s:SHOWS]->(i:Interaction)
RETURN i.{field} AS name, sum(s.n) AS n
ORDER BY name
"""


def graph_summary(store: GraphStore) -> dict[str, Any]:
    """Takes, totals and per-name triplet counts, read from the store."""
    takes_df = store.query(_TAKES)
    takes = [
        {
            "surgery_type": str(r.surgery_type),
            "procedure_id": int(r.procedure_id),
            "take_id": int(r.take_id),
            "frames": int(r.frames),
            "annotated_frames": int(r.annotated_frames),
            "triplets": int(r.triplets),
            "split": (str(r.split) or None) if r.split is not None else None,
        }
        for r in takes_df.itertuples(index=False)
    ]
    splits: dict[str, int] = {name: 0 for name in SPLITS}
    for t in takes:
        key = t["split"] or UNASSIGNED_SPLIT
        splits[key] = splits.get(key, 0) + t["frames"]

    def counts(field: str) -> dict[str, int]:
        df = store.query(_BY.format(field=field))
        return {str(n): int(c) for n, c in zip(df["name"], df["n"], strict=True) if int(c) > 0}

    return {
        "takes": takes,
        "frames": sum(t["frames"] for t in takes),
        "annotated_frames": sum(t["annotated_frames"] for t in takes),
        "triplets": sum(t["triplets"] for t in takes),
        "relations": counts("relation"),
        "subjects": counts("subject"),
        "objects": counts("object"),
        "splits": splits,
    }
