"""The audio the player plays in step with the frames: the take's sound in one-second chunks.

While playing, the page sends the seconds of audio just ahead (as small WAV data URLs,
16 kHz mono, about 43 kB a second) and the browser schedules them on its audio clock
at the frame they start with, so the sound follows playback at any speed. Each chunk
reads only its own 15 frames of the waveform.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import numpy as np

from orgraph.core import vocabulary
from orgraph.dashboard.frame_panels import audio_between, wav_bytes

RATE = 16_000
"""Sample rate of the chunks sent (a listening preview; the WAV download keeps every sample)."""
FPS = round(vocabulary.FPS)
"""Frames in one chunk (a second)."""
KEEP = 512
"""Chunks kept for all sessions together (about 22 MB)."""


def _resampled(samples: np.ndarray, rate: int) -> np.ndarray:
    """[n, channels] float at `rate` as mono float at RATE (averaged, linear interpolation)."""
    mono = samples.astype(np.float32).mean(axis=1)
    if rate == RATE or mono.size == 0:
        return mono
    n = max(1, round(mono.size * RATE / rate))
    return np.interp(np.linspace(0, mono.size - 1, n), np.arange(mono.size), mono)


def chunk_url(path: Path, take: str, second: int, frames: int) -> str | None:
    """Second `second` of the take (frames 15s..15s+14) as a WAV data URL; None without audio."""
    return _chunk(str(path), path.stat().st_mtime, take, second, frames)


@lru_cache(maxsize=KEEP)
def _chunk(path: str, mtime: float, take: str, second: int, frames: int) -> str | None:
    """Read and encoded once per file version, for all sessions (the mtime is the version)."""
    first = second * FPS
    last = min(frames - 1, first + FPS - 1)
    found = audio_between(Path(path), take, first, last) if first < frames else None
    if found is None:
        return None
    samples, rate = found
    wav = wav_bytes(_resampled(samples, rate)[:, None], RATE)
    return "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii")


def seconds_ahead(frame: int, frames: int, speed: float, ahead_s: float) -> list[int]:
    """The seconds of the take that playback from `frame` reaches within `ahead_s` seconds."""
    last = min(frames - 1, frame + int(ahead_s * FPS * speed))
    return list(range(frame // FPS, last // FPS + 1))


def chunks_to_send(
    path: Path, take: str, seconds: list[int], frames: int, have: frozenset[int]
) -> dict[str, str]:
    """Data URLs of the seconds the browser lacks (seconds without sound are skipped)."""
    out = {}
    for s in seconds:
        if s not in have:
            url = chunk_url(path, take, s, frames)
            if url is not None:
                out[str(s)] = url
    return out
