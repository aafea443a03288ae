"""Console size bounds: each is refused with its own one-line message before any engine
sees the text, just under each still passes, all sit far above the catalog, and the
adversarial texts (3,000 and 400 nested brackets, 40,000 `+1`) no longer crash or hang
`orgraph cypher` on either backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgraph.core.store import GraphStore
from orgraph.queries import cypher_limits as limits
from orgraph.queries.catalog import CATALOG
from orgraph.queries.console import run_console
from orgraph.queries.cypher_guard import QueryTooLarge, WriteRefused, check_read_only
from orgraph.queries.cypher_lexer import tokenize
from tests.support.queries import cli, open_loaded


def nested(open_: str, close: str, depth: int) -> str:
    return "RETURN " + open_ * depth + "1" + close * depth + " AS x"


def cases(depth: int) -> str:
    return "RETURN " + "CASE WHEN true THEN " * depth + "1" + " END" * depth + " AS x"


def subqueries(depth: int) -> str:
    inner = "EXISTS { MATCH (t)-->() WHERE " * depth + "true" + " }" * depth
    return f"MATCH (t:Take) WHERE {inner} RETURN count(*) AS x"


def unions(count: int) -> str:
    return " UNION ".join(["RETURN 1 AS x"] * (count + 1))


OVER = [  # (text, words of its message)
    ("RETURN 1 AS x // " + "c" * limits.MAX_TEXT_CHARS, "characters long"),
    ("RETURN [" + ",".join(["1"] * (limits.MAX_TOKENS // 2 + 1)) + "] AS x", "tokens"),
    (nested("(", ")", limits.MAX_DEPTH + 1), "levels of (), [] and {}"),
    (nested("[", "]", limits.MAX_DEPTH + 1), "levels of (), [] and {}"),
    (nested("{a: ", "}", limits.MAX_DEPTH + 1), "levels of (), [] and {}"),
    (cases(limits.MAX_CASE_DEPTH + 1), "CASE expressions"),
    (subqueries(limits.MAX_SUBQUERY_DEPTH + 1), "{ subqueries }"),
    ("RETURN " + "NOT " * (limits.MAX_EXPRESSION_DEPTH + 1) + "true AS x", "operators"),
    ("WITH {a: 1} AS m RETURN m" + ".a" * (limits.MAX_EXPRESSION_DEPTH + 2) + " AS x", "operators"),
    ("RETURN 'a'" + " + 'a'" * (limits.MAX_EXPRESSION_DEPTH + 1) + " AS x", "operators"),
    ("MATCH (n" + ":A" * (limits.MAX_EXPRESSION_DEPTH + 2) + ") RETURN n", "operators"),
    ("RETURN 1" + " STARTS WITH 1" * (limits.MAX_EXPRESSION_DEPTH + 1) + " AS x", "operators"),
    ("WITH [1] AS l RETURN l" + "[0]" * (limits.MAX_EXPRESSION_DEPTH + 1) + " AS x", "operators"),
    (unions(limits.MAX_UNIONS + 1), "UNIONs"),
]
UNDER = [
    "RETURN 1 AS x // " + "c" * (limits.MAX_TEXT_CHARS - 30),
    "RETURN [" + ",".join(["1"] * (limits.MAX_TOKENS // 2 - 4)) + "] AS x",
    nested("(", ")", limits.MAX_DEPTH),
    nested("[", "]", limits.MAX_DEPTH),
    cases(limits.MAX_CASE_DEPTH),
    subqueries(limits.MAX_SUBQUERY_DEPTH),
    "RETURN " + "NOT " * limits.MAX_EXPRESSION_DEPTH + "true AS x",
    unions(limits.MAX_UNIONS),
]


@pytest.mark.parametrize(("text", "words"), OVER, ids=[w for _, w in OVER])
def test_each_bound_refuses_with_its_message(text: str, words: str) -> None:
    with pytest.raises(QueryTooLarge) as err:
        check_read_only(text)
    message = str(err.value)
    assert words in message and "nothing was sent" in message and "\n" not in message


@pytest.mark.parametrize("text", UNDER, ids=range(len(UNDER)))
def test_just_under_each_bound_passes(text: str) -> None:
    check_read_only(text)


def catalog_measures(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The catalog's largest text by each measure the bounds use."""
    seen = {"chars": 0, "tokens": 0, "depth": 0, "expression": 0, "case": 0, "subquery": 0}
    original = limits.Nesting.operator

    def operator(self: limits.Nesting, where: str) -> None:
        original(self, where)
        depth = sum(self.chains) + len(self.chains) - 1
        seen["expression"] = max(seen["expression"], depth)
        seen["case"] = max(seen["case"], self.cases)
        seen["subquery"] = max(seen["subquery"], self.subqueries)

    monkeypatch.setattr(limits.Nesting, "operator", operator)
    for query in CATALOG.values():
        for backend in ("embedded", "neo4j"):
            text = query.text_for(backend)
            check_read_only(text)
            tokens = tokenize(text)
            depth = level = 0
            for tok in tokens:
                level += tok.text in "([{" if tok.kind == "symbol" else 0
                level -= tok.text in ")]}" if tok.kind == "symbol" else 0
                depth = max(depth, level)
            seen["chars"] = max(seen["chars"], len(text))
            seen["tokens"] = max(seen["tokens"], len(tokens))
            seen["depth"] = max(seen["depth"], depth)
    return seen


def test_bounds_sit_far_above_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = catalog_measures(monkeypatch)
    assert seen["chars"] * 5 <= limits.MAX_TEXT_CHARS
    assert seen["tokens"] * 5 <= limits.MAX_TOKENS
    assert seen["depth"] * 5 <= limits.MAX_DEPTH
    # the tightest bound: Neo4j lost its answer at a 200-long property chain
    assert seen["expression"] * 2.5 <= limits.MAX_EXPRESSION_DEPTH
    assert seen["case"] * 4 <= limits.MAX_CASE_DEPTH
    assert seen["subquery"] * 4 <= limits.MAX_SUBQUERY_DEPTH


ADVERSARIAL = [
    (nested("(", ")", 3000), "levels of (), [] and {}"),
    (nested("[", "]", 3000), "levels of (), [] and {}"),
    (nested("(", ")", 400), "levels of (), [] and {}"),
    ("RETURN 1" + "+1" * 40_000 + " AS x", "characters long"),
    ("RETURN 1" + "+1" * 1_000 + " AS x", "operators"),
]
NAMES = ["parens3000", "brackets3000", "parens400", "plus40000", "plus1000"]


@pytest.mark.parametrize(("text", "words"), ADVERSARIAL, ids=NAMES)
def test_adversarial_texts_get_one_line_not_a_crash(
    loaded_store: GraphStore, request: pytest.FixtureRequest, text: str, words: str
) -> None:
    done, _ = cli(loaded_store, request, text, "--timeout", "10")
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])  # not 139, not a hang
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], lines
    after, _ = cli(loaded_store, request, "MATCH (t:Take) RETURN count(t) AS n", "--format", "csv")
    assert after.returncode == 0 and after.stdout.splitlines()[0] == "n"


def test_update_httpfs_is_refused_before_the_engine(
    query_units: list, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Nothing is fetched: the text never reaches a console worker, so no engine sees it."""
    ext = Path.home() / ".lbug" / "extension"
    before = sorted(ext.rglob("*")) if ext.exists() else []
    with open_loaded("embedded", query_units, request, tmp_path) as fresh:
        for text in ("UPDATE httpfs", "INSTALL httpfs", "LOAD EXTENSION httpfs", "FORCE INSTALL x"):
            with pytest.raises(WriteRefused, match="is refused"):
                run_console(fresh, text)
        assert getattr(fresh, "_console_workers", None) is None  # no worker was ever started
    assert (sorted(ext.rglob("*")) if ext.exists() else []) == before
