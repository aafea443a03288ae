"""Where each entity appears in each camera view of a take, with head-motion drift.

Positions are normalised image coordinates (x, y in 0..1); callers scale them to pixels.
The same layout drives gaze, hands and the rendered frames, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.vocabulary import EGO_ROLES, ENTITIES


@dataclass
class Layout:
    """Base positions per (camera, entity) and per-frame drift per camera."""

    base: np.ndarray
    """[n_cams, n_entities, 2] float64."""
    drift: np.ndarray
    """[n_cams, frames, 2] float64; zero for fixed (exocentric) cameras."""

    def at(self, cam: int, entity: np.ndarray, frame: np.ndarray) -> np.ndarray:
        """[n, 2] positions of entities (-1 = view centre) in camera `cam` at frames."""
        pos = np.where((entity >= 0)[:, None], self.base[cam, np.maximum(entity, 0)], 0.5)
        return pos + self.drift[cam, frame]


def _smooth_walk(frames: int, n: int, rng: np.random.Generator, scale: float) -> np.ndarray:
    """[n, frames, 2] smooth bounded drift: white noise convolved with a wide window."""
    width = 45
    kernel = np.hanning(width)
    kernel /= np.sqrt((kernel**2).sum())
    noise = rng.normal(0.0, scale, size=(n, 2, frames + width - 1))
    out = np.empty((n, frames, 2))
    for i in range(n):
        for d in range(2):
            out[i, :, d] = np.convolve(noise[i, d], kernel, mode="valid")
    return out


def make_layout(sources: tuple[str, ...], frames: int, rng: np.random.Generator) -> Layout:
    """A random layout per take: the patient and table near the centre, the rest around."""
    n_cams = len(sources)
    base = rng.uniform(0.12, 0.88, size=(n_cams, len(ENTITIES), 2))
    centre = [ENTITIES.index("patient"), ENTITIES.index("operating_table")]
    base[:, centre] = rng.uniform(0.35, 0.65, size=(n_cams, 2, 2))
    drift = np.zeros((n_cams, frames, 2))
    ego = [i for i, s in enumerate(sources) if s in EGO_ROLES]
    if ego:
        drift[ego] = _smooth_walk(frames, len(ego), rng, 0.03)
    return Layout(base, drift)
