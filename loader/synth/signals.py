"""Gaze, gaze depth and hand tracking that follow the take's activity, plus noise.

A role's gaze lies near the entity it looks at or works on in its own view; its right hand
near what it holds, its left hand near what it works on. Coordinates are pixels of an
image of size (height, width) and, where the published tools add a calibration offset,
that offset is removed here so that adding it back gives the true point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.vocabulary import (
    CAMERA_TYPE_IDS,
    EGO_ROLES,
    ENTITIES,
    GAZE_OFFSET,
    RELATION_INDEX,
    gaze_offset_applies,
)
from orgraph.loader.synth.layout import Layout
from orgraph.loader.synth.workflow import Rows

_WORK = (
    "anaesthetising",
    "applying",
    "aspirating",
    "controlling",
    "cutting",
    "disinfection",
    "dressing",
    "injecting",
    "inserting",
    "manipulating",
    "positioning",
    "preparing",
    "removing",
    "scanning",
    "touching",
)
_GAZE_PRIO = np.full(len(RELATION_INDEX), 3, dtype=np.int64)
_GAZE_PRIO[RELATION_INDEX["looking"]] = 0
_GAZE_PRIO[[RELATION_INDEX[r] for r in _WORK]] = 1
_GAZE_PRIO[RELATION_INDEX["holding"]] = 2
_DEPTH = {"held": 0.45, "patient": 0.8, "operating_table": 0.9}


@dataclass
class Signals:
    """The per-frame signal datasets of one take."""

    gaze: np.ndarray
    """[F, n_ego, 3] float32: camera_type_id, x, y (-1, -1 when invalid)."""
    depth: np.ndarray
    """[F, n_ego] float32 metres; NaN when gaze is invalid, 1.0 when nothing is fixated."""
    hands: np.ndarray
    """[F, n_ego, 17] float32: camera_type_id then 8 points (x, y); NaN when invalid."""
    attended: np.ndarray
    """[F, n_ego] int64 entity the role attends to (-1 none): the truth behind the gaze."""


def _first_object(
    rows: Rows, role: int, frames: int, prio: np.ndarray, allowed: np.ndarray | None = None
) -> np.ndarray:
    """[F] object of the role's highest-priority relation per frame, or -1."""
    sel = rows.s == role
    if allowed is not None:
        sel &= allowed[rows.r]
    fr, ob, pr = rows.frame[sel], rows.o[sel], prio[rows.r[sel]]
    out = np.full(frames, -1, dtype=np.int64)
    if fr.shape[0]:
        order = np.lexsort((pr, fr))
        uf, idx = np.unique(fr[order], return_index=True)
        out[uf] = ob[order][idx]
    return out


def _runs(frames: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask with short runs covering roughly `fraction` of the frames."""
    mask = np.zeros(frames, dtype=bool)
    mean = max(2, min(20, frames // 30))
    for start in rng.integers(0, frames, size=max(1, int(frames * fraction / mean))):
        mask[start : start + int(rng.integers(1, 2 * mean))] = True
    return mask


def make_signals(
    rows: Rows,
    layout: Layout,
    sources: tuple[str, ...],
    frames: int,
    size: tuple[int, int],
    where: tuple[str, int, int],
    rng: np.random.Generator,
) -> Signals:
    """Gaze, depth and hands for every egocentric source, in source order."""
    height, width = size
    scale = np.array([width, height], dtype=np.float64)
    ego = [(i, s) for i, s in enumerate(sources) if s in EGO_ROLES]
    n = len(ego)
    gaze = np.zeros((frames, n, 3), np.float32)
    depth = np.zeros((frames, n), np.float32)
    hands = np.full((frames, n, 17), np.nan, np.float32)
    attended = np.full((frames, n), -1, np.int64)
    fidx = np.arange(frames)
    holding = np.zeros(len(RELATION_INDEX), bool)
    holding[RELATION_INDEX["holding"]] = True
    working = np.zeros(len(RELATION_INDEX), bool)
    working[[RELATION_INDEX[r] for r in _WORK]] = True
    ent_depth = rng.uniform(1.2, 3.0, size=len(ENTITIES))
    for name, d in _DEPTH.items():
        if name in ENTITIES:
            ent_depth[ENTITIES.index(name)] = d
    for j, (cam, role) in enumerate(ego):
        role_idx = ENTITIES.index(role)
        att = _first_object(rows, role_idx, frames, _GAZE_PRIO)
        distract = rng.random(frames) < 0.1
        att_seen = np.where(distract, rng.integers(0, len(ENTITIES), frames), att)
        attended[:, j] = att
        pos = layout.at(cam, att_seen, fidx) + rng.normal(0, 0.025, (frames, 2))
        pos[att_seen < 0] += rng.normal(0, 0.12, (int((att_seen < 0).sum()), 2))
        xy = pos * scale
        if gaze_offset_applies(role, *where):
            xy -= np.array(GAZE_OFFSET)  # stored = true - offset; the reader adds it back
        invalid = _runs(frames, 0.03, rng)
        xy[invalid] = -1.0
        gaze[:, j, 0] = CAMERA_TYPE_IDS[role]
        gaze[:, j, 1:] = xy
        d = np.where(att_seen >= 0, ent_depth[np.maximum(att_seen, 0)], 1.0)
        d = d * rng.lognormal(0, 0.05, frames)
        d[invalid] = np.nan
        depth[:, j] = d
        hands[:, j] = _hands(rows, layout, cam, role_idx, frames, holding, working, scale, rng)
        hands[:, j, 0] = CAMERA_TYPE_IDS[role]
    return Signals(gaze, depth, hands, attended)


def _hands(
    rows: Rows,
    layout: Layout,
    cam: int,
    role_idx: int,
    frames: int,
    holding: np.ndarray,
    working: np.ndarray,
    scale: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """[F, 17] hand points: right palm on the held object, left palm on the worked one."""
    fidx = np.arange(frames)
    prio = np.zeros(len(RELATION_INDEX), np.int64)
    held = _first_object(rows, role_idx, frames, prio, holding)
    worked = _first_object(rows, role_idx, frames, prio, working)
    right_target = np.where(held >= 0, held, worked)
    right = layout.at(cam, right_target, fidx)
    right[right_target < 0] = np.array([0.7, 0.85]) + layout.drift[cam, right_target < 0]
    left = layout.at(cam, worked, fidx) + np.array([-0.06, 0.02])
    left[worked < 0] = np.array([0.3, 0.85]) + layout.drift[cam, worked < 0]
    out = np.empty((frames, 17), np.float32)
    palms = {"left": left, "right": right}
    col = 1
    for side in ("left", "right"):  # wrist, palm
        palm = palms[side] + rng.normal(0, 0.015, (frames, 2))
        wrist = palm + np.array([0.0, 0.07]) + rng.normal(0, 0.01, (frames, 2))
        out[:, col : col + 2] = wrist * scale
        out[:, col + 2 : col + 4] = palm * scale
        col += 4
    normal = np.array([0.0, -0.03]) * scale
    out[:, 9:17] = out[:, 1:9] + np.tile(normal, 4)
    for side_cols in ((1, 2, 3, 4, 9, 10, 11, 12), (5, 6, 7, 8, 13, 14, 15, 16)):
        out[np.ix_(_runs(frames, 0.05, rng), side_cols)] = np.nan
    return out
