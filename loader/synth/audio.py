"""Stereo 48 kHz sound of a take, made from what happens in its scene graph, plus noise.

Room tone and mains hum throughout; scraping while someone cuts; a hiss while someone
aspirates; a click when an instrument is taken up or touches something; voice-like
bursts from the role who starts an activity, panned to where that role stands.
Samples lie on the 16-bit grid (k / 32767), as audio decoded from a 16-bit recorder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.vocabulary import EGO_ROLES, ENTITY_INDEX, FPS, RELATION_INDEX
from orgraph.loader.synth.workflow import Rows

SAMPLE_RATE = 48_000
SAMPLES_PER_FRAME = int(SAMPLE_RATE / FPS)
"""3200: the waveform has exactly this many samples per frame."""

TOOLS = (
    "scalpel",
    "forceps",
    "curette",
    "needle",
    "scissors",
    "syringe",
    "instruments",
    "ultrasound_probe",
    "body_marker",
)
"""Objects whose handling makes a contact click."""
_QUIET = ("closeto", "lyingon", "wearing", "looking")
"""Relations that make no sound and start no speech."""
PAN = {"head_surgeon": -0.35, "assistant": 0.4, "circulator": 0.8, "anesthetist": -0.8}
"""Stereo position of each role, -1 (left) .. 1 (right)."""
_PITCH = {"head_surgeon": 115.0, "assistant": 165.0, "circulator": 205.0, "anesthetist": 135.0}


@dataclass
class Sound:
    """The waveform and the per-frame truth of what made it."""

    waveform: np.ndarray
    """[F * SAMPLES_PER_FRAME, 2] float32 in -1..1."""
    events: dict[str, np.ndarray]
    """Per-frame bool masks: cutting, suction, contact (a click starts), speech:<role>."""


def _mask(rows: Rows, frames: int, sel: np.ndarray) -> np.ndarray:
    out = np.zeros(frames, bool)
    out[rows.frame[sel]] = True
    return out


def _active_span(mask: np.ndarray) -> tuple[int, int] | None:
    """Sample range [a, b) covering every active frame of a mask with a frame of ramp each side."""
    on = np.flatnonzero(mask)
    if on.shape[0] == 0:
        return None
    lo, hi = max(0, int(on[0]) - 1), min(mask.shape[0], int(on[-1]) + 2)
    return lo * SAMPLES_PER_FRAME, hi * SAMPLES_PER_FRAME


def _envelope(mask: np.ndarray, a: int, b: int) -> np.ndarray:
    """Per-sample 0..1 envelope of a per-frame mask over samples [a, b), ramped over one frame."""
    t = (np.arange(a, b, dtype=np.float64) + 0.5) / SAMPLES_PER_FRAME - 0.5
    return np.interp(t, np.arange(mask.shape[0]), mask.astype(np.float64)).astype(np.float32)


def _periodic(n: int, period: int, one: np.ndarray) -> np.ndarray:
    """`one` (a single period of `period` samples) repeated to length n."""
    return np.tile(one, n // period + 1)[:n]


def _gains(pan: float) -> np.ndarray:
    """[2] left/right gains of a constant-power pan."""
    angle = (pan + 1.0) * np.pi / 4.0
    return np.array([np.cos(angle), np.sin(angle)])


def _bright_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """White noise with its low end removed (first difference): hiss-like."""
    white = rng.standard_normal(n + 1, dtype=np.float32)
    return (white[1:] - white[:-1]) * np.float32(0.5)


def _add_band(
    out: np.ndarray,
    mask: np.ndarray,
    level: float,
    pan: float,
    rng: np.random.Generator,
    rhythm: float | None = None,
) -> None:
    """Add hiss-like noise where the per-frame mask is on, optionally pulsing at `rhythm` Hz."""
    span = _active_span(mask)
    if span is None:
        return
    a, b = span
    sig = _envelope(mask, a, b) * _bright_noise(b - a, rng) * np.float32(level)
    if rhythm is not None:
        t = np.arange(a, b, dtype=np.float32) / SAMPLE_RATE
        sig *= np.sin(np.float32(2 * np.pi * rhythm) * t) ** 2
    out[a:b] += sig[:, None] * _gains(pan).astype(np.float32)


def _contact_frames(rows: Rows, frames: int) -> np.ndarray:
    """Frames where a tool newly appears in a sounding relation (taken up, put on, cut with)."""
    tools = np.array([ENTITY_INDEX[t] for t in TOOLS])
    quiet = np.array([RELATION_INDEX[r] for r in _QUIET])
    sel = np.isin(rows.o, tools) | np.isin(rows.s, tools)
    sel &= ~np.isin(rows.r, quiet)
    key = (rows.s[sel] * 64 + rows.o[sel]) * 32 + rows.r[sel]
    frame = rows.frame[sel]
    present = set(zip(frame.tolist(), key.tolist(), strict=True))
    starts = [f for f, k in present if (f - 1, k) not in present]
    out = np.zeros(frames, bool)
    out[np.asarray(starts, dtype=np.int64)] = True
    return out


def _speech_bursts(
    rows: Rows, frames: int, role: str, rng: np.random.Generator
) -> list[tuple[int, int]]:
    """Sample ranges where `role` speaks: mostly when it starts an activity, sometimes not."""
    quiet = np.array([RELATION_INDEX[r] for r in _QUIET])
    sel = (rows.s == ENTITY_INDEX[role]) & ~np.isin(rows.r, quiet)
    acting = _mask(rows, frames, sel)
    onsets = np.flatnonzero(acting & ~np.concatenate([[False], acting[:-1]]))
    onsets = onsets[rng.random(onsets.shape[0]) < 0.7]
    extra = np.flatnonzero(acting & (rng.random(frames) < 0.004))
    bursts = []
    for f in np.union1d(onsets, extra).tolist():
        start = f * SAMPLES_PER_FRAME + int(rng.integers(0, SAMPLES_PER_FRAME))
        length = int(rng.uniform(0.35, 1.4) * SAMPLE_RATE)
        bursts.append((start, min(start + length, frames * SAMPLES_PER_FRAME)))
    return bursts


def _voice(n: int, pitch: float, rng: np.random.Generator) -> np.ndarray:
    """A voiced, syllabic sound: a few harmonics with a wandering pitch, chopped at ~4.5 Hz."""
    t = np.arange(n) / SAMPLE_RATE
    f0 = pitch * (1.0 + 0.08 * np.sin(2 * np.pi * rng.uniform(0.5, 1.5) * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    weights = rng.uniform(0.2, 1.0, 6) / np.arange(1, 7)
    sig = sum(w * np.sin(k * phase) for k, w in enumerate(weights, start=1))
    syllable = np.clip(np.sin(2 * np.pi * rng.uniform(3.5, 5.5) * t + rng.uniform(0, 6)), 0, None)
    fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.03) if n > 1 else np.ones(n)
    return sig * syllable**0.7 * fade


def _room_tone(n: int, rng: np.random.Generator) -> np.ndarray:
    """[n, 2] float32: a low noise floor and 50 Hz mains hum."""
    hum_period = SAMPLE_RATE // 50
    hum = 0.003 * np.sin(2 * np.pi * np.arange(hum_period) / hum_period).astype(np.float32)
    mono = rng.standard_normal(n, dtype=np.float32) * np.float32(0.004)
    mono += _periodic(n, hum_period, hum)
    out = np.empty((n, 2), np.float32)
    out[:, 0] = mono
    out[:, 1] = mono + rng.standard_normal(n, dtype=np.float32) * np.float32(0.002)
    return out


def _add_clicks(out: np.ndarray, contact: np.ndarray, rng: np.random.Generator) -> None:
    """A short ringing click at each contact frame."""
    click_len = int(0.04 * SAMPLE_RATE)
    ct = np.arange(click_len) / SAMPLE_RATE
    for f in np.flatnonzero(contact).tolist():
        start = f * SAMPLES_PER_FRAME + int(rng.integers(0, SAMPLES_PER_FRAME // 2))
        click = np.sin(2 * np.pi * rng.uniform(2800, 4800) * ct) * np.exp(-ct / 0.006)
        end = min(out.shape[0], start + click_len)
        out[start:end] += (0.35 * click[: end - start])[:, None] * _gains(rng.uniform(-0.3, 0.3))


def _add_speech(
    out: np.ndarray, rows: Rows, frames: int, role: str, rng: np.random.Generator
) -> np.ndarray:
    """Add the role's voice bursts; returns the per-frame mask of frames it speaks in."""
    spoken = np.zeros(frames, bool)
    for a, b in _speech_bursts(rows, frames, role, rng):
        if b <= a:
            continue
        voice = _voice(b - a, _PITCH[role] * rng.uniform(0.95, 1.05), rng) * 0.18
        out[a:b] += voice[:, None] * _gains(PAN[role])
        spoken[a // SAMPLES_PER_FRAME : (b - 1) // SAMPLES_PER_FRAME + 1] = True
    return spoken


def make_sound(rows: Rows, frames: int, roles: tuple[str, ...], rng: np.random.Generator) -> Sound:
    """The take's waveform and what made it; `roles` are the egocentric roles present."""
    out = _room_tone(frames * SAMPLES_PER_FRAME, rng)
    cutting = _mask(rows, frames, rows.r == RELATION_INDEX["cutting"])
    suction = _mask(rows, frames, rows.r == RELATION_INDEX["aspirating"])
    _add_band(out, cutting, 0.12, 0.05, rng, rhythm=3.2)
    _add_band(out, suction, 0.07, -0.05, rng)
    contact = _contact_frames(rows, frames)
    _add_clicks(out, contact, rng)
    events = {"cutting": cutting, "suction": suction, "contact": contact}
    for role in roles:
        events[f"speech:{role}"] = _add_speech(out, rows, frames, role, rng)
    np.clip(out, -1.0, 1.0, out=out)
    out *= np.float32(32767.0)
    np.round(out, out=out)
    out /= np.float32(32767.0)
    return Sound(out, events)


def snippets(waveform: np.ndarray, lo: int, hi: int, samples: int) -> np.ndarray:
    """[hi-lo, samples, 2]: for each frame the window centred on the middle of its period.

    Frame f's window starts at f * SAMPLES_PER_FRAME + SAMPLES_PER_FRAME // 2 - samples // 2;
    samples before the start or after the end of the waveform are zero.
    """
    start = np.arange(lo, hi) * SAMPLES_PER_FRAME + SAMPLES_PER_FRAME // 2 - samples // 2
    idx = start[:, None] + np.arange(samples)[None, :]
    inside = (idx >= 0) & (idx < waveform.shape[0])
    out = waveform[np.clip(idx, 0, waveform.shape[0] - 1)]
    out[~inside] = 0.0
    return out


def speaking_roles(sources: tuple[str, ...]) -> tuple[str, ...]:
    """The egocentric roles of a take, in a fixed order."""
    return tuple(r for r in EGO_ROLES if r in sources)
