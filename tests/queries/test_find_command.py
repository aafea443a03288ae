"""`orgraph find` and the moment-set file, against a real loaded store (both backends)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from orgraph.cli import main
from orgraph.core.errors import DataFormatError
from orgraph.core.store import GraphStore
from orgraph.queries import moments as moment_files
from orgraph.queries.patterns import Filters, find
from tests.support.queries import store_args

HANDOVER = "?a holding ?x then ?b holding ?x within 2s"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_has_the_documented_keys(loaded_store: GraphStore, capsys) -> None:
    code, out, err = run(["find", HANDOVER, "--format", "json", *store_args(loaded_store)], capsys)
    assert code == 0
    payload = json.loads(out)  # stdout holds JSON only
    assert {"pattern", "count", "cypher", "moments"} <= set(payload)
    expected = find(loaded_store, HANDOVER)
    assert payload["count"] == expected.total == len(payload["moments"]) > 0
    assert "MATCH (i:Interaction)" in payload["cypher"] and "holding" not in payload["cypher"]
    for m, row in zip(payload["moments"], expected.moments.to_dict("records"), strict=True):
        keys = {"take", "start_frame", "end_frame", "frames", "start_time", "end_time", "bindings"}
        assert keys <= set(m)
        assert set(m["bindings"]) == {"a", "b", "x"}
        assert (m["take"], m["start_frame"], m["end_frame"]) == (
            row["take"],
            row["start_frame"],
            row["end_frame"],
        )
        assert m["end_time"] == pytest.approx((m["end_frame"] + 1) / 15)
    assert f"{payload['count']} moments" in err


def test_table_csv_filters_limit_and_cypher(loaded_store: GraphStore, capsys) -> None:
    args = store_args(loaded_store)
    code, out, err = run(["find", "?a holding ?x", "--take", "MISS/9/1", *args], capsys)
    assert code == 0
    assert "?a" in out.splitlines()[0] and "head_surgeon" in out and "curette" in out
    code, out, err = run(
        ["find", "* holding *", "--format", "csv", "--limit", "2", "--show-cypher", *args], capsys
    )
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns[:4]) == ["take", "start_frame", "end_frame", "frames"]
    assert len(df) == 2
    assert "MATCH (i:Interaction)" in err and '"relation": "holding"' in err
    assert "(showing 2)" in err
    code, out, err = run(
        [
            "find",
            "head_surgeon holding *",
            "--surgery-type",
            "ultrasound",
            "--split",
            "test",
            "--format",
            "json",
            *args,
        ],
        capsys,
    )
    payload = json.loads(out)
    assert code == 0 and payload["filters"]["surgery_type"] == "Ultrasound"
    expected = find(loaded_store, "head_surgeon holding *", Filters((), "Ultrasound", "test"))
    assert payload["count"] == expected.total


@pytest.mark.parametrize(
    "argv, message",
    [
        (["find", "head_surgeon holding scalpell"], "did you mean scalpel?"),
        (["find", "!* holding *"], "a negation alone matches nothing"),
        (["find", "* * *", "--take", "MISS/9/9"], "unknown take 'MISS/9/9'"),
        (["find", "* * *", "--split", "training"], "unknown split 'training'"),
        (["find", "* * *", "--surgery-type", "spine"], "unknown surgery type 'spine'"),
        (["find", "* * *", "--gap-tolerance", "-1"], "--gap-tolerance must be 0 or more"),
    ],
)
def test_errors_are_one_clear_message(
    loaded_store: GraphStore, capsys, argv: list[str], message: str
) -> None:
    code, out, err = run([*argv, *store_args(loaded_store)], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err.splitlines()[0]
    assert "Traceback" not in err


def test_no_match_is_not_an_error(loaded_store: GraphStore, capsys) -> None:
    code, out, err = run(
        ["find", "circulator cutting patient", "--format", "json", *store_args(loaded_store)],
        capsys,
    )
    assert code == 0 and json.loads(out)["count"] == 0 and json.loads(out)["moments"] == []


def test_save_writes_a_moment_set_that_loads_back(
    loaded_store: GraphStore, capsys, tmp_path: Path
) -> None:
    path = tmp_path / "handovers.json"
    code, _, err = run(["find", HANDOVER, "--save", str(path), *store_args(loaded_store)], capsys)
    assert code == 0 and "saved" in err
    loaded = moment_files.load(path)
    expected = find(loaded_store, HANDOVER)
    assert loaded.pattern == HANDOVER and len(loaded.moments) == expected.total
    assert loaded.moments == moment_files.records(expected.moments)
    raw = json.loads(path.read_text())
    assert raw["format"] == "orgraph-moments" and raw["version"] == 1
    assert raw["count"] == expected.total
    ranges = loaded.ranges()
    for take, spans in ranges.items():
        assert all(a <= b for a, b in spans)
        assert all(spans[i][1] + 1 < spans[i + 1][0] for i in range(len(spans) - 1))
        assert take in set(expected.moments["take"])


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not a moment-set JSON file"),
        ('{"format": "other"}', "not a moment set"),
        ('{"format": "orgraph-moments", "version": 9, "moments": []}', "version 9"),
        ('{"format": "orgraph-moments", "version": 1, "moments": {}}', "must be a list"),
        (
            '{"format": "orgraph-moments", "version": 1, "moments": [{"take": "T"}]}',
            "moment 0 has no 'start_frame'",
        ),
        (
            '{"format": "orgraph-moments", "version": 1, "moments": '
            '[{"take": "T", "start_frame": 5, "end_frame": 2}]}',
            "starts after it ends",
        ),
        (
            '{"format": "orgraph-moments", "version": 1, "moments": '
            '[{"take": "T", "start_frame": "5", "end_frame": 7}]}',
            "not a frame index",
        ),
    ],
)
def test_bad_moment_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(DataFormatError, match=message) as info:
        moment_files.load(path)
    assert str(path) in str(info.value)
    with pytest.raises(DataFormatError, match="no such moment-set file"):
        moment_files.load(tmp_path / "missing.json")
