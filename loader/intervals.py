"""Turn per-frame triplets into interaction intervals (vectorised).

Consecutive annotated frames with the same (subject, relation, object) make one
interval. With gap_tolerance g > 0, up to g unannotated frames may bridge two
runs; an annotated frame without the triplet always breaks the interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.vocabulary import ENTITIES, RELATIONS

_NE = len(ENTITIES)
_NR = len(RELATIONS)


@dataclass
class Intervals:
    """Columnar intervals plus, for every (frame, triplet) occurrence, its interval."""

    subject: np.ndarray
    relation: np.ndarray
    object: np.ndarray
    start: np.ndarray
    end: np.ndarray
    n_frames: np.ndarray
    occ_frame: np.ndarray
    """Frame of each distinct (frame, triplet) occurrence."""
    occ_interval: np.ndarray
    """Interval index of each occurrence."""
    occ_count: np.ndarray
    """How many rows of that triplet the frame holds (duplicates > 1)."""


def build_intervals(
    annotated: np.ndarray,
    frame: np.ndarray,
    subject: np.ndarray,
    relation: np.ndarray,
    obj: np.ndarray,
    gap_tolerance: int = 0,
) -> Intervals:
    """Group triplet rows into intervals; see the module docstring for the rule."""
    if gap_tolerance < 0:
        raise ValueError("gap_tolerance must be >= 0")
    code = (subject.astype(np.int64) * _NR + relation.astype(np.int64)) * _NE + obj.astype(np.int64)
    pair = code * (1 << 32) + frame.astype(np.int64)
    uniq, counts = np.unique(pair, return_counts=True)  # sorted by (code, frame)
    u_code = uniq >> 32
    u_frame = (uniq & 0xFFFFFFFF).astype(np.int64)
    rank = np.searchsorted(np.asarray(annotated, dtype=np.int64), u_frame)
    if uniq.size:
        new = np.ones(uniq.size, dtype=bool)
        same = u_code[1:] == u_code[:-1]
        adjacent = rank[1:] == rank[:-1] + 1
        close = (u_frame[1:] - u_frame[:-1] - 1) <= gap_tolerance
        new[1:] = ~(same & adjacent & close)
        interval = np.cumsum(new) - 1
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], uniq.size) - 1
    else:
        interval = np.zeros(0, dtype=np.int64)
        starts = ends = np.zeros(0, dtype=np.int64)
    icode = u_code[starts]
    return Intervals(
        subject=icode // (_NR * _NE),
        relation=(icode // _NE) % _NR,
        object=icode % _NE,
        start=u_frame[starts],
        end=u_frame[ends],
        n_frames=(ends - starts + 1).astype(np.int64),
        occ_frame=u_frame,
        occ_interval=interval.astype(np.int64),
        occ_count=counts.astype(np.int64),
    )
