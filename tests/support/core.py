"""Rows, queries and secrets of the core tests (tests/core) that other test modules
reuse: hand-made take annotations, a slow read, a URI that carries a password."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orgraph.core import vocabulary as v
from orgraph.loader.takes import TakeAnnotations, TakeInfo

E, R = v.ENTITY_INDEX, v.RELATION_INDEX


SLOW = "UNWIND range(1, 20000) AS a UNWIND range(1, 10000) AS b RETURN sum(a % 7 + b % 3) AS s"


TAKES = "MATCH (t:Take) RETURN count(t) AS n"


SECRET = "s3cretPW"


URI = f"bolt://someone:{SECRET}@127.0.0.1:1"  # unreachable loopback port


def take_annotations(take_id: int, rows: list[tuple[int, str, str, str]], annotated: list[int]):
    """Annotations of take `take_id` of MISS/1 (8 frames) made from (frame, s, r, o) rows."""
    info = TakeInfo(
        "MISS",
        1,
        take_id,
        8,
        ("assistant", "head_surgeon", "microscope"),
        "train",
        Path("/data/miss_1.h5"),
        f"/data/MISS/1/take/{take_id}",
    )
    return TakeAnnotations(
        info,
        np.array(annotated, np.int32),
        np.array([r[0] for r in rows], np.int32),
        np.array([E[r[1]] for r in rows], np.int16),
        np.array([R[r[2]] for r in rows], np.int16),
        np.array([E[r[3]] for r in rows], np.int16),
    )


ROWS = [
    (0, "patient", "lyingon", "operating_table"),
    (1, "patient", "lyingon", "operating_table"),
    (1, "patient", "lyingon", "operating_table"),  # duplicate row
    (1, "head_surgeon", "holding", "scalpel"),
    (3, "patient", "lyingon", "operating_table"),
    (4, "head_surgeon", "holding", "scalpel"),
]


ANNOTATED = [0, 1, 3, 4, 5]
