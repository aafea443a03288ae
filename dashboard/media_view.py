"""Frame media for the pages: find the HDF5 file and keep it open.

A Frame node names its file; if that file has moved, the same file name is looked for
in the media directory (sidebar or $ORGRAPH_MEDIA_ROOT). Readers stay open between
reruns (st.cache_resource), so stepping frame by frame reads one frame, not a file.
Reads from Streamlit's threads (pages, the mosaic drawing threads) are serialised by
the loader itself (loader.h5_util.HDF5_LOCK, where the reason is written); this module
adds no lock of its own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from orgraph.core.errors import OrgraphError
from orgraph.loader.h5_util import HDF5_LOCK
from orgraph.loader.reader import EgoExOR


class MediaMissing(OrgraphError):
    """The HDF5 file a frame points to is not where the graph says, nor in the media root."""


@dataclass
class OpenReader:
    """An open EgoExOR file, shared by every thread (its reads serialise themselves)."""

    reader: EgoExOR

    @property
    def lock(self) -> AbstractContextManager[bool]:
        """The loader's process-wide HDF5 lock itself, not a second one: every read of
        `reader` already holds it, so holding it here only makes several reads one step."""
        return HDF5_LOCK


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
