"""Finding the HDF5 file a graph's media pointer names, also after the files have moved."""

from __future__ import annotations

from pathlib import Path

from orgraph.core.errors import DataFormatError
from orgraph.core.settings import load_settings

MEDIA_ROOT_ENV = "ORGRAPH_MEDIA_ROOT"


def media_root(given: Path | str | None) -> Path | None:
    """The media directory: the one given, else the settings' (ORGRAPH_MEDIA_ROOT), else none."""
    if given in (None, ""):
        return load_settings().media_root
    return Path(given).expanduser()  # type: ignore[arg-type]


def locate(recorded: str, root: Path | None) -> Path:
    """The file to open: as recorded (absolute since `orgraph load` resolves paths), else the
    file of the same name in the media directory; DataFormatError saying how to fix it."""
    path = Path(recorded)
    if path.is_file():
        return path
    if root is not None and (root / path.name).is_file():
        return root / path.name
    where = f" nor in the media directory {root}" if root is not None else ""
    raise DataFormatError(
        f"the media file {path} named by the graph was not found{where}; if the HDF5 files "
        f"have moved, give their new directory with --media-root DIR (or {MEDIA_ROOT_ENV})"
    )
