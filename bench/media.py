"""Benchmark: per-frame media reads, clip writing and Rerun export, each next to a plain
h5py read of the same data in the same run.

Run:  .venv/bin/python bench/media.py                      # 1 take, 10 cameras at 480x640
      .venv/bin/python bench/media.py --frames 90 --size 240x320 --keep /tmp/m.h5

One MISS take (10 cameras) is generated with loader.synth at the given size, with audio
(3200-sample snippets) and a 256-point cloud. The media read is loader.media_frame's
read_frame_media (every camera, gaze, depth, hands, audio snippet, point cloud); the
baseline reads the same rows with plain h5py indexing on already open datasets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgraph.loader.media_clip import write_clip  # noqa: E402
from orgraph.loader.media_frame import read_frame_media  # noqa: E402
from orgraph.loader.media_rerun import export_rerun  # noqa: E402
from orgraph.loader.reader import EgoExOR  # noqa: E402
from orgraph.loader.synth import writer  # noqa: E402
from orgraph.loader.synth.scales import TakeSpec  # noqa: E402
from orgraph.loader.synth.sensors import SensorOptions  # noqa: E402
from orgraph.loader.synth.take import generate_take  # noqa: E402

KEY = "MISS/1/1"
GROUP = "data/MISS/1/take/1"
PLAIN = (
    "frames/rgb",
    "eye_gaze/coordinates",
    "eye_gaze_depth/values",
    "hand_tracking/positions",
    "audio/snippets",
    "point_cloud/coordinates",
    "point_cloud/colors",
)


def make_file(path: Path, frames: int, size: tuple[int, int], seed: int):
    """One MISS take with every modality; returns its truth (SynthTake)."""
    spec = TakeSpec("MISS", 1, 1, frames, "train", "miss_1")
    with h5py.File(path, "w") as f:
        writer.write_metadata(f, {"generator": "bench/media.py", "seed": seed})
        return generate_take(f, spec, seed, size, SensorOptions(audio=True, point_cloud=True))


def percentiles(times: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    ms = np.asarray(times) * 1e3
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def bench_reads(path: Path, order: list[int]) -> tuple[list[float], list[float]]:
    """Seconds per frame: the media reader, then plain h5py indexing, on the same frames."""
    ours, plain = [], []
    with EgoExOR([path]) as reader:
        media = reader.media(KEY)
        read_frame_media(media, order[0])  # open the datasets once, as a viewer keeps them
        for f in order:
            t0 = time.perf_counter()
            read_frame_media(media, f)
            ours.append(time.perf_counter() - t0)
    with h5py.File(path, "r") as h5:
        datasets = [h5[f"{GROUP}/{name}"] for name in PLAIN]
        datasets[0][order[0]]
        for f in order:
            t0 = time.perf_counter()
            for ds in datasets:
                ds[f]
            plain.append(time.perf_counter() - t0)
    return ours, plain


def plain_rate(path: Path, frames: int) -> float:
    """Frames/s of a plain h5py read of every per-frame dataset, frame by frame."""
    with h5py.File(path, "r") as h5:
        datasets = [h5[f"{GROUP}/{name}"] for name in PLAIN]
        t0 = time.perf_counter()
        for f in range(frames):
            for ds in datasets:
                ds[f]
        return frames / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=60, help="frames in the take (default 60)")
    ap.add_argument("--size", default="480x640", help="camera size HxW (default 480x640)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="write the file here and keep it")
    args = ap.parse_args()
    h, w = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        path = args.keep or Path(tmp) / "miss_1.h5"
        t0 = time.perf_counter()
        truth = make_file(path, args.frames, (h, w), args.seed)
        print(
            f"generated {KEY}: {args.frames} frames, {len(truth.sources)} cameras at {h}x{w}, "
            f"{path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t0:.1f} s"
        )
        rng = np.random.default_rng(args.seed)
        order = rng.permutation(args.frames).tolist() * 2
        ours, plain = bench_reads(path, order)
        (o50, o95), (p50, p95) = percentiles(ours), percentiles(plain)
        print(f"frame read, {len(order)} random frames (every modality):")
        print(f"  media reader   p50 {o50:7.2f} ms   p95 {o95:7.2f} ms")
        print(f"  plain h5py     p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
        print(f"  ratio reader / plain: p50 {o50 / p50:.2f}x  p95 {o95 / p95:.2f}x")
        base = plain_rate(path, args.frames)
        with EgoExOR([path]) as reader:
            media = reader.media(KEY)
            t0 = time.perf_counter()
            write_clip(media, 0, args.frames - 1, Path(tmp) / "clip.mp4", truth.annotations)
            clip = args.frames / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            export_rerun(
                media, 0, args.frames - 1, truth.annotations, None, str(Path(tmp) / "r.rrd")
            )
            rrd = args.frames / (time.perf_counter() - t0)
        print(f"plain h5py read of every modality: {base:7.1f} frames/s (baseline)")
        print(f"clip writing (mp4, all cameras):   {clip:7.1f} frames/s ({clip / base:.3f}x)")
        print(f"Rerun export (.rrd, JPEG images):  {rrd:7.1f} frames/s ({rrd / base:.3f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
