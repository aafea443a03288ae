"""The optional modalities of a take, audio and the point cloud: options, generation, writing.

Both are written in the real layout (audio/waveform [N, 2], audio/snippets [F, S, 2],
point_cloud/coordinates and colors [F, P, 3], float32), chunked one frame per chunk so
that a reader of one frame touches only that frame's chunks; the cloud is gzip-compressed
with shuffle (audio noise does not compress enough to pay for it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import h5py
import numpy as np

from orgraph.core.errors import ConfigError
from orgraph.loader.synth import audio as sound_model
from orgraph.loader.synth import cloud
from orgraph.loader.synth.workflow import Rows

AUDIO = "audio"
POINT_CLOUD = "point_cloud"
MAX_SNIPPET = 10 * sound_model.SAMPLE_RATE
MIN_POINTS, MAX_POINTS = 64, 1_000_000
_BLOCK_VALUES = 4_000_000
"""Values generated at once when writing snippets or clouds (bounds memory)."""


@dataclass(frozen=True)
class SensorOptions:
    """Which optional modalities to write and how big. None: the scale's default."""

    audio: bool | None = None
    snippet_samples: int = sound_model.SAMPLES_PER_FRAME
    """Samples per frame in audio/snippets (3200 = one frame's period; 48000 = 1 s)."""
    point_cloud: bool | None = None
    points: int = 256
    """Points per frame in the point cloud."""

    def resolved(self, scale: str) -> SensorOptions:
        """Defaults filled in: on for tiny and small; off at the egoexor scale (gigabytes)."""
        on = scale != "egoexor"
        return replace(
            self,
            audio=on if self.audio is None else self.audio,
            point_cloud=on if self.point_cloud is None else self.point_cloud,
        )

    def check(self) -> SensorOptions:
        """ConfigError naming the parameter when a size is out of range."""
        if not 1 <= int(self.snippet_samples) <= MAX_SNIPPET:
            raise ConfigError(
                f"audio snippet samples must be in 1..{MAX_SNIPPET}, got {self.snippet_samples}"
            )
        if not MIN_POINTS <= int(self.points) <= MAX_POINTS:
            raise ConfigError(
                f"point cloud points must be in {MIN_POINTS}..{MAX_POINTS}, got {self.points}"
            )
        return self


def _create(
    group: h5py.Group, path: str, shape: tuple[int, ...], chunks: tuple[int, ...], gzip: bool
) -> h5py.Dataset:
    """A chunked float32 dataset; gzip (with shuffle) only where it pays (audio noise does not)."""
    squeeze = {"compression": "gzip", "compression_opts": 1, "shuffle": True} if gzip else {}
    return group.create_dataset(
        path, shape=shape, dtype=np.float32, chunks=chunks, track_times=False, **squeeze
    )


def write_audio(
    group: h5py.Group,
    rows: Rows,
    frames: int,
    sources: tuple[str, ...],
    samples: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """audio/waveform and audio/snippets of one take; returns the per-frame sound events."""
    sound = sound_model.make_sound(rows, frames, sound_model.speaking_roles(sources), rng)
    wave = sound.waveform
    chunk = (min(wave.shape[0], sound_model.SAMPLES_PER_FRAME), 2)
    _create(group, "audio/waveform", wave.shape, chunk, False)[...] = wave
    snip = _create(group, "audio/snippets", (frames, samples, 2), (1, samples, 2), False)
    block = max(1, _BLOCK_VALUES // (2 * samples))
    for lo in range(0, frames, block):
        hi = min(frames, lo + block)
        snip[lo:hi] = sound_model.snippets(wave, lo, hi, samples)
    return sound.events


def write_point_cloud(
    group: h5py.Group,
    rows: Rows,
    frames: int,
    surgery_type: str,
    sources: tuple[str, ...],
    points: int,
    rng: np.random.Generator,
) -> cloud.Cloud:
    """point_cloud/coordinates and point_cloud/colors of one take; returns the cloud's plan."""
    plan = cloud.plan_cloud(rows, frames, surgery_type, sound_model.speaking_roles(sources))
    coords = _create(group, "point_cloud/coordinates", (frames, points, 3), (1, points, 3), True)
    colours = _create(group, "point_cloud/colors", (frames, points, 3), (1, points, 3), True)
    block = max(1, _BLOCK_VALUES // (3 * points))
    for lo in range(0, frames, block):
        hi = min(frames, lo + block)
        xyz, rgb = cloud.render_cloud(plan, lo, hi, points, rng)
        coords[lo:hi] = xyz
        colours[lo:hi] = rgb
    return plan
