"""Whole-take signal reads: gaze, gaze depth and hands of every frame, one read per dataset.

The per-frame API (loader.media.TakeMedia) does ~5 named lookups and single-row reads per
frame; this reads each dataset once and resolves camera_type_ids to roles with the same
rules (last column of a role wins, invalid gaze and unknown depth become NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import GAZE_OFFSET, gaze_offset_applies
from orgraph.loader.h5_util import h5_errors, where
from orgraph.loader.media import DEPTH, GAZE, HAND_POINTS, HANDS, TakeMedia, camera_role


@dataclass(frozen=True)
class RoleSignals:
    """One role's signals over a take, indexed by frame; NaN where invalid or absent."""

    gaze: np.ndarray
    """float32 [F, 2] gaze (x, y) in pixels."""
    depth: np.ndarray
    """float32 [F] gaze depth in metres."""
    hands: np.ndarray
    """float32 [F, 8, 2] hand points, as TakeMedia.hands."""
    gaze_seen: np.ndarray
    """bool [F]: the role had a gaze column at that frame (a key in TakeMedia.gaze)."""
    depth_seen: np.ndarray
    """bool [F]: the role had a depth column at that frame (a key in TakeMedia.gaze_depth)."""
    hands_seen: np.ndarray
    """bool [F]: the role had a hands row at that frame (a key in TakeMedia.hands)."""

    def gaze_at(self, frame: int) -> tuple[float, float] | None:
        """Gaze at one frame as TakeMedia.gaze gives it (None when invalid or absent)."""
        x, y = self.gaze[frame]
        return None if np.isnan(x) else (float(x), float(y))

    def depth_at(self, frame: int) -> float | None:
        """Gaze depth at one frame as TakeMedia.gaze_depth gives it."""
        d = self.depth[frame]
        return None if np.isnan(d) else float(d)

    def hands_at(self, frame: int) -> np.ndarray | None:
        """Hand points at one frame (None when the role had no row)."""
        return self.hands[frame] if self.hands_seen[frame] else None


def _read(media: TakeMedia, name: str, expected: str, width: int) -> np.ndarray:
    """A whole per-frame dataset as float32 [F, n, width], its frame count checked."""
    ds = media.dataset(name, expected)
    frames = media.take.frames
    with h5_errors(media.take.file, ds.name):
        data = np.asarray(ds[:frames], dtype=np.float32)
    if data.shape[0] != frames:
        raise DataFormatError(
            f"{where(media.take.file, ds.name)}: {data.shape[0]} frames "
            f"(take {media.take.key} has {frames})"
        )
    return data.reshape(frames, -1, width)


def _roles(ids: np.ndarray) -> dict[str, np.ndarray]:
    """Role -> bool [F, n] of the columns carrying that role's camera_type_id."""
    out: dict[str, np.ndarray] = {}
    for cid in np.unique(ids[np.isfinite(ids)]):
        role = camera_role(float(cid))
        if role is not None:
            out[role] = out.get(role, np.zeros(ids.shape, bool)) | (ids == cid)
    return out


def _last(mask: np.ndarray, values: np.ndarray, fill: np.ndarray) -> np.ndarray:
    """Per frame, the value of the last column where mask holds (fill where none does)."""
    out = fill.copy()
    for j in range(mask.shape[1]):
        out[mask[:, j]] = values[mask[:, j], j]
    return out


def read_take_signals(media: TakeMedia, apply_offset: bool = False) -> dict[str, RoleSignals]:
    """Role -> its signals over the whole take; gaze calibration offset on request."""
    t = media.take
    gaze = _read(media, GAZE, "a [F, n_ego, 3] float32 dataset", 3)
    depth = _read(media, DEPTH, "a [F, n_ego] float32 dataset", 1)[..., 0]
    hands = _read(media, HANDS, "a [F, n_ego, 17] float32 dataset", 1 + 2 * HAND_POINTS)
    xy = gaze[..., 1:].copy()
    bad = ~np.isfinite(xy).all(-1) | ((xy[..., 0] == -1) & (xy[..., 1] == -1))
    xy[bad] = np.nan
    d = depth.copy()
    d[~np.isfinite(d) | (d == 1.0)] = np.nan
    n_depth = min(gaze.shape[1], d.shape[1])
    frames = t.frames
    gaze_cols, hand_cols = _roles(gaze[..., 0]), _roles(hands[..., 0])
    nan2 = np.full((frames, 2), np.nan, np.float32)
    out: dict[str, RoleSignals] = {}
    for role in sorted(set(gaze_cols) | set(hand_cols)):
        g_mask = gaze_cols.get(role, np.zeros(gaze.shape[:2], bool))
        h_mask = hand_cols.get(role, np.zeros(hands.shape[:2], bool))
        role_xy = _last(g_mask, xy, nan2)
        if apply_offset and gaze_offset_applies(role, t.surgery_type, t.procedure_id, t.take_id):
            role_xy = role_xy + np.asarray(GAZE_OFFSET, np.float32)
        pts = hands[..., 1:].reshape(frames, -1, HAND_POINTS, 2)
        out[role] = RoleSignals(
            gaze=role_xy,
            depth=_last(g_mask[:, :n_depth], d[:, :n_depth], np.full(frames, np.nan, np.float32)),
            hands=_last(h_mask, pts, np.full((frames, HAND_POINTS, 2), np.nan, np.float32)),
            gaze_seen=g_mask.any(1),
            depth_seen=g_mask[:, :n_depth].any(1),
            hands_seen=h_mask.any(1),
        )
    return out
