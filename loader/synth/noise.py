"""Annotation noise like the real files: missing frames, dropped/extra/swapped/duplicate rows."""

from __future__ import annotations

import numpy as np

from orgraph.core.vocabulary import ENTITY_INDEX, RELATION_INDEX
from orgraph.loader.synth.phases import FILLER
from orgraph.loader.synth.workflow import Rows

P_DROP = 0.015
P_SWAP = 0.003
P_EXTRA_FRAME = 0.01
P_DUP_FRAME = 0.003


def annotated_mask(frames: int, rng: np.random.Generator) -> np.ndarray:
    """Frames that get an annotation group: ~2% missing alone, ~2% in short runs."""
    ok = rng.random(frames) >= 0.02
    runs = max(1, frames // 700)
    max_len = max(2, min(40, frames // 25))
    for start, length in zip(
        rng.integers(0, frames, size=runs), rng.integers(2, max_len + 1, size=runs), strict=True
    ):
        ok[start : start + length] = False
    if not ok.any():
        ok[0] = True
    return ok


def apply_noise(
    rows: Rows, annotated: np.ndarray, surgery_type: str, rng: np.random.Generator
) -> Rows:
    """Rows as written: only annotated frames, with occasional annotator mistakes."""
    rows = rows.take(annotated[rows.frame])
    n = len(rows)
    if n == 0:
        return rows
    pos = np.arange(n, dtype=np.float64)
    per_frame = np.bincount(rows.frame, minlength=annotated.shape[0])
    drop = (rng.random(n) < P_DROP) & (per_frame[rows.frame] > 2)
    swap = rng.random(n) < P_SWAP
    s = np.where(swap, rows.o, rows.s)
    o = np.where(swap, rows.s, rows.o)
    keep = ~drop
    frame, s, r, o, pos = rows.frame[keep], s[keep], rows.r[keep], o[keep], pos[keep]

    frames_with = np.unique(frame)
    # Extra rows: a plausible but wrong proximity triplet appended to a frame.
    ex_frames = frames_with[rng.random(frames_with.shape[0]) < P_EXTRA_FRAME]
    pool = FILLER[surgery_type]
    pick = rng.integers(len(pool), size=ex_frames.shape[0])
    ex_s = np.array([ENTITY_INDEX[pool[i][0]] for i in pick], dtype=np.int64)
    ex_r = np.array([RELATION_INDEX[pool[i][1]] for i in pick], dtype=np.int64)
    ex_o = np.array([ENTITY_INDEX[pool[i][2]] for i in pick], dtype=np.int64)
    ex_pos = pos[np.searchsorted(frame, ex_frames, side="right") - 1] + 0.5
    # Exact duplicates: one row repeated right after itself.
    dup_idx = np.flatnonzero(rng.random(frame.shape[0]) < P_DUP_FRAME / 6.7)
    cat = np.concatenate
    frame = cat([frame, ex_frames, frame[dup_idx]])
    s, r, o = cat([s, ex_s, s[dup_idx]]), cat([r, ex_r, r[dup_idx]]), cat([o, ex_o, o[dup_idx]])
    pos = cat([pos, ex_pos, pos[dup_idx] + 0.25])
    order = np.lexsort((pos, frame))
    return Rows(frame[order], s[order], r[order], o[order])
