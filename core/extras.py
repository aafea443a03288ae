"""Which optional extra each command needs, and the one-line error when it is missing.

The base install reads HDF5, loads and queries; PyTorch, Streamlit and the media packages
come with the `gnn`, `dashboard` and `media` extras. Commands check their extra before
doing anything, so a missing one is a single line naming what to install, not a traceback.
"""

from __future__ import annotations

import importlib.util

from orgraph.core.errors import ConfigError

EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "gnn": ("torch", "torch_geometric"),
    "dashboard": ("streamlit", "plotly", "PIL"),
    "media": ("PIL", "imageio_ffmpeg", "rerun"),
}
"""Top-level import names each extra brings (pyproject's optional-dependencies)."""


class MissingExtra(ConfigError):
    """A command needs an optional extra that is not installed."""


def install_hint(command: str, extra: str) -> str:
    """The one line a user sees, e.g. orgraph train needs the gnn extra: pip install ..."""
    return f"orgraph {command} needs the {extra} extra: pip install 'orgraph[{extra}]'"


def missing_modules(extra: str) -> list[str]:
    """The extra's import names that cannot be found (without importing them)."""
    return [name for name in EXTRA_MODULES[extra] if importlib.util.find_spec(name) is None]


def require_extra(command: str, *extras: str) -> None:
    """Raise MissingExtra for the first of `extras` that is not fully installed."""
    for extra in extras:
        absent = missing_modules(extra)
        if absent:
            raise MissingExtra(f"{install_hint(command, extra)} (missing: {', '.join(absent)})")


def extra_of_module(module: str | None) -> str | None:
    """The extra that brings top-level import `module` (e.g. torch -> gnn), if any."""
    top = (module or "").split(".")[0]
    for extra, names in EXTRA_MODULES.items():
        if top in names:
            return extra
    return None
