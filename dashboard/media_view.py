"""Frame media for the pages: find the HDF5 file and keep it open, with one lock per file.

A Frame node names its file; if that file has moved, the same file name is looked for
in the media directory (sidebar or $ORGRAPH_MEDIA_ROOT). Readers stay open between
reruns (st.cache_resource), so stepping frame by frame reads one frame, not a file.
Every read from Streamlit's threads (pages, the mosaic drawing threads) holds the file's
lock: h5py handles are serialised here rather than opened per thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st

from orgraph.core.errors import OrgraphError
from orgraph.loader.reader import EgoExOR


class MediaMissing(OrgraphError):
    """The HDF5 file a frame points to is not where the graph says, nor in the media root."""


@dataclass
class OpenReader:
    """An open EgoExOR file and a lock: h5py handles are not shared between threads safely."""

    reader: EgoExOR
    lock: threading.Lock = field(default_factory=threading.Lock)


def resolve(recorded: str, root: Path | None) -> Path:
    """The file to open: as recorded, else the same name under the media root."""
    path = Path(recorded)
    if path.is_file():
        return path
    if root is not None and (root / path.name).is_file():
        return root / path.name
    where = f" nor in the media directory {root}" if root is not None else ""
    raise MediaMissing(
        f"the media file {path} named by the graph was not found{where}. If the HDF5 files "
        "have moved, enter their new directory under *Media directory* in the sidebar "
        "(or start the dashboard with ORGRAPH_MEDIA_ROOT=/new/dir)."
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _reader(path: str, mtime: float) -> OpenReader:
    return OpenReader(EgoExOR([path]))


def reader_for(path: Path) -> OpenReader:
    """A cached open reader of one file (reopened when the file changes)."""
    return _reader(str(path), path.stat().st_mtime)


def is_blank(image: np.ndarray) -> bool:
    """An all-zero image means the camera is missing at this frame."""
    return not image.any()
