"""The licence check: GPL and AGPL runtime dependencies fail it, LGPL and test tools do not."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_licences.py"
_spec = importlib.util.spec_from_file_location("check_licences", SCRIPT)
assert _spec is not None and _spec.loader is not None
check_licences = importlib.util.module_from_spec(_spec)
sys.modules["check_licences"] = check_licences  # dataclasses look their module up there
_spec.loader.exec_module(check_licences)


@pytest.mark.parametrize(
    ("text", "source", "copyleft"),
    [
        ("AGPL-3.0-or-later", "License-Expression", True),
        ("GPL-2.0-only", "License-Expression", True),
        ("LGPL-3.0-or-later", "License-Expression", False),
        ("GPL-3.0-only OR MIT", "License-Expression", False),
        ("(MIT AND GPL-3.0-only)", "License-Expression", True),
        ("GNU Affero General Public License v3", "classifier", True),
        ("GNU General Public License v3 (GPLv3)", "classifier", True),
        ("GNU Lesser General Public License v3 (LGPLv3)", "classifier", False),
        ("GNU Library or Lesser General Public License (LGPL)", "classifier", False),
        ("GNU General Public License v2 (GPLv2) | MIT License", "classifier", False),
        ("BSD-3-Clause", "License-Expression", False),
        ("GPLv3", "License", True),
        ("LGPL", "License", False),
        ("unknown", "none", False),
    ],
)
def test_strong_copyleft_is_told_from_lgpl(text: str, source: str, copyleft: bool) -> None:
    assert check_licences.is_strong_copyleft(text, source) is copyleft


def test_runtime_closure_leaves_out_the_test_tools() -> None:
    closure = check_licences.runtime_closure("orgraph", {"all"})
    assert {"torch", "streamlit", "rerun-sdk", "h5py", "neo4j"} <= set(closure)
    assert not {"pm4py", "pytest", "ruff", "playwright"} & set(closure)
    base = check_licences.runtime_closure("orgraph", set())
    assert "h5py" in base and "torch" not in base and "streamlit" not in base


def test_the_check_passes_on_orgraph_all_and_fails_on_the_dev_tools() -> None:
    ok = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "ok   h5py " in ok.stdout and "pm4py" not in ok.stdout
    bad = subprocess.run(
        [sys.executable, str(SCRIPT), "--extras", "dev", "--quiet"], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "error: pm4py " in bad.stderr and "AGPL" in bad.stderr
