"""Reading /splits/<name> (merged file or splits.h5): which split each take belongs to.

Each split is a per-frame structured array (surgery_type, procedure_id, take_id,
frame_id); a split is assigned per take, so only the distinct takes matter.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import h5py
import numpy as np

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import SPLITS
from orgraph.loader.h5_util import h5_errors, text_at, where
from orgraph.loader.takes import TakeInfo

TakeKey = tuple[str, int, int]
SPLIT_FIELDS = ("surgery_type", "procedure_id", "take_id", "frame_id")


def read_split_rows(file: Path, h5: h5py.File) -> dict[str, dict[TakeKey, int]]:
    """split name -> {take key: largest frame_id listed}; {} when the file has no /splits."""
    if "splits" not in h5:
        return {}
    grp = h5["splits"]
    if not isinstance(grp, h5py.Group):
        raise DataFormatError(f"{where(file, '/splits')}: is not a group (expected train, ...)")
    out: dict[str, dict[TakeKey, int]] = {}
    for name, ds in grp.items():
        path = f"/splits/{name}"
        if not isinstance(ds, h5py.Dataset):
            raise DataFormatError(f"{where(file, path)}: is not a dataset")
        fields = ds.dtype.names or ()
        missing = [f for f in SPLIT_FIELDS if f not in fields]
        if missing:
            raise DataFormatError(
                f"{where(file, path)}: fields {list(fields)} lack {missing} "
                f"(expected a structured array with {', '.join(SPLIT_FIELDS)})"
            )
        with h5_errors(file, path):
            rows = ds[()].reshape(-1)
        out[name] = _takes_of(rows, file, path)
    return out


def _takes_of(rows: np.ndarray, file: Path, path: str) -> dict[TakeKey, int]:
    """Distinct (surgery_type, procedure_id, take_id) of split rows with their max frame_id."""
    result: dict[TakeKey, int] = {}
    if rows.size == 0:
        return result
    st_codes, st_inv = np.unique(rows["surgery_type"].astype(object), return_inverse=True)
    names = [text_at(s, file, f"{path}.surgery_type", "surgery_type") for s in st_codes]
    keys = np.stack(
        [
            st_inv.reshape(-1),
            _int_column(rows, "procedure_id", file, path),
            _int_column(rows, "take_id", file, path),
        ],
        axis=1,
    )
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    maxf = np.full(len(uniq), -1, dtype=np.int64)
    np.maximum.at(maxf, inv.reshape(-1), _int_column(rows, "frame_id", file, path))
    for (s, p, t), m in zip(uniq, maxf, strict=True):
        result[(names[s], int(p), int(t))] = int(m)
    return result


def _int_column(rows: np.ndarray, name: str, file: Path, path: str) -> np.ndarray:
    """A field of split rows as int64; a field that is not whole numbers is a DataFormatError."""
    col = rows[name]
    if col.dtype.kind in "iu":
        return col.astype(np.int64)
    if col.dtype.kind == "f":
        bad = ~np.isfinite(col) | (col != np.round(col))
        if not bad.any():
            return col.astype(np.int64)
        shown = col[bad][0]
    else:
        shown = col.reshape(-1)[0] if col.size else col.dtype
    raise DataFormatError(
        f"{where(file, path)}: field {name} holds {shown!r} (expected whole numbers)"
    )


def assign_splits(
    takes: list[TakeInfo], splits: dict[str, dict[TakeKey, int]], file: Path
) -> list[TakeInfo]:
    """Takes with their split set, after checking every split row against the opened takes.

    A split naming a take of an opened procedure that does not exist, a frame_id beyond a
    take's frames, or a take listed in two splits is a DataFormatError. Takes of procedures
    not opened at all are ignored, so one may open a subset of the per-procedure files.
    """
    by_key = {(t.surgery_type, t.procedure_id, t.take_id): t for t in takes}
    procedures = {(t.surgery_type, t.procedure_id) for t in takes}
    chosen: dict[TakeKey, str] = {}
    for name in sorted(splits, key=lambda n: (SPLITS.index(n) if n in SPLITS else 99, n)):
        for key, max_frame in splits[name].items():
            path = f"/splits/{name}"
            take = by_key.get(key)
            if take is None:
                if key[:2] in procedures:
                    raise DataFormatError(
                        f"{where(file, path)}: names take {key[0]}/{key[1]}/{key[2]}, "
                        "which does not exist in the opened files"
                    )
                continue
            if max_frame >= take.frames:
                raise DataFormatError(
                    f"{where(file, path)}: frame_id {max_frame} for take {take.key}, "
                    f"which has {take.frames} frames ({take.file}:{take.group})"
                )
            if key in chosen and chosen[key] != name:
                raise DataFormatError(
                    f"{where(file, path)}: take {take.key} is also in split {chosen[key]!r} "
                    "(expected each take in one split)"
                )
            chosen[key] = name
    return [
        replace(t, split=chosen.get((t.surgery_type, t.procedure_id, t.take_id))) for t in takes
    ]
