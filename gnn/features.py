"""Node features of one frame: entity identity plus the egocentric signals of each role.

Signals come from a whole-take read (loader.take_signals) and the frame's images: gaze point
and depth, hand points, and small colour statistics of the role's own egocentric image
(the colour under the gaze point and under each palm). Nothing here looks at relations.
"""

from __future__ import annotations

import numpy as np

from orgraph.core.vocabulary import EGO_ROLES, ENTITIES, entity_kind
from orgraph.loader.take_signals import RoleSignals

KINDS: tuple[str, ...] = ("role", "device", "furniture", "anatomy", "object")
N_CLASSES = len(ENTITIES)

# Feature layout: (name, width), in order.
LAYOUT: tuple[tuple[str, int], ...] = (
    ("class_onehot", N_CLASSES),
    ("kind_onehot", len(KINDS)),
    ("time_fraction", 1),
    ("has_ego_source", 1),
    ("gaze_valid_xy", 3),
    ("depth_valid_value", 2),
    ("hands_valid_xy", 24),
    ("colour_gaze", 3),
    ("colour_left_palm", 3),
    ("colour_right_palm", 3),
    ("colour_valid", 3),
    ("colour_image_mean", 3),
)
OFFSETS: dict[str, tuple[int, int]] = {}
_o = 0
for _name, _w in LAYOUT:
    OFFSETS[_name] = (_o, _o + _w)
    _o += _w
N_FEATURES = _o
SIGNAL_START = OFFSETS["has_ego_source"][0]
FEATURE_VERSION = "v1"

LEFT_PALM, RIGHT_PALM = 1, 3
"""Rows of the [8, 2] hand points: left wrist, left palm, right wrist, right palm, tips."""


def layout_description() -> list[dict[str, object]]:
    """The feature layout for the manifest: name, start, end."""
    return [{"name": n, "start": OFFSETS[n][0], "end": OFFSETS[n][1]} for n, _ in LAYOUT]


def static_features(entity: int, time_fraction: float) -> np.ndarray:
    """Identity part of a node's features (class, kind, time in take); signals left zero."""
    x = np.zeros(N_FEATURES, dtype=np.float32)
    x[entity] = 1.0
    x[OFFSETS["kind_onehot"][0] + KINDS.index(entity_kind(ENTITIES[entity]))] = 1.0
    x[OFFSETS["time_fraction"][0]] = time_fraction
    return x


def _patch_colour(img: np.ndarray, xy: tuple[float, float] | np.ndarray) -> np.ndarray | None:
    """Mean BGR (0..1) of the 3x3 patch at a pixel, or None when outside or the image is blank."""
    h, w = img.shape[:2]
    x, y = int(np.floor(xy[0])), int(np.floor(xy[1]))
    if not (0 <= x < w and 0 <= y < h) or h < 3:
        return None
    patch = img[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2].reshape(-1, 3)
    return patch.mean(0).astype(np.float32) / 255.0


def role_signals(
    signals: dict[str, RoleSignals],
    images: dict[str, np.ndarray],
    sources: tuple[str, ...],
    frame: int,
) -> dict[str, np.ndarray]:
    """Role -> the signal part of its feature vector at one frame (ego roles with a source).

    `signals` is the take's read_take_signals(..., apply_offset=True); `images` the frame's rgb.
    """
    out: dict[str, np.ndarray] = {}
    for role in EGO_ROLES:
        if role not in sources:
            continue
        own = signals.get(role)
        sig = np.zeros(N_FEATURES - SIGNAL_START, dtype=np.float32)
        put = _writer(sig)
        put("has_ego_source", [1.0])
        img = images.get(role)
        blank = img is None or not img.any()
        h, w = img.shape[:2] if img is not None else (1, 1)
        scale = float(max(h, w)) if max(h, w) > 1 else 1000.0
        g = None if own is None else own.gaze_at(frame)
        if g is not None:
            put("gaze_valid_xy", [1.0, g[0] / scale, g[1] / scale])
        d = None if own is None else own.depth_at(frame)
        if d is not None:
            put("depth_valid_value", [1.0, d])
        pts = None if own is None else own.hands_at(frame)
        if pts is not None:
            ok = np.isfinite(pts).all(1)
            cells = np.zeros((8, 3), np.float32)
            cells[ok, 0] = 1.0
            cells[ok, 1:] = pts[ok] / scale
            put("hands_valid_xy", cells.reshape(-1))
        if not blank:
            assert img is not None
            valid = np.zeros(3, np.float32)
            for i, (name, point) in enumerate(
                (
                    ("colour_gaze", g),
                    ("colour_left_palm", None if pts is None else pts[LEFT_PALM]),
                    ("colour_right_palm", None if pts is None else pts[RIGHT_PALM]),
                )
            ):
                if point is None or not np.isfinite(np.asarray(point)).all():
                    continue
                colour = _patch_colour(img, point)
                if colour is not None:
                    put(name, colour)
                    valid[i] = 1.0
            put("colour_valid", valid)
            put("colour_image_mean", img.reshape(-1, 3).mean(0) / 255.0)
        out[role] = sig
    return out


def _writer(sig: np.ndarray):
    """A setter for named slices of the signal part of a feature vector."""

    def put(name: str, values: object) -> None:
        a, b = OFFSETS[name]
        sig[a - SIGNAL_START : b - SIGNAL_START] = np.asarray(values, dtype=np.float32)

    return put
