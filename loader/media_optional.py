"""The optional modalities of a take, audio and the point cloud, read lazily one frame at a time.

A take may lack either (as some real takes do): then the readers return None, never an
error. What is present but malformed (wrong kind of node, wrong shape) is a
DataFormatError naming the file and path. Reads are hyperslabs of one frame (or of the
frames asked for), so HDF5 reads only the chunks that hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import FPS
from orgraph.loader.h5_util import as_text, h5_errors, where

WAVEFORM = "audio/waveform"
SNIPPETS = "audio/snippets"
COORDINATES = "point_cloud/coordinates"
COLORS = "point_cloud/colors"
DEFAULT_SAMPLE_RATE = 48_000
"""EgoExOR's audio rate; a `sample_rate` attribute on the audio group or dataset overrides it."""
RATE_ATTRS = ("sample_rate", "samplerate", "sr")


@dataclass(frozen=True)
class AudioInfo:
    """What a take's audio holds: sizes read from the datasets' shapes, never assumed."""

    sample_rate: int
    channels: int
    snippet_samples: int | None
    """Samples per frame in audio/snippets; None when the take has no snippets."""
    waveform_samples: int | None
    """Length of audio/waveform; None when the take has no waveform."""

    @property
    def samples_per_frame(self) -> float:
        """Waveform samples per video frame (3200 at 48 kHz and 15 FPS)."""
        return self.sample_rate / FPS


@dataclass
class PointCloud:
    """One frame's merged point cloud."""

    coordinates: np.ndarray
    """[P, 3] float32, metres."""
    colors: np.ndarray | None
    """[P, 3] float32 in 0..1; None when the take stores no colours."""

    @property
    def points(self) -> int:
        return int(self.coordinates.shape[0])


def sample_rate(file: Path, nodes: list[h5py.HLObject]) -> int:
    """The first `sample_rate` attribute found on the nodes (int, float, bytes or str)."""
    for node in nodes:
        with h5_errors(file, node.name, "reading attributes"):
            attrs = dict(node.attrs)
        for key in RATE_ATTRS:
            if key in attrs:
                raw = attrs[key]
                text = as_text(raw.reshape(-1)[0] if isinstance(raw, np.ndarray) else raw)
                try:
                    rate = int(round(float(text)))
                except ValueError:
                    rate = 0
                if rate <= 0:
                    raise DataFormatError(
                        f"{where(file, node.name)}: attribute {key}={text!r} is not a sample rate"
                    )
                return rate
    return DEFAULT_SAMPLE_RATE


def check_audio(file: Path, wave: h5py.Dataset | None, snip: h5py.Dataset | None) -> int:
    """Channels of the audio datasets, checked to agree; DataFormatError on a bad shape."""
    channels = set()
    if wave is not None:
        if wave.ndim not in (1, 2):
            raise DataFormatError(
                f"{where(file, wave.name)}: shape {wave.shape} is not [N, channels]"
            )
        channels.add(1 if wave.ndim == 1 else int(wave.shape[1]))
    if snip is not None:
        if snip.ndim not in (2, 3):
            raise DataFormatError(
                f"{where(file, snip.name)}: shape {snip.shape} is not [F, samples, channels]"
            )
        channels.add(1 if snip.ndim == 2 else int(snip.shape[2]))
    if len(channels) > 1:
        raise DataFormatError(
            f"{where(file, snip.name)}: {sorted(channels)} channels in waveform and snippets"
        )
    return channels.pop()


def read_snippet(file: Path, snip: h5py.Dataset, frame: int) -> np.ndarray:
    """[samples, channels] float32 of one frame."""
    with h5_errors(file, snip.name):
        data = np.asarray(snip[frame], dtype=np.float32)
    return data.reshape(data.shape[0], -1)


def sample_span(info: AudioInfo, first: int, last: int) -> tuple[int, int]:
    """Waveform samples [a, b) of frames first..last (inclusive), clipped to the waveform."""
    n = info.waveform_samples or 0
    a = int(round(first * info.samples_per_frame))
    b = int(round((last + 1) * info.samples_per_frame))
    return min(max(a, 0), n), min(max(b, 0), n)


def read_waveform(file: Path, wave: h5py.Dataset, span: tuple[int, int]) -> np.ndarray:
    """[b - a, channels] float32 of the waveform's samples [a, b)."""
    a, b = span
    with h5_errors(file, wave.name):
        data = np.asarray(wave[a:b], dtype=np.float32)
    return data.reshape(data.shape[0], -1)


def check_cloud(file: Path, coords: h5py.Dataset, colors: h5py.Dataset | None) -> None:
    """Coordinates [F, P, 3], colours of the same shape when present."""
    if coords.ndim != 3 or coords.shape[2] != 3:
        raise DataFormatError(f"{where(file, coords.name)}: shape {coords.shape} is not [F, P, 3]")
    if colors is not None and colors.shape != coords.shape:
        raise DataFormatError(
            f"{where(file, colors.name)}: shape {colors.shape} differs from the coordinates' "
            f"{coords.shape}"
        )


def read_cloud(
    file: Path, coords: h5py.Dataset, colors: h5py.Dataset | None, frame: int
) -> PointCloud:
    """One frame's points (and colours)."""
    with h5_errors(file, coords.name):
        xyz = np.asarray(coords[frame], dtype=np.float32)
    rgb = None
    if colors is not None:
        with h5_errors(file, colors.name):
            rgb = np.asarray(colors[frame], dtype=np.float32)
    return PointCloud(xyz, rgb)
