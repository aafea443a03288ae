"""`orgraph synth`: write a synthetic EgoExOR dataset of the real HDF5 layout."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import h5py

from orgraph.core.errors import ConfigError
from orgraph.loader.synth import SCALES, SensorOptions, check_rgb, generate


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `synth` subcommand."""
    p = subparsers.add_parser(
        "synth",
        help="generate a synthetic EgoExOR dataset",
        description="Write synthetic EgoExOR HDF5 files (per-procedure files plus "
        "splits.h5, or one merged file) from a procedural workflow model.",
    )
    p.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="directory to write into")
    p.add_argument(
        "--scale",
        choices=SCALES,
        default="tiny",
        help="tiny (a few hundred frames), small (thousands) or egoexor "
        "(the real size: 84,553 frames); default tiny",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--merged",
        action="store_true",
        help="write one merged file (with /splits) instead of per-procedure files",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--rgb", metavar="HxW", default="48x64", help="frame size of frames/rgb (default 48x64)"
    )
    g.add_argument(
        "--no-rgb",
        action="store_true",
        help="write 1x1 placeholder frames (fast; gaze in a nominal 48x64 space)",
    )
    add_sensor_args(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def add_sensor_args(p: argparse.ArgumentParser) -> None:
    """--audio/--no-audio, --audio-snippet, --point-cloud/--no-point-cloud, --points."""
    g = p.add_argument_group(
        "audio and point cloud (default: on for tiny and small, off for egoexor; a few "
        "takes leave one out, as some real takes do)"
    )
    _modality(
        g,
        "audio",
        "audio/waveform and audio/snippets (48 kHz stereo float32)",
        ("--audio-snippet", SensorOptions.snippet_samples, "SAMPLES"),
        "samples per frame in audio/snippets (default 3200, one frame's period; "
        "48000 is a 1-second window)",
    )
    _modality(
        g,
        "point-cloud",
        "point_cloud/coordinates and point_cloud/colors",
        ("--points", SensorOptions.points, "N"),
        "points per frame of the point cloud (default 256)",
    )


def _modality(
    g: argparse._ArgumentGroup, name: str, writes: str, size: tuple[str, int, str], size_help: str
) -> None:
    """--NAME/--no-NAME (unset: the scale decides) and the option sizing what it writes."""
    g.add_argument(
        f"--{name}", action=argparse.BooleanOptionalAction, default=None, help=f"write {writes}"
    )
    flag, default, metavar = size
    g.add_argument(flag, type=int, default=default, metavar=metavar, help=size_help)


def sensor_options(args: argparse.Namespace) -> SensorOptions:
    """The parsed flags as generator options (ConfigError for bad sizes)."""
    return SensorOptions(args.audio, args.audio_snippet, args.point_cloud, args.points).check()


def parse_rgb(text: str) -> tuple[int, int]:
    """'48x64' -> (48, 64); ConfigError with the expected form otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not m:
        raise ConfigError(f"--rgb expects HEIGHTxWIDTH such as 48x64, got {text!r}")
    try:
        return check_rgb((int(m.group(1)), int(m.group(2))))  # type: ignore[return-value]
    except ConfigError as exc:
        raise ConfigError(f"--rgb {text}: {exc}") from None


def _summary(path: Path) -> str:
    with h5py.File(path, "r") as f:
        takes = frames = groups = 0
        data = f.get("data")
        for st in data.values() if data is not None else ():
            for proc in st.values():
                for take in proc["take"].values():
                    takes += 1
                    frames += take["eye_gaze/coordinates"].shape[0]
                    groups += len(take["annotations"])
    size = path.stat().st_size / 1e6
    return f"  {path.name}: {takes} takes, {frames} frames, {groups} annotated, {size:.1f} MB"


def run(args: argparse.Namespace) -> int:
    """Generate, then print where it wrote and one line per file."""
    rgb = None if args.no_rgb else parse_rgb(args.rgb)
    t0 = time.perf_counter()
    result = generate(
        args.out_dir,
        scale=args.scale,
        seed=args.seed,
        merged=args.merged,
        rgb=rgb,
        progress=not args.quiet,
        sensor=sensor_options(args),
    )
    elapsed = time.perf_counter() - t0
    print(
        f"wrote {args.scale} synthetic EgoExOR to {args.out_dir} in {elapsed:.1f} s: "
        f"{len(result.takes)} takes, {result.frames} frames, {result.triplets} triplets"
    )
    for path in result.files:
        print(_summary(path))
    if result.splits is not None:
        print(f"  {result.splits.name}: train/validation/test")
    return 0
