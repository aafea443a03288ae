"""Procedural workflow model: turn a take's phases into per-frame canonical triplets.

Activities are intervals [start, end) in frames; they are expanded to rows with numpy,
one relation kept per ordered (subject, object) pair and frame, and topped up with
context-free proximity triplets until the take reaches the real dataset's density.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.vocabulary import ENTITY_INDEX, RELATION_INDEX
from orgraph.loader.synth.phases import (
    BACKGROUND,
    FILLER,
    PERSISTENT,
    PHASES,
    TARGET_DENSITY,
    Act,
    Handover,
    Triplet,
)

N_ENT = len(ENTITY_INDEX)

# Display order of relations inside a frame (as in the real files: lyingOn first, touching last).
_RANK = np.full(len(RELATION_INDEX), 4, dtype=np.int64)
for _name, _rank in (
    ("lyingon", 0),
    ("closeto", 1),
    ("holding", 2),
    ("wearing", 2),
    ("looking", 3),
    ("touching", 5),
):
    _RANK[RELATION_INDEX[_name]] = _rank


@dataclass
class Rows:
    """Columnar canonical triplets of one take, sorted by frame then display order."""

    frame: np.ndarray
    s: np.ndarray
    r: np.ndarray
    o: np.ndarray

    def __len__(self) -> int:
        return int(self.frame.shape[0])

    def take(self, idx: np.ndarray) -> Rows:
        """The rows at `idx` (an index or boolean mask)."""
        return Rows(self.frame[idx], self.s[idx], self.r[idx], self.o[idx])


@dataclass
class TakeModel:
    """The clean activity of one take: triplet rows and the phase of every frame."""

    rows: Rows
    phase: np.ndarray
    """int8 index into the procedure's phases, per frame."""
    phase_names: tuple[str, ...]


class _Intervals:
    """Accumulates (s, r, o, start, end) intervals; creation order is the priority."""

    def __init__(self, frames: int) -> None:
        self.frames = frames
        self.items: list[tuple[int, int, int, int, int]] = []

    def add(self, t: Triplet, start: float, end: float) -> None:
        a = int(np.clip(round(start), 0, self.frames - 1))
        b = int(np.clip(round(end), a + 1, self.frames))
        self.items.append((ENTITY_INDEX[t[0]], RELATION_INDEX[t[1]], ENTITY_INDEX[t[2]], a, b))

    def arrays(self) -> np.ndarray:
        return np.asarray(self.items, dtype=np.int64).reshape(-1, 5)


def _expand(iv: np.ndarray, first_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows (frame, interval id) covered by intervals [start, end)."""
    lengths = iv[:, 4] - iv[:, 3]
    ids = np.repeat(np.arange(len(iv)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    frame = iv[ids, 3] + (np.arange(ids.shape[0]) - starts)
    return frame, ids + first_id


def _pair_key(frame: np.ndarray, iv: np.ndarray, ids: np.ndarray) -> np.ndarray:
    return (frame * N_ENT + iv[ids, 0]) * N_ENT + iv[ids, 2]


def _first_per_pair(frame: np.ndarray, iv: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Indices of rows that are the highest-priority relation of their (frame, s, o)."""
    key = _pair_key(frame, iv, ids)
    order = np.lexsort((ids, key))
    keep = np.ones(order.shape[0], dtype=bool)
    keep[1:] = key[order][1:] != key[order][:-1]
    return order[keep]


def _phase_bounds(weights: np.ndarray, frames: int, rng: np.random.Generator) -> np.ndarray:
    dur = weights * rng.lognormal(0.0, 0.3, size=weights.shape[0])
    cuts = np.round(np.cumsum(dur) / dur.sum() * frames).astype(np.int64)
    bounds = np.concatenate([[0], cuts])
    bounds[-1] = frames
    return bounds


def _add_phase_steps(
    ivs: _Intervals, steps: tuple, a: int, b: int, rng: np.random.Generator
) -> None:
    length = max(b - a, 1)
    for step in steps:
        if isinstance(step, Act):
            if rng.random() >= step.p:
                continue
            jit = rng.uniform(-0.05, 0.05, size=2)
            s = a + (step.start + (jit[0] if step.start > 0 else 0)) * length
            e = a + (step.end + (jit[1] if step.end < 1 else 0)) * length
            ivs.add((step.subject, step.relation, step.object), s, e)
        elif isinstance(step, Handover):
            _add_handover(ivs, step, a + step.start * length, a + step.end * length, rng)


def _add_handover(
    ivs: _Intervals, h: Handover, a: float, b: float, rng: np.random.Generator
) -> None:
    """Giver holds for a few frames, receiver takes over (brief overlap), maybe hands back."""
    span = max(b - a, 2.0)
    k = max(1.0, span * rng.uniform(0.08, 0.25))
    overlap = float(rng.integers(0, 3))
    end = b - (span * rng.uniform(0.1, 0.2) if h.back else 0.0)
    ivs.add((h.giver, "holding", h.obj), a, a + k + overlap)
    ivs.add((h.receiver, "holding", h.obj), a + k, end)
    if h.back:
        ivs.add((h.giver, "holding", h.obj), end, b)


def _add_background(
    ivs: _Intervals, pool: tuple[Triplet, ...], frames: int, rng: np.random.Generator, busy: float
) -> None:
    """A renewal process: activities of mean length ~4% of the take, separated by gaps."""
    mean = max(3.0, 0.04 * frames)
    t = rng.exponential(mean * (1 - busy) / busy)
    while t < frames:
        dur = max(2.0, rng.gamma(2.0, mean / 2.0))
        ivs.add(pool[int(rng.integers(len(pool)))], t, t + dur)
        t += dur + rng.exponential(mean * (1 - busy) / busy)


def _filler(
    frames: int,
    surgery_type: str,
    base: np.ndarray,
    base_ids: np.ndarray,
    base_iv: np.ndarray,
    annotated: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top up with proximity triplets until the take reaches the target density."""
    target = rng.normal(TARGET_DENSITY, 0.1) * frames * 1.01  # noise drops ~0.5%
    deficit = target - int(annotated[base].sum())
    if deficit <= 0:
        return base, base_ids, base_iv
    pool = FILLER[surgery_type]
    mean = max(3.0, 0.05 * frames)
    n = int(deficit / mean * 3) + 8
    starts = rng.uniform(-mean, frames, size=n)
    lens = np.maximum(2.0, rng.gamma(2.0, mean / 2.0, size=n))
    pick = rng.integers(len(pool), size=n)
    ivs = _Intervals(frames)
    for p, s0, ln in zip(pick, starts, lens, strict=True):
        ivs.add(pool[p], s0, s0 + ln)
    extra = ivs.arrays()
    all_iv = np.concatenate([base_iv, extra])
    f2, i2 = _expand(extra, first_id=len(base_iv))
    frame = np.concatenate([base, f2])
    ids = np.concatenate([base_ids, i2])
    kept = _first_per_pair(frame, all_iv, ids)
    frame, ids = frame[kept], ids[kept]
    cand = ids - len(base_iv)
    is_extra = cand >= 0
    gain = np.bincount(cand[is_extra & annotated[frame]], minlength=n)
    cut = int(np.searchsorted(np.cumsum(gain), deficit))
    keep = ~is_extra | (cand < cut)
    return frame[keep], ids[keep], all_iv


def build_take(
    surgery_type: str, frames: int, annotated: np.ndarray, rng: np.random.Generator
) -> TakeModel:
    """Sample one take's workflow: phases, handovers, background roles and filler."""
    phases = PHASES[surgery_type]
    bounds = _phase_bounds(np.array([p.weight for p in phases]), frames, rng)
    ivs = _Intervals(frames)
    for i, ph in enumerate(phases):
        _add_phase_steps(ivs, ph.steps, int(bounds[i]), int(bounds[i + 1]), rng)
    for t, p in PERSISTENT:
        if rng.random() < p:
            ivs.add(t, 0, frames)
    for pool in BACKGROUND[surgery_type].values():
        _add_background(ivs, pool, frames, rng, busy=0.5)
    iv = ivs.arrays()
    frame, ids = _expand(iv)
    kept = _first_per_pair(frame, iv, ids)
    frame, ids, iv = _filler(frames, surgery_type, frame[kept], ids[kept], iv, annotated, rng)
    order = np.lexsort((ids, _RANK[iv[ids, 1]], frame))
    frame, ids = frame[order], ids[order]
    rows = Rows(frame.astype(np.int64), iv[ids, 0], iv[ids, 1], iv[ids, 2])
    phase = (np.searchsorted(bounds, np.arange(frames), side="right") - 1).astype(np.int8)
    return TakeModel(rows, phase, tuple(p.name for p in phases))
