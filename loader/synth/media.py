"""Small RGB frames that show the scene: entity squares and relation lines in each view.

Each entity class has a colour, each relation a colour; an entity is drawn where the layout
puts it in that camera, and each active triplet as a line from subject to object. Frames
are BGR like the real files; a missing camera is an all-zero image.
"""

from __future__ import annotations

import colorsys

import numpy as np

from orgraph.core.vocabulary import CAMERA_TYPE_IDS, ENTITIES, RELATIONS
from orgraph.loader.synth.layout import Layout
from orgraph.loader.synth.workflow import Rows


def _palette(n: int, value: float) -> np.ndarray:
    """n distinct BGR colours (golden-ratio hues)."""
    rgb = [colorsys.hsv_to_rgb((i * 0.618034) % 1.0, 0.8, value) for i in range(n)]
    return (np.array(rgb)[:, ::-1] * 255).astype(np.uint8)


ENTITY_COLOURS = _palette(len(ENTITIES), 1.0)
RELATION_COLOURS = _palette(len(RELATIONS), 0.6)


def missing_cameras(n_cams: int, frames: int, rng: np.random.Generator) -> np.ndarray:
    """[F, n_cams] bool: a few runs where one camera delivers no image."""
    miss = np.zeros((frames, n_cams), dtype=bool)
    for _ in range(int(rng.integers(1, 3))):
        length = max(1, int(frames * rng.uniform(0.01, 0.04)))
        start = int(rng.integers(0, max(1, frames - length)))
        miss[start : start + length, int(rng.integers(n_cams))] = True
    return miss


def _put(img: np.ndarray, f: np.ndarray, c: np.ndarray, xy: np.ndarray, colour: np.ndarray) -> None:
    """Set pixels (x, y) of frame f, camera c to colour, ignoring points outside the image."""
    h, w = img.shape[2:4]
    x, y = np.floor(xy[..., 0]).astype(np.int64), np.floor(xy[..., 1]).astype(np.int64)
    ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    img[f[ok], c[ok], y[ok], x[ok]] = colour[ok]


def render(
    rows: Rows,
    layout: Layout,
    sources: tuple[str, ...],
    lo: int,
    hi: int,
    size: tuple[int, int],
    missing: np.ndarray,
) -> np.ndarray:
    """[hi-lo, n_cams, H, W, 3] uint8 BGR frames for frames lo..hi-1."""
    h, w = size
    n_cams = len(sources)
    scale = np.array([w, h], dtype=np.float64)
    img = np.empty((hi - lo, n_cams, h, w, 3), np.uint8)
    for c, name in enumerate(sources):
        img[:, c] = (20 + 6 * CAMERA_TYPE_IDS[name], 24, 28)
    a, b = np.searchsorted(rows.frame, [lo, hi])
    fr, s, r, o = rows.frame[a:b], rows.s[a:b], rows.r[a:b], rows.o[a:b]
    cams = np.arange(n_cams)
    # Lines subject -> object of every active triplet.
    k = max(h, w)
    t = np.linspace(0.0, 1.0, k)
    for c in cams:
        ps = layout.at(c, s, fr) * scale
        po = layout.at(c, o, fr) * scale
        pts = ps[:, None] + t[None, :, None] * (po - ps)[:, None]
        ff = np.repeat(fr - lo, k).reshape(-1, k)
        col = np.repeat(RELATION_COLOURS[r], k, axis=0).reshape(-1, k, 3)
        _put(img, ff, np.full_like(ff, c), pts, col)
    # Squares for the entities present.
    ents = np.unique(np.concatenate([fr * 64 + s, fr * 64 + o]))
    ef, ee = ents // 64, ents % 64
    rad = max(1, min(h, w) // 16)
    off = np.stack(np.meshgrid(np.arange(-rad, rad + 1), np.arange(-rad, rad + 1)), -1)
    off = off.reshape(-1, 2)
    for c in cams:
        centre = layout.at(c, ee, ef) * scale
        pts = centre[:, None] + off[None]
        ff = np.repeat(ef - lo, off.shape[0]).reshape(-1, off.shape[0])
        col = np.repeat(ENTITY_COLOURS[ee], off.shape[0], axis=0).reshape(-1, off.shape[0], 3)
        _put(img, ff, np.full_like(ff, c), pts, col)
    img[missing[lo:hi]] = 0
    return img


def placeholder(sources: tuple[str, ...], frames: int, missing: np.ndarray) -> np.ndarray:
    """[F, n_cams, 1, 1, 3] one-pixel frames (camera tint; zero where the camera is missing)."""
    img = np.empty((frames, len(sources), 1, 1, 3), np.uint8)
    for c, name in enumerate(sources):
        img[:, c] = (20 + 6 * CAMERA_TYPE_IDS[name], 24, 28)
    img[missing] = 0
    return img
