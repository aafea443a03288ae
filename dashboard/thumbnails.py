"""Small egocentric thumbnails of a moment's first frame, read from HDF5 and cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from orgraph.core.errors import OrgraphError
from orgraph.core.vocabulary import EGO_ROLES
from orgraph.dashboard.media_view import MediaMissing, is_blank, reader_for, resolve

THUMB_WIDTH = 160


@st.cache_data(show_spinner=False, max_entries=512)
def _thumbnail(
    path: str, take: str, frame: int, prefer: tuple[str, ...]
) -> tuple[str, np.ndarray] | None:
    images = reader_for(Path(path)).reader.media(take).rgb(frame)  # serialised by the loader
    assert isinstance(images, dict)
    order = [*prefer, *EGO_ROLES]
    for source in order:
        image = images.get(source)
        if image is not None and not is_blank(image):
            return source, np.ascontiguousarray(image[..., ::-1])  # BGR -> RGB
    return None


def thumbnail(
    recorded_file: str, media_root: Path | None, take: str, frame: int, prefer: tuple[str, ...]
) -> tuple[str, np.ndarray] | str:
    """(source, RGB image) of the first egocentric view with an image, the roles in `prefer`
    first; or a short reason why there is none."""
    try:
        path = resolve(recorded_file, media_root)
    except MediaMissing:
        return "media file not found"
    try:
        found = _thumbnail(str(path), take, int(frame), tuple(r for r in prefer if r in EGO_ROLES))
    except (OrgraphError, OSError, KeyError) as exc:  # a damaged or foreign file: say so
        return f"media could not be read ({exc})"
    return found if found is not None else "no egocentric image at this frame"
