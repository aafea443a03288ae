"""`orgraph queries` and `orgraph query` against a real loaded store."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from orgraph.cli import main
from orgraph.core.store import GraphStore
from orgraph.queries.catalog import CATALOG, run_query
from tests.support.queries import store_args


def test_queries_lists_every_query_with_params(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queries"]) == 0
    out = capsys.readouterr().out
    for name in CATALOG:
        assert f"{name}  [" in out
    assert "--param n=<int>  (default: 2; one of 2, 3, 4)" in out
    assert "--param take=<str>  (required)" in out
    assert main(["queries", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {q["name"] for q in listed} == set(CATALOG)


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_query_prints_the_catalog_result(
    loaded_store: GraphStore, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    argv = [
        "query",
        "directly_follows",
        "--param",
        "role=head_surgeon",
        "-p",
        "take=MISS/9/1",
        "--format",
        fmt,
        *store_args(loaded_store),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    expected = run_query(
        loaded_store, "directly_follows", {"role": "head_surgeon", "take": "MISS/9/1"}
    )
    if fmt == "json":
        got = pd.DataFrame(json.loads(out))
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    elif fmt == "csv":
        assert out.splitlines()[0] == ",".join(expected.columns)
        assert len(out.splitlines()) == len(expected) + 1
    else:
        assert "holding scalpel" in out and "mean_gap_s" in out


def test_query_limit_cuts_and_says_so(
    loaded_store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "query",
        "activity_timeline",
        "-p",
        "take=MISS/9/1",
        "--format",
        "csv",
        "--limit",
        "2",
        *store_args(loaded_store),
    ]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3
    assert "cut at 2 rows" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "nope"], "no catalog query 'nope'"),
        (["query", "ngrams", "-p", "n=9"], "'n' must be one of 2, 3, 4"),
        (["query", "ngrams", "-p", "n"], "--param expects KEY=VALUE"),
        (["query", "ngrams", "-p", "colour=red"], "has no parameter colour"),
        (["query", "activity_timeline"], "needs parameter take"),
        (["query", "dataset_overview", "--limit", "0"], "must be positive"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    assert main([*argv, "--db", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_row_limit_cuts_the_ordered_result(loaded_store: GraphStore) -> None:
    """The limit applies after `post` orders the rows: the cut is the head of the full result."""
    name, params = "relation_frequencies", {"level": "take"}
    assert CATALOG[name].post is not None
    full = run_query(loaded_store, name, params)
    assert len(full) > 5 and full.attrs["truncated"] is False
    cut = run_query(loaded_store, name, params, row_limit=5)
    assert cut.attrs["truncated"] is True
    pd.testing.assert_frame_equal(cut, full.head(5))
    whole = run_query(loaded_store, name, params, row_limit=len(full))
    assert whole.attrs["truncated"] is False
    pd.testing.assert_frame_equal(whole, full)
