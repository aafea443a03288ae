"""The fast path: all rel_annotations of one take into columnar canonical-index arrays.

Per-frame groups make HDF5's per-object overhead the cost, so the hot loop uses
h5py's low-level API (h5d.open + read into one preallocated buffer) and maps raw
names once per distinct string. It only ever opens <take>/annotations/frame_i.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.core.vocabulary import (
    ENTITY_INDEX,
    RELATION_INDEX,
    canonical_entity,
    canonical_relation,
)
from orgraph.loader.h5_util import get_node, where
from orgraph.loader.takes import TakeAnnotations, TakeInfo

WIDTH = 64
"""Fixed string width of the read buffer; longer fixed-length names are read the slow way."""
_BUF_DTYPE = np.dtype(f"S{WIDTH}")
_REL = b"/rel_annotations"
FRAME_NAME = re.compile(r"frame_(0|[1-9][0-9]*)", re.ASCII)
"""A frame group's name: frame_ and the decimal index as written by f"frame_{i}" (ASCII
digits, no leading zeros), so no two names can mean one frame."""


@dataclass
class NameLookup:
    """Raw name (bytes) -> canonical entity/relation index (-1 if unknown), memoised."""

    entities: dict[bytes, int] = field(default_factory=dict)
    relations: dict[bytes, int] = field(default_factory=dict)

    def entity(self, raw: bytes) -> int:
        """Index into ENTITIES of a raw entity spelling, or -1."""
        if raw not in self.entities:
            name = canonical_entity(raw.decode("utf-8", "replace"))
            self.entities[raw] = -1 if name is None else ENTITY_INDEX[name]
        return self.entities[raw]

    def relation(self, raw: bytes) -> int:
        """Index into RELATIONS of a raw relation spelling, or -1."""
        if raw not in self.relations:
            name = canonical_relation(raw.decode("utf-8", "replace"))
            self.relations[raw] = -1 if name is None else RELATION_INDEX[name]
        return self.relations[raw]


def _frame_names(file: Path, ann: h5py.Group, take: TakeInfo) -> tuple[np.ndarray, list[bytes]]:
    """Sorted frame indices and their group names (bytes) under <take>/annotations."""
    pairs: list[tuple[int, bytes]] = []
    for name in ann:
        match = FRAME_NAME.fullmatch(name)
        if match is None:
            raise DataFormatError(
                f"{where(file, ann.name + '/' + name)}: unexpected member {name!r} (expected "
                "frame_<i>, i a decimal frame index without leading zeros, e.g. frame_7)"
            )
        digits = match.group(1)
        idx = int(digits)
        if idx >= take.frames:
            raise DataFormatError(
                f"{where(file, ann.name + '/' + name)}: frame {idx} is beyond the take's "
                f"{take.frames} frames"
            )
        pairs.append((idx, name.encode()))
    pairs.sort()
    return np.array([p[0] for p in pairs], dtype=np.int32), [p[1] for p in pairs]


def _read_rows(file: Path, ann: h5py.Group, names: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """All rows of every frame_i/rel_annotations into one [N, 3] S64 buffer, and rows per frame."""
    gid = ann.id
    mtype = h5py.h5t.py_create(_BUF_DTYPE)
    all_ = h5py.h5s.ALL
    buf = np.empty((max(16, 8 * len(names)), 3), dtype=_BUF_DTYPE)
    counts = np.zeros(len(names), dtype=np.int64)
    off = 0
    name = b""
    try:
        for k, name in enumerate(names):
            try:
                dsid = h5py.h5d.open(gid, name + _REL)
            except KeyError as exc:
                why = _first_line(exc)
                what = "missing" if "doesn't exist" in why else f"cannot be opened ({why})"
                raise DataFormatError(
                    f"{where(file, f'{ann.name}/{name.decode()}/rel_annotations')}: {what} "
                    "(expected an [n, 3] string dataset)"
                ) from None
            except RuntimeError as exc:  # a soft-link loop or a link that cannot be followed
                raise DataFormatError(
                    f"{where(file, f'{ann.name}/{name.decode()}')}: cannot be opened "
                    f"({_first_line(exc)}; expected a group holding rel_annotations)"
                ) from None
            shape = dsid.shape
            if shape is None:  # null dataspace: an empty annotation
                continue
            if len(shape) != 2 or shape[1] != 3:
                raise _bad(file, ann, name, f"has shape {shape}")
            n = shape[0]
            if n == 0:
                continue
            if off + n > buf.shape[0]:
                buf = np.resize(buf, (max(2 * buf.shape[0], off + n), 3))
            tid = dsid.get_type()
            if tid.get_class() != h5py.h5t.STRING:
                raise _bad(file, ann, name, f"has dtype {dsid.dtype}")
            if tid.is_variable_str() or tid.get_size() > WIDTH:
                tmp = np.empty(shape, dtype=dsid.dtype)
                dsid.read(all_, all_, tmp)
                if tmp.dtype.kind == "O":
                    flat = [v.encode() if isinstance(v, str) else bytes(v) for v in tmp.ravel()]
                    tmp = np.array(flat, dtype="S").reshape(shape)
                if tmp.dtype.itemsize > WIDTH:
                    raise _bad(file, ann, name, f"holds a name longer than {WIDTH} bytes")
                buf[off : off + n] = tmp
            else:
                dsid.read(all_, all_, buf[off : off + n], mtype)
            counts[k] = n
            off += n
    except (OSError, RuntimeError, ValueError) as exc:
        path = f"{ann.name}/{name.decode()}/rel_annotations"
        raise DataFormatError(f"{where(file, path)}: cannot be read ({_first_line(exc)})") from None
    return buf[:off], counts


def _first_line(exc: BaseException) -> str:
    """The first line of an HDF5 error, or the exception's type when it has no text."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _bad(file: Path, ann: h5py.Group, name: bytes, what: str) -> DataFormatError:
    """The error for a rel_annotations dataset of the wrong shape or type."""
    path = f"{ann.name}/{name.decode()}/rel_annotations"
    return DataFormatError(
        f"{where(file, path)}: {what} (expected an [n, 3] string dataset of "
        "(subject, predicate, object))"
    )


def read_take_annotations(
    h5: h5py.File, take: TakeInfo, lenient: bool = False, lookup: NameLookup | None = None
) -> TakeAnnotations:
    """Every annotated frame of `take` as canonical indices; unknown names raise unless lenient."""
    file = take.file
    lookup = lookup or NameLookup()
    tgrp = get_node(h5, take.group.lstrip("/"), file, h5py.Group, "a take group")
    ann = get_node(tgrp, "annotations", file, h5py.Group, "a group of frame_<i> groups")
    annotated, names = _frame_names(file, ann, take)
    rows, counts = _read_rows(file, ann, names)
    frame = np.repeat(annotated, counts).astype(np.int32)
    uniq, inv = np.unique(rows, return_inverse=True)
    inv = inv.reshape(-1, 3)
    ent = np.array([lookup.entity(bytes(u)) for u in uniq], dtype=np.int32)
    rel = np.array([lookup.relation(bytes(u)) for u in uniq], dtype=np.int32)
    subj, pred, obj = ent[inv[:, 0]], rel[inv[:, 1]], ent[inv[:, 2]]
    bad = (subj < 0) | (pred < 0) | (obj < 0)
    skipped, unknown = 0, {}
    if bad.any():
        first = int(np.argmax(bad))
        if not lenient:
            raise _unknown_error(take, ann, rows[first], frame[first], subj[first], pred[first])
        skipped, unknown = _count_unknown(rows[bad], subj[bad], pred[bad], obj[bad])
        keep = ~bad
        frame, subj, pred, obj = frame[keep], subj[keep], pred[keep], obj[keep]
    return TakeAnnotations(
        take=take,
        annotated=annotated,
        frame=frame,
        subject=subj,
        relation=pred,
        object=obj,
        skipped=skipped,
        unknown=unknown,
    )


def _unknown_error(
    take: TakeInfo, ann: h5py.Group, row: np.ndarray, frame: int, subj: int, pred: int
) -> UnknownNameError:
    """UnknownNameError naming file, take, frame and the first unknown name of a row."""
    col, kind = (0, "entity") if subj < 0 else ((1, "relation") if pred < 0 else (2, "entity"))
    raw = bytes(row[col]).decode("utf-8", "replace")
    path = f"{ann.name}/frame_{frame}/rel_annotations"
    return UnknownNameError(
        f"{where(take.file, path)}: unknown {kind} name {raw!r} in take {take.key}, "
        f"frame {frame} (no canonical {kind} in core.vocabulary; use --lenient to skip it)"
    )


def _count_unknown(
    rows: np.ndarray, subj: np.ndarray, pred: np.ndarray, obj: np.ndarray
) -> tuple[int, dict[str, int]]:
    """Skipped triplet count, and unknown raw name -> its occurrences in the skipped triplets."""
    unknown: dict[str, int] = {}
    for col, idx in ((0, subj), (1, pred), (2, obj)):
        names, counts = np.unique(rows[idx < 0, col], return_counts=True)
        for n, c in zip(names, counts, strict=True):
            key = bytes(n).decode("utf-8", "replace")
            unknown[key] = unknown.get(key, 0) + int(c)
    return int(rows.shape[0]), unknown
