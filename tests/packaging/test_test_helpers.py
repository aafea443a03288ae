"""Test helpers shared between test modules live in tests/support/: no test module, bench
script or support module imports another test module or a folder's conftest."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CROSS = re.compile(r"^\s*(?:from|import)\s+tests\.\w+\.(?:conftest|test_\w+)\b", re.M)


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    bad = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for folder in ("tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for match in CROSS.finditer(path.read_text())
    ]
    assert not bad, "import shared helpers from tests/support/ instead:\n" + "\n".join(bad)
