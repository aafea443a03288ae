"""What the media commands (media, clip, rerun) share: options, the take's file, its triplets."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from orgraph.commands._store_args import add_store_args
from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.core.store import GraphStore
from orgraph.loader.media import TakeMedia
from orgraph.loader.media_paths import MEDIA_ROOT_ENV, locate, media_root
from orgraph.loader.reader import EgoExOR
from orgraph.queries import browse
from orgraph.queries.catalog import run_query

Triplet = tuple[str, str, str]


def add_media_args(
    p: argparse.ArgumentParser, frames: Literal["one", "range"], take_optional: bool = False
) -> None:
    """What every media command takes: TAKE, its frames (--frame N, or the inclusive range
    --from F1 --to F2), the store options and --media-root."""
    p.add_argument(
        "take", metavar="TAKE", nargs="?" if take_optional else None, help="take key, e.g. MISS/1/2"
    )
    if frames == "one":
        p.add_argument("--frame", type=int, required=True, help="frame index (0-based)")
    else:
        p.add_argument("--from", dest="first", type=int, help="first frame (0-based)")
        p.add_argument("--to", dest="last", type=int, help="last frame (inclusive)")
    add_store_args(p)
    p.add_argument(
        "--media-root",
        type=Path,
        help="directory to look in when the HDF5 files have moved since loading "
        f"({MEDIA_ROOT_ENV})",
    )


@dataclass(frozen=True)
class TakeSource:
    """Where a loaded take's media is: its file (located), its group, its length."""

    take: str
    frames: int
    fps: float
    file: Path
    group: str


def take_source(store: GraphStore, take: str, root: Path | None) -> TakeSource:
    """The take's media pointer from the store, with its file located (media root applied)."""
    row = browse.take_pointer(store, take)
    if row is None:
        raise UnknownNameError(
            f"take {take!r} is not in the graph store (takes are named SURGERY/PROCEDURE/TAKE, "
            "e.g. MISS/1/1; `orgraph query takes` lists them)"
        )
    file = locate(str(row["file"]), media_root(root))
    return TakeSource(take, int(row["frames"]), float(row["fps"]), file, str(row["h5_group"]))


@contextmanager
def open_media(source: TakeSource) -> Iterator[TakeMedia]:
    """The take's lazy media, from its file, checked to be the group the store names."""
    with EgoExOR([source.file]) as reader:
        media = reader.media(source.take)
        if media.take.group != source.group:
            raise DataFormatError(
                f"{source.file}: take {source.take} is at {media.take.group}, but the graph "
                f"says {source.group} (reload the file with `orgraph load`)"
            )
        yield media


def check_frames(source: TakeSource, first: int, last: int) -> None:
    """DataFormatError unless 0 <= first <= last < frames."""
    if not 0 <= first <= last < source.frames:
        span = f"frame {first}" if first == last else f"frames {first}..{last}"
        raise DataFormatError(
            f"{span} out of range: take {source.take} has frames 0..{source.frames - 1}"
        )


def _by_frame(df: pd.DataFrame) -> dict[int, list[Triplet]]:
    out: dict[int, list[Triplet]] = {}
    for row in df.itertuples(index=False):
        out.setdefault(int(row.frame), []).append((row.subject, row.relation, row.object))
    return out


def triplets(store: GraphStore, take: str, first: int, last: int) -> dict[int, list[Triplet]]:
    """Frame -> the triplets the graph holds for it (frames without any are left out)."""
    df = run_query(store, "scene_graph_range", {"take": take, "first": first, "last": last})
    return _by_frame(df)


def predictions(
    store: GraphStore, take: str, first: int, last: int, run: str
) -> dict[int, list[Triplet]]:
    """Frame -> a stored run's predicted triplets; UnknownNameError for an unknown run."""
    if run not in set(browse.runs(store)["run"]):
        raise UnknownNameError(
            f"no stored run {run!r} (store one with `orgraph evaluate RUN --write-back`)"
        )
    return _by_frame(browse.predicted_range(store, take, first, last, run))
