"""`orgraph clip`: an mp4 of a take's frames, or one per moment of a moment set."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from orgraph.commands._media_args import (
    add_media_args,
    check_frames,
    open_media,
    take_source,
    triplets,
)
from orgraph.commands._store_args import settings_from_args
from orgraph.core.errors import ConfigError
from orgraph.core.store import open_store


class _Intermixed(argparse.ArgumentParser):
    """Positionals may sit between options (TAKE --from 1 --to 9 OUT.mp4) although one is
    optional: argparse's intermixed parsing, used when this subcommand's arguments are parsed."""

    _inside = False

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "clip",
        help="write an mp4 of a take's frames (mosaic, overlays, triplets, audio)",
        description="A 15 FPS mp4 of frames F1..F2 (inclusive): the chosen cameras as a "
        "mosaic with gaze and hands drawn, the frame's triplets as a caption and the take's "
        "audio muxed in. With --moments FILE OUT_DIR, one clip per moment of a moment set.",
    )
    p.__class__ = _Intermixed
    add_media_args(p, "range", take_optional=True)
    p.add_argument(
        "out", metavar="OUT", type=Path, nargs="?", help="OUT.mp4, or OUT_DIR with --moments"
    )
    p.add_argument("--moments", type=Path, metavar="FILE", help="a moment-set JSON file")
    p.add_argument(
        "--cameras", help="comma-separated sources, in mosaic order (default: every camera)"
    )
    p.add_argument("--lut", type=Path, metavar="FILE.cube", help="colour LUT for external_* views")
    p.add_argument(
        "--tile-width", type=int, default=320, help="minimum width of each camera (default 320)"
    )
    p.add_argument("--no-overlays", action="store_true", help="do not draw gaze and hands")
    p.set_defaults(func=run)


def _jobs(args: argparse.Namespace) -> list[tuple[str, int, int, Path]]:
    """(take, first, last, mp4 path) for each clip to write."""
    if args.moments is not None:
        if args.out is None and args.take is not None:  # `--moments FILE OUT_DIR`
            args.take, args.out = None, Path(args.take)
        if args.take is not None or args.first is not None or args.last is not None:
            raise ConfigError("--moments FILE OUT_DIR takes no TAKE, --from or --to")
        if args.out is None:
            raise ConfigError("--moments FILE needs OUT_DIR, the directory for the clips")
        from orgraph.commands._moment_set import moment_ranges

        args.out.mkdir(parents=True, exist_ok=True)
        return [
            (take, s, e, args.out / f"{take.replace('/', '_')}_{s}-{e}.mp4")
            for take, s, e in moment_ranges(args.moments)
        ]
    if args.take is None or args.out is None or args.first is None or args.last is None:
        raise ConfigError("give TAKE --from F1 --to F2 OUT.mp4 (or --moments FILE OUT_DIR)")
    if args.out.suffix.lower() != ".mp4":
        raise ConfigError(f"{args.out}: the clip is an mp4; name it OUT.mp4")
    return [(args.take, args.first, args.last, args.out)]


def run(args: argparse.Namespace) -> int:
    from orgraph.loader.cube_lut import load_cube
    from orgraph.loader.media_clip import ClipOptions, write_clip
    from orgraph.loader.optional_deps import IMAGEIO_FFMPEG, PILLOW, require_all

    require_all("orgraph clip", IMAGEIO_FFMPEG, PILLOW)

    if args.tile_width < 16 or args.tile_width > 4096:
        raise ConfigError(f"--tile-width must be in 16..4096, got {args.tile_width}")
    cameras = (
        tuple(c.strip() for c in args.cameras.split(",") if c.strip()) if args.cameras else None
    )
    lut = load_cube(args.lut) if args.lut is not None else None
    opts = ClipOptions(cameras, args.tile_width, not args.no_overlays, lut)
    jobs = _jobs(args)
    with open_store(settings_from_args(args)) as store:
        plans = []
        for take, first, last, out in jobs:
            source = take_source(store, take, args.media_root)
            check_frames(source, first, last)
            plans.append((source, first, last, out, triplets(store, take, first, last)))
    for source, first, last, out, truth in plans:
        t0 = time.perf_counter()
        with open_media(source) as media:
            report = write_clip(media, first, last, out, truth, opts)
        took = time.perf_counter() - t0
        audio = "with audio" if report.audio else "no audio in this take"
        print(
            f"wrote {report.path}: {report.frames} frames at 15 FPS, {report.width}x"
            f"{report.height}, {audio} ({report.frames / max(took, 1e-9):.1f} frames/s)"
        )
    if not jobs:
        print("the moment set holds no moments: no clip written", file=sys.stderr)
    return 0
