"""Finding the take groups of one file: /data/<surgery_type>/<procedure_id>/take/<take_id>.

Only metadata is touched: the sources attributes and the shape of a small
per-frame dataset for the frame count (frames/rgb only as a last resort, and
never its data).
"""

from __future__ import annotations

from pathlib import Path

import h5py

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import RAW_SOURCE_ALIASES
from orgraph.loader.h5_util import get_node, h5_errors, int_at, text_at, where
from orgraph.loader.takes import TakeInfo

TAKE_GROUP_NAMES = ("take", "takes")
"""The published files use 'take'; the dataset README says 'takes'. Both are accepted."""

FRAME_COUNT_DATASETS = (
    "eye_gaze/coordinates",
    "hand_tracking/positions",
    "eye_gaze_depth/values",
    "frames/rgb",
)
"""Per-frame datasets whose axis 0 gives the frame count, cheapest first (frames/rgb may
be huge or elsewhere); loader.h5_checks compares them all with frames/rgb."""


def _int_name(name: str, file: Path, path: str, what: str) -> int:
    """An integer group name ('1', '2', ...) or a DataFormatError."""
    try:
        return int(name)
    except ValueError:
        raise DataFormatError(
            f"{where(file, path)}: {what} {name!r} is not an integer string"
        ) from None


def read_sources(file: Path, take: h5py.Group) -> tuple[str, ...]:
    """Canonical source names in axis-1 order of frames/rgb, from the sources group attributes."""
    grp = get_node(take, "sources", file, h5py.Group, "a group with source_count, source_i attrs")
    path = grp.name
    with h5_errors(file, path, "reading attributes"):
        attrs = dict(grp.attrs)
    if "source_count" not in attrs:
        raise DataFormatError(f"{where(file, path)}: attribute source_count missing")
    count = int_at(attrs["source_count"], file, path, "attribute source_count")
    if count < 0:
        raise DataFormatError(f"{where(file, path)}: attribute source_count is {count} (< 0)")
    out = []
    for i in range(count):
        if f"source_{i}" not in attrs:
            raise DataFormatError(f"{where(file, path)}: attribute source_{i} missing")
        raw = text_at(attrs[f"source_{i}"], file, path, f"attribute source_{i}")
        out.append(RAW_SOURCE_ALIASES.get(raw, raw))
    return tuple(out)


def frame_count(file: Path, take: h5py.Group) -> int:
    """Frame count of a take from the first present per-frame dataset (shape only)."""
    for name in FRAME_COUNT_DATASETS:
        with h5_errors(file, f"{take.name}/{name}", "opening"):
            if name in take:
                shape = take[name].shape
                if not shape:
                    raise DataFormatError(
                        f"{where(file, take.name + '/' + name)}: has no frame axis"
                    )
                return int(shape[0])
    raise DataFormatError(
        f"{where(file, take.name)}: take group has none of {', '.join(FRAME_COUNT_DATASETS)} "
        "(expected per-frame datasets)"
    )


def find_takes(file: Path, h5: h5py.File) -> list[TakeInfo]:
    """Every take group of one file, with split left unset."""
    data = get_node(h5, "data", file, h5py.Group, "a group /data/<surgery_type>/<procedure_id>")
    takes: list[TakeInfo] = []
    for surgery_type, sgrp in data.items():
        if not isinstance(sgrp, h5py.Group):
            continue
        for proc_name, pgrp in sgrp.items():
            if not isinstance(pgrp, h5py.Group):
                continue
            proc = _int_name(proc_name, file, pgrp.name, "procedure id")
            tname = next((n for n in TAKE_GROUP_NAMES if n in pgrp), None)
            if tname is None:
                raise DataFormatError(
                    f"{where(file, pgrp.name)}: missing group 'take' (expected take/<take_id>)"
                )
            for take_name, tgrp in pgrp[tname].items():
                if not isinstance(tgrp, h5py.Group):
                    continue
                take_id = _int_name(take_name, file, tgrp.name, "take id")
                get_node(tgrp, "annotations", file, h5py.Group, "a group of frame_<i> groups")
                takes.append(
                    TakeInfo(
                        surgery_type=surgery_type,
                        procedure_id=proc,
                        take_id=take_id,
                        frames=frame_count(file, tgrp),
                        sources=read_sources(file, tgrp),
                        split=None,
                        file=file,
                        group=tgrp.name,
                    )
                )
    if not takes:
        raise DataFormatError(
            f"{where(file, '/data')}: no take groups (expected "
            "/data/<surgery_type>/<procedure_id>/take/<take_id>)"
        )
    return takes
