"""summarize() and `orgraph inspect` on fixture files; counts checked against the fixture spec."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from orgraph.core.vocabulary import canonical_entity, canonical_relation
from orgraph.loader.inspect import format_summary, summarize
from orgraph.loader.reader import EgoExOR
from tests.loader.h5_fixtures import standard_takes, write_egoexor, write_splits

REPO = Path(__file__).resolve().parents[2]
TOP_KEYS = [
    "takes",
    "frames",
    "annotated_frames",
    "triplets",
    "relations",
    "subjects",
    "objects",
    "splits",
]
TAKE_KEYS = [
    "surgery_type",
    "procedure_id",
    "take_id",
    "frames",
    "annotated_frames",
    "triplets",
    "split",
]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orgraph.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_summary_keys_and_counts_match_the_fixture(tmp_path: Path) -> None:
    takes = standard_takes()
    path = write_egoexor(tmp_path / "e.h5", takes)
    with EgoExOR([path]) as r:
        s = summarize(r)
    assert list(s) == TOP_KEYS
    assert all(list(t) == TAKE_KEYS for t in s["takes"])
    rows = [tr for t in takes for rows in t.annotations.values() for tr in rows]
    assert s["triplets"] == len(rows) == 10  # the duplicate in MISS/1/2 frame 5 counts
    assert s["frames"] == sum(t.frames for t in takes)
    assert s["annotated_frames"] == sum(len(t.annotations) for t in takes)  # empty frame counts
    subjects = Counter(canonical_entity(r[0]) for r in rows)
    assert s["subjects"] == dict(sorted(subjects.items()))
    assert s["objects"] == dict(sorted(Counter(canonical_entity(r[2]) for r in rows).items()))
    assert s["relations"] == dict(sorted(Counter(canonical_relation(r[1]) for r in rows).items()))
    assert s["relations"]["looking"] == 2  # 'checking' and 'looking' merge
    assert s["splits"] == {"train": 6, "validation": 4, "test": 5}
    miss12 = next(t for t in s["takes"] if t["take_id"] == 2)
    assert miss12 == {
        "surgery_type": "MISS",
        "procedure_id": 1,
        "take_id": 2,
        "frames": 6,
        "annotated_frames": 4,
        "triplets": 7,
        "split": "train",
    }
    table = format_summary(s)
    assert "Ultrasound" in table and "lyingon 1" in table and "train 6" in table


def test_unassigned_split_is_reported(tmp_path: Path) -> None:
    path = write_egoexor(tmp_path / "e.h5", standard_takes(), splits=False)
    with EgoExOR([path]) as r:
        s = summarize(r)
    assert s["splits"] == {"train": 0, "validation": 0, "test": 0, "unassigned": 15}
    assert all(t["split"] is None for t in s["takes"])


def test_cli_json_equals_summary_for_per_procedure_files(tmp_path: Path) -> None:
    takes = standard_takes()
    merged = write_egoexor(tmp_path / "merged.h5", takes)
    miss = write_egoexor(tmp_path / "miss_1.h5", takes[:2], splits=False)
    us = write_egoexor(tmp_path / "us_3.h5", takes[2:], splits=False)
    splits = write_splits(tmp_path / "splits.h5", takes)
    proc = _cli("inspect", str(miss), str(us), "--splits", str(splits), "--json")
    assert proc.returncode == 0, proc.stderr
    with EgoExOR([merged]) as r:
        assert json.loads(proc.stdout) == summarize(r)
    text = _cli("inspect", str(merged))
    assert text.returncode == 0 and "MISS" in text.stdout and "total" in text.stdout


def test_cli_lenient_warns_with_totals(tmp_path: Path) -> None:
    takes = standard_takes()
    takes[0].annotations[0] = [("robot", "holding", "scalpel")]
    path = write_egoexor(tmp_path / "u.h5", takes)
    strict = _cli("inspect", str(path))
    assert strict.returncode == 1 and "'robot'" in strict.stderr
    assert "Traceback" not in strict.stderr
    lenient = _cli("inspect", str(path), "--lenient", "--json")
    assert lenient.returncode == 0
    assert json.loads(lenient.stdout)["triplets"] == 10 - 3  # frame 0 had 3, now 1 skipped
    assert "skipped 1 triplets" in lenient.stderr and "'robot' x1" in lenient.stderr


def test_cli_help() -> None:
    proc = _cli("inspect", "--help")
    assert proc.returncode == 0
    for flag in ("--splits", "--json", "--lenient", "H5"):
        assert flag in proc.stdout
