"""Importing the packages of the optional `media` extra, with a one-line error when missing.

The media commands (media, clip, rerun) need Pillow, imageio-ffmpeg and rerun-sdk; the
rest of ORGraph works without them, so they are imported only when a command runs.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from orgraph.core.errors import ConfigError

MEDIA_EXTRA = "media"


def require(module: str, package: str, feature: str) -> ModuleType:
    """`module` imported, or a ConfigError naming the package and the extra that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            f"{feature} needs {package}, which is not installed: "
            f"pip install 'orgraph[{MEDIA_EXTRA}]' (the optional `{MEDIA_EXTRA}` extra)"
        ) from None


PILLOW = ("PIL.Image", "Pillow")
IMAGEIO_FFMPEG = ("imageio_ffmpeg", "imageio-ffmpeg")
RERUN = ("rerun", "rerun-sdk")


def require_all(feature: str, *needs: tuple[str, str]) -> None:
    """Check up front that every (module, package) a command needs imports, before it
    writes anything."""
    for module, package in needs:
        require(module, package, feature)
