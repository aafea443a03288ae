"""The repository's folders are one installed package, `orgraph`, and each module has one name."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import orgraph

PARTS = ("core", "loader", "queries", "gnn", "dashboard")
ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("orgraph.dashboard.views", "orgraph.dashboard.app")
"""Streamlit page scripts: they render when imported, so they are not imported here."""


def test_subpackages_are_the_top_level_folders() -> None:
    for part in PARTS:
        link = ROOT / "orgraph" / part
        assert link.is_symlink(), f"orgraph/{part} should link to ../{part}"
        assert link.resolve() == (ROOT / part).resolve()


def test_every_module_imports_under_orgraph_only() -> None:
    names = []
    for info in pkgutil.walk_packages(orgraph.__path__, "orgraph."):
        if info.name.startswith(SCRIPTS):
            continue
        importlib.import_module(info.name)
        names.append(info.name)
    assert {f"orgraph.{p}" for p in PARTS} <= set(names)
    doubles = sorted(m for m in sys.modules if m.split(".")[0] in PARTS)
    assert not doubles, f"modules imported by a second, top-level name: {doubles[:5]}"


def test_code_never_imports_a_top_level_folder_name() -> None:
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "build") or rel.parts[0].startswith("."):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            words = line.split()
            if (
                len(words) >= 2
                and words[0] in ("import", "from")
                and (words[1].split(".")[0] in PARTS)
            ):
                bad.append(f"{rel}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad[:10])
