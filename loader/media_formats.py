"""Writing one frame's audio and point cloud as standard files: WAV (16-bit PCM) and PLY."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from orgraph.loader.media_optional import PointCloud


def pcm16(samples: np.ndarray) -> np.ndarray:
    """[n, channels] float in -1..1 as int16 (clipped)."""
    return np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """[n, channels] float samples as a 16-bit PCM WAV file."""
    data = np.asarray(samples, dtype=np.float32).reshape(samples.shape[0], -1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(data.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm16(data).tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV file as ([n, channels] float32, sample rate)."""
    with wave.open(str(path), "rb") as w:
        raw = w.readframes(w.getnframes())
        channels, rate = w.getnchannels(), w.getframerate()
    data = np.frombuffer(raw, dtype="<i2").reshape(-1, channels)
    return data.astype(np.float32) / 32767.0, rate


def write_ply(path: Path, cloud: PointCloud) -> None:
    """A binary little-endian PLY: x y z float, and red green blue uchar when coloured."""
    fields = [("x", "<f4"), ("y", "<f4"), ("z", "<f4")]
    if cloud.colors is not None:
        fields += [("red", "u1"), ("green", "u1"), ("blue", "u1")]
    rows = np.empty(cloud.points, dtype=fields)
    for i, axis in enumerate("xyz"):
        rows[axis] = cloud.coordinates[:, i]
    if cloud.colors is not None:
        rgb = np.round(np.clip(cloud.colors, 0.0, 1.0) * 255.0).astype(np.uint8)
        for i, name in enumerate(("red", "green", "blue")):
            rows[name] = rgb[:, i]
    props = "".join(f"property {'float' if t == '<f4' else 'uchar'} {name}\n" for name, t in fields)
    header = (
        "ply\nformat binary_little_endian 1.0\ncomment written by orgraph media\n"
        f"element vertex {cloud.points}\n{props}end_header\n"
    )
    with open(path, "wb") as f:
        f.write(header.encode("ascii"))
        f.write(rows.tobytes())


def read_ply(path: Path) -> np.ndarray:
    """The vertex rows of a PLY written by write_ply (structured array)."""
    data = Path(path).read_bytes()
    end = data.index(b"end_header\n") + len(b"end_header\n")
    header = data[:end].decode("ascii").splitlines()
    count = next(int(h.split()[2]) for h in header if h.startswith("element vertex"))
    kinds = {"float": "<f4", "uchar": "u1"}
    fields = [(h.split()[2], kinds[h.split()[1]]) for h in header if h.startswith("property")]
    return np.frombuffer(data[end:], dtype=fields, count=count)
