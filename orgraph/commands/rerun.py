"""`orgraph rerun TAKE`: a Rerun recording of a take's frames, saved or served locally."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from orgraph.commands._media_args import (
    add_media_args,
    check_frames,
    open_media,
    predictions,
    take_source,
    triplets,
)
from orgraph.commands._store_args import settings_from_args
from orgraph.core.errors import ConfigError, OrgraphError
from orgraph.core.store import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rerun",
        help="a Rerun recording of a take (every modality, scene graphs, a run's predictions)",
        description="Every camera, gaze and hands on the egocentric views, the point cloud in "
        "3-D, gaze depth as a scalar, each frame's scene graph as a graph and as text, and a "
        "stored run's predictions beside the truth, on a frame and a time timeline. Save it "
        "as .rrd, or serve Rerun's web viewer on 127.0.0.1 (offline: nothing is fetched). "
        "--from and --to default to the take's first and last frame.",
    )
    add_media_args(p, "range")
    p.add_argument("--run", help="a stored run whose predictions to show beside the truth")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--save", type=Path, metavar="OUT.rrd", help="write the recording here")
    out.add_argument("--serve", action="store_true", help="serve the web viewer on 127.0.0.1")
    p.add_argument("--web-port", type=int, default=9090, help="viewer page port (default 9090)")
    p.add_argument("--grpc-port", type=int, default=9876, help="recording port (default 9876)")
    p.add_argument("--raw-images", action="store_true", help="store images raw, not as JPEG")
    p.set_defaults(func=run)


def _record(args: argparse.Namespace, path: Path) -> None:
    from orgraph.loader.media_rerun import export_rerun

    with open_store(settings_from_args(args)) as store:
        source = take_source(store, args.take, args.media_root)
        first = 0 if args.first is None else args.first
        last = source.frames - 1 if args.last is None else args.last
        check_frames(source, first, last)
        truth = triplets(store, args.take, first, last)
        pred = None
        if args.run is not None:
            pred = predictions(store, args.take, first, last, args.run)
    t0 = time.perf_counter()
    with open_media(source) as media:
        report = export_rerun(media, first, last, truth, pred, str(path), args.raw_images)
    took = max(time.perf_counter() - t0, 1e-9)
    print(
        f"recorded {report.frames} frames of {args.take} ({report.images} images, "
        f"{report.points} points, {report.edges} truth graph edges) to {path} "
        f"({report.frames / took:.1f} frames/s)",
        file=sys.stderr if args.serve else sys.stdout,
    )


def _serve(args: argparse.Namespace) -> int:
    from orgraph.loader.rerun_viewer import serve

    for name in ("web_port", "grpc_port"):
        if not 1 <= getattr(args, name) <= 65535:
            raise ConfigError(f"--{name.replace('_', '-')} must be a port in 1..65535")
    with tempfile.TemporaryDirectory(prefix="orgraph-rerun-") as tmp:
        rrd = Path(tmp) / "recording.rrd"
        _record(args, rrd)
        try:
            server = serve(rrd, args.web_port, args.grpc_port, Path(tmp))
        except OSError as exc:
            raise OrgraphError(
                f"cannot serve on 127.0.0.1:{args.web_port} ({exc.strerror})"
            ) from None
        print(f"Rerun web viewer: {server.url}  (Ctrl+C stops it)", flush=True)
        try:
            while server.process.poll() is None:
                time.sleep(0.5)
            print(f"the rerun server stopped (exit {server.process.returncode})", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            server.stop()


def run(args: argparse.Namespace) -> int:
    from orgraph.loader.optional_deps import PILLOW, RERUN, require_all

    require_all("orgraph rerun", RERUN, PILLOW)
    if args.serve:
        return _serve(args)
    if args.save.suffix.lower() != ".rrd":
        raise ConfigError(f"{args.save}: a Rerun recording is an .rrd file; name it OUT.rrd")
    _record(args, args.save)
    return 0
