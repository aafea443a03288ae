"""The console lexer reads line ends, comments, whitespace, strings and names as both
engines do: each fact in queries/cypher_lexer.py's docstring is checked on the real
engine here, so an engine upgrade that reads text differently fails this test."""

from __future__ import annotations

import pytest

from orgraph.core.errors import StoreError
from orgraph.core.store import GraphStore
from orgraph.queries.cypher_lexer import WHITESPACE, tokenize
from orgraph.queries.cypher_limits import ConsoleRefused

SEPARATORS = [
    "\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c",
    "\x1c", "\x1d", "\x1e", "\x1f", "\x00", "\u00a0", "\u3000",
]  # fmt: skip
CANDIDATE_SPACES = sorted(WHITESPACE) + ["\u0085", "\u180e", "\u200b", "\ufeff", "\x00", "\x07"]


def lexer_columns(text: str) -> list[str] | None:
    """The result columns the lexer's tokens imply (the word after each AS), None if refused."""
    try:
        tokens = tokenize(text)
    except ConsoleRefused:
        return None
    return [tokens[i + 1].value for i, t in enumerate(tokens[:-1]) if t.upper == "AS"]


def engine_columns(store: GraphStore, text: str) -> list[str] | None:
    """The columns the engine returns, None if it refuses the text."""
    try:
        return [str(c) for c in store.query(text).columns]
    except StoreError:
        return None


@pytest.mark.parametrize("sep", SEPARATORS, ids=lambda s: f"U+{ord(s[0]):04X}")
def test_line_comment_ends_where_the_engine_ends_it(loaded_store: GraphStore, sep: str) -> None:
    text = f"RETURN 1 AS a //x{sep}, 2 AS b"
    seen = lexer_columns(text)
    assert seen == (["a", "b"] if sep[0] in "\n\r" else ["a"])
    assert engine_columns(loaded_store, text) in (seen, None)  # the same reading, or an error


def test_block_comments_do_not_nest(loaded_store: GraphStore) -> None:
    text = "RETURN 1 AS a /* x /* y */ , 2 AS b"
    assert lexer_columns(text) == engine_columns(loaded_store, text) == ["a", "b"]


@pytest.mark.parametrize("char", CANDIDATE_SPACES, ids=lambda s: f"U+{ord(s):04X}")
def test_whitespace_the_lexer_accepts_is_whitespace_to_the_engine(
    loaded_store: GraphStore, char: str
) -> None:
    text = f"RETURN{char}1 AS a"
    if char in WHITESPACE:
        assert lexer_columns(text) == engine_columns(loaded_store, text) == ["a"]
    else:
        assert lexer_columns(text) is None


@pytest.mark.parametrize(
    ("literal", "value"),
    [("'a\\'b'", "a'b"), ("'a\\\\'", "a\\"), ('"a\\"b"', 'a"b'), ("'a\"b'", 'a"b'),
     ("'a\nb'", "a\nb"), ("'/* not a comment */'", "/* not a comment */")],
)  # fmt: skip
def test_strings_end_where_the_engine_ends_them(
    loaded_store: GraphStore, literal: str, value: str
) -> None:
    text = f"RETURN {literal} AS x, 2 AS y"
    assert lexer_columns(text) == ["x", "y"]
    df = loaded_store.query(text)
    assert list(df.columns) == ["x", "y"] and df["x"].iloc[0] == value


@pytest.mark.parametrize("text", ["RETURN 'a''b' AS x", 'RETURN "a""b" AS x'])
def test_doubled_quotes_are_refused_and_the_engine_refuses_them_too(
    loaded_store: GraphStore, text: str
) -> None:
    assert lexer_columns(text) is None
    assert engine_columns(loaded_store, text) is None


def test_backtick_names(loaded_store: GraphStore) -> None:
    text = "RETURN 1 AS `a``b`, 2 AS `c\\`"
    assert lexer_columns(text) == engine_columns(loaded_store, text) == ["a`b", "c\\"]


def test_neo4j_decodes_unicode_escapes_before_reading(loaded_store: GraphStore) -> None:
    """Why the console refuses \\u anywhere: Neo4j turns it into the character first."""
    text = "RETURN 1 AS a //x \\u000a, 2 AS b"
    assert lexer_columns(text) is None
    expected = ["a", "b"] if loaded_store.backend == "neo4j" else ["a"]
    assert engine_columns(loaded_store, text) == expected


def test_parameter_name_after_space_or_comment(loaded_store: GraphStore) -> None:
    text = "RETURN $ /* c */ x AS x"
    assert [t.text for t in tokenize(text)] == ["RETURN", "$", "x", "AS", "x"]
    if loaded_store.backend == "neo4j":  # LadybugDB refuses the space
        assert loaded_store.query(text, {"x": 5})["x"].iloc[0] == 5


def test_positions_count_every_line_end() -> None:
    tokens = tokenize("MATCH\r\n(n)\rWHERE\nn.x  RETURN n")
    where = {t.text: (t.line, t.column) for t in tokens}
    assert where["MATCH"] == (1, 1) and where["WHERE"] == (3, 1) and where["RETURN"] == (4, 6)
