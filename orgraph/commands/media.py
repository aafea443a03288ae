"""`orgraph media TAKE --frame N`: everything one frame holds, as files and as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from orgraph.commands._media_args import (
    add_media_args,
    check_frames,
    open_media,
    take_source,
    triplets,
)
from orgraph.commands._store_args import settings_from_args
from orgraph.core.store import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "media",
        help="write one frame's cameras (PNG), audio (WAV) and point cloud (PLY)",
        description="Read a frame's media through the graph's media pointer: each camera as "
        "PNG (gaze and hands drawn on the egocentric views), the audio snippet as WAV, the "
        "point cloud as PLY. Modalities the take lacks are reported as null.",
    )
    add_media_args(p, "one")
    p.add_argument(
        "--out",
        type=Path,
        help="directory to write into (default: ./media/<take>_frame<N>)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument(
        "--no-overlays", action="store_true", help="do not draw gaze and hands on the images"
    )
    p.set_defaults(func=run)


def default_out(take: str, frame: int) -> Path:
    """./media/MISS_1_2_frame120 for take MISS/1/2, frame 120."""
    return Path("media") / f"{take.replace('/', '_')}_frame{frame}"


def describe(args: argparse.Namespace) -> dict[str, Any]:
    """Write the frame's files and return the --json object."""
    from orgraph.loader.media_export import export_frame
    from orgraph.loader.media_frame import read_frame_media
    from orgraph.loader.optional_deps import PILLOW, require_all

    require_all("orgraph media", PILLOW)

    with open_store(settings_from_args(args)) as store:
        source = take_source(store, args.take, args.media_root)
        check_frames(source, args.frame, args.frame)
        truth = triplets(store, args.take, args.frame, args.frame).get(args.frame, [])
    out = args.out if args.out is not None else default_out(args.take, args.frame)
    with open_media(source) as media:
        fm = read_frame_media(media, args.frame)
        files = export_frame(fm, out, overlays=not args.no_overlays)
    return {
        "take": args.take,
        "frame": args.frame,
        "time": round(args.frame / source.fps, 6),
        **files,
        "triplets": [list(t) for t in truth],
    }


def _text(result: dict[str, Any]) -> str:
    cams = result["cameras"]
    blank = [c["name"] for c in cams if c["blank"]]
    audio, cloud = result["audio"], result["point_cloud"]
    lines = [
        f"{result['take']} frame {result['frame']} ({result['time']:.2f} s): "
        f"{len(cams)} cameras" + (f" ({', '.join(blank)} blank)" if blank else ""),
        "  audio: "
        + (
            f"{audio['samples']} samples x {audio['channels']} at {audio['sample_rate']} Hz"
            if audio
            else "none in this take"
        ),
        "  point cloud: " + (f"{cloud['points']} points" if cloud else "none in this take"),
        f"  {len(result['triplets'])} triplets",
    ]
    lines += [f"    {' '.join(t)}" for t in result["triplets"]]
    folder = Path(cams[0]["file"]).parent if cams and cams[0]["file"] else None
    if folder is not None:
        lines.append(f"wrote {folder}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    result = describe(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(_text(result))
    return 0
