"""Small HDF5 helpers: opening a file and reaching paths with user-facing errors.

Every failure becomes a DataFormatError naming the file and the HDF5 path, so
no raw h5py/OSError traceback reaches the user.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from orgraph.core.errors import DataFormatError

HDF5_LOCK = threading.RLock()
"""The one serialisation point of HDF5 in the process. Every HDF5 access of loader/ (the
reader, the annotation fast path and the media readers) holds it, and so do the
dashboard's threads, which read only through those (dashboard/media_view.py adds no lock
of its own): one thread at a time, for every file. h5py crashed when two threads of one
process read at once, and the HDF5 library keeps global state (it is not built
thread-safe), so per-thread file handles would not be enough; reads are short
hyperslabs, so waiting is cheap. Re-entrant: a serialised method may call another."""


def serialised(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run `fn` holding HDF5_LOCK (for methods that touch an HDF5 file; not generators)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with HDF5_LOCK:
            return fn(*args, **kwargs)

    return run


def where(file: Path | str, path: str) -> str:
    """The 'file:/hdf5/path' form used in every error message."""
    return f"{file}:{path}"


def open_h5(path: Path) -> h5py.File:
    """Open an HDF5 file read-only; a missing, non-HDF5, truncated or locked file is a
    DataFormatError."""
    if not path.exists():
        raise DataFormatError(f"{path}: file not found (expected an EgoExOR HDF5 file)")
    if path.is_dir():
        raise DataFormatError(f"{path}: is a directory (expected an EgoExOR HDF5 file)")
    try:
        is_h5 = h5py.is_hdf5(str(path))
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot be read ({_short(exc)})") from None
    if not is_h5:
        raise DataFormatError(f"{path}: not an HDF5 file (expected an EgoExOR HDF5 file)")
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        if _is_lock_error(exc):
            raise DataFormatError(
                f"{path}: locked by another process (HDF5 file locking: it is open for "
                "writing elsewhere; read it once that process has closed it)"
            ) from None
        raise DataFormatError(
            f"{path}: HDF5 file is truncated or damaged ({_short(exc)})"
        ) from None


def _is_lock_error(exc: OSError) -> bool:
    """HDF5's own file lock refused the open (another process has the file open to write)."""
    return isinstance(exc, BlockingIOError) or "unable to lock file" in str(exc).lower()


def _short(exc: BaseException) -> str:
    """The first line of an h5py/OSError message, without HDF5's stack noise."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


READ_FAILURES = (OSError, KeyError, RuntimeError, ValueError, TypeError, IndexError, OverflowError)
"""What h5py and numpy raise on damaged or unexpected data (UnicodeDecodeError is a
ValueError); an OrgraphError is none of these, so it passes through unchanged."""


@contextmanager
def h5_errors(file: Path, path: str, doing: str = "reading") -> Iterator[None]:
    """Turn low-level HDF5 failures (damaged data, missing objects) into a DataFormatError."""
    try:
        yield
    except READ_FAILURES as exc:
        raise DataFormatError(f"{where(file, path)}: error while {doing} ({_short(exc)})") from None


def get_node(parent: h5py.Group, name: str, file: Path, kind: type, expected: str) -> Any:
    """parent[name] checked to be a Group or Dataset (`kind`); otherwise a DataFormatError."""
    full = f"{parent.name.rstrip('/')}/{name}"
    try:
        node = parent.get(name)
    except (OSError, KeyError, RuntimeError) as exc:
        raise DataFormatError(f"{where(file, full)}: cannot be opened ({_short(exc)})") from None
    if node is None:
        raise DataFormatError(f"{where(file, full)}: missing (expected {expected})")
    if not isinstance(node, kind):
        raise DataFormatError(
            f"{where(file, full)}: is a {type(node).__name__} (expected {expected})"
        )
    return node


def as_text(value: Any) -> str:
    """An attribute or field value as str, whether HDF5 stored bytes or str (UnicodeDecodeError
    for bytes that are not UTF-8: use text_at where a file and path can be named)."""
    if isinstance(value, bytes | np.bytes_):
        return bytes(value).decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return as_text(value[()])
    return str(value)


def text_at(value: Any, file: Path | str, path: str, what: str) -> str:
    """as_text, or a DataFormatError naming file, path and the bytes when they are not UTF-8."""
    try:
        return as_text(value)
    except UnicodeDecodeError:
        raw = bytes(value[()] if isinstance(value, np.ndarray) else value)
        raise DataFormatError(
            f"{where(file, path)}: {what} {raw[:40]!r} is not UTF-8 text (expected a UTF-8 name)"
        ) from None


def int_at(value: Any, file: Path | str, path: str, what: str) -> int:
    """A whole number stored as an HDF5 integer (or an integral float), or a DataFormatError
    naming file and path: NaN, text, fractions and arrays of several values are refused."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return int(value)
    if isinstance(value, bytes | np.bytes_):
        shown: Any = bytes(value)[:40]
    else:
        shown = value.item() if isinstance(value, np.generic) else value
    raise DataFormatError(f"{where(file, path)}: {what} {shown!r} is not an integer (expected one)")
