"""The console's read-only filter: each bypass the adversarial test found, the words it
must refuse on both engines, the reads it must keep (catalog, docs, a feature corpus)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orgraph.dashboard.views.console import EXAMPLE
from orgraph.queries.catalog import CATALOG
from orgraph.queries.cypher_guard import (
    READ_PROCEDURES,
    REFUSED_WORDS,
    ConsoleRefused,
    WriteRefused,
    check_read_only,
)
from tests.support.queries import READS

ROOT = Path(__file__).resolve().parents[2]

# (text, the word the refusal must name, line, column)
BYPASSES = [
    ("MATCH (t:Take) RETURN t.key AS k //\rSET t.split = 'x'", "SET", 2, 1),
    ("MATCH (t:Take) RETURN t.key AS k // c\r\nDETACH DELETE t", "DETACH", 2, 1),
    ("MATCH (t:Take) WITH t AS as SET t.split = 'x' RETURN 1", "SET", 1, 29),
    ("MATCH (t:Take) WITH t AS as\nDELETE t", "DELETE", 2, 1),
    ("WITH 1 AS as, 2 AS AS RETURN 1 AS x REMOVE x.y", "REMOVE", 1, 37),
    ("UPDATE httpfs", "UPDATE", 1, 1),
    ("update  httpfs", "UPDATE", 1, 1),
    ("SHOW TRANSACTIONS", "SHOW", 1, 1),
    ("SHOW SETTINGS YIELD name, value RETURN name, value", "SHOW", 1, 1),
    ("SHOW USERS", "SHOW", 1, 1),
    ("show current user", "SHOW", 1, 1),
    ("SHOW DATABASES", "SHOW", 1, 1),
    ("MATCH (n) RETURN n UNION SHOW USERS", "SHOW", 1, 26),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE", 1, 1),
    ("CALL { SHOW TRANSACTIONS } RETURN 1", "SHOW", 1, 8),
    ("MATCH (t:Take) CALL (t) { SET t.split = 'x' } RETURN 1", "SET", 1, 27),
    ("MATCH (t:Take) WHERE EXISTS { MATCH (t) SET t.x = 1 } RETURN 1", "SET", 1, 41),
    ("MATCH (t) CALL { WITH t RETURN t.key AS k } IN TRANSACTIONS RETURN k", "TRANSACTIONS", 1, 48),
    ("MATCH (t) CALL { RETURN 1 AS k } IN 2 CONCURRENT TRANSACTIONS RETURN k", "CONCURRENT", 1, 39),
    ("CALL dbms.listConfig() YIELD name RETURN name", "dbms.listConfig", 1, 6),
    ("CALL dbms.components() YIELD versions RETURN versions", "dbms.components", 1, 6),
    ("CALL current_setting('home_directory') RETURN *", "current_setting", 1, 6),
    ("OPTIONAL CALL dbms.security.createUser('x', 'y', false)", "dbms.security.createUser", 1, 15),
    ("CALL threads = 1", "threads", 1, 6),
    ("INSTALL httpfs", "INSTALL", 1, 1),
    ("FORCE INSTALL httpfs", "FORCE", 1, 1),
    ("UNINSTALL httpfs", "UNINSTALL", 1, 1),
    ("LOAD EXTENSION httpfs", "LOAD", 1, 1),
    ("LOAD FROM '/etc/passwd' RETURN *", "LOAD", 1, 1),
    ("COMMENT ON TABLE Take IS 'x'", "COMMENT", 1, 1),
    ("CHECKPOINT", "CHECKPOINT", 1, 1),
    ("ANALYZE", "ANALYZE", 1, 1),
    ("ATTACH '/tmp/x.lbug' AS x (dbtype lbug)", "ATTACH", 1, 1),
    ("DETACH x", "DETACH", 1, 1),
    ("USE system SHOW USERS", "USE", 1, 1),
    ("EXPORT DATABASE '/tmp/dump'", "EXPORT", 1, 1),
    ("BEGIN TRANSACTION", "BEGIN", 1, 1),
    ("COMMIT", "COMMIT", 1, 1),
    ("ROLLBACK", "ROLLBACK", 1, 1),
    ("MATCH (n) FINISH", "FINISH", 1, 11),
    ("INSERT (:Take {key: 'x'})", "INSERT", 1, 1),
    ("MATCH (n) NODETACH DELETE n", "NODETACH", 1, 11),
    ("DRYRUN REALLOCATE DATABASES", "DRYRUN", 1, 1),
    ("DEALLOCATE DATABASES FROM SERVER 'x'", "DEALLOCATE", 1, 1),
    ("RENAME ROLE a TO b", "RENAME", 1, 1),
    ("ENABLE SERVER 'x'", "ENABLE SERVER", 1, 1),
    ("STOP DATABASE neo4j", "STOP DATABASE", 1, 1),
    ("MATCH (n) WITH n, 1 AS start START DATABASE x", "START DATABASE", 1, 30),
    ("EXPLAIN MATCH (n) RETURN n", "EXPLAIN", 1, 1),
    ("PROFILE MATCH (n) RETURN n", "PROFILE", 1, 1),
    ("CYPHER runtime=slotted MATCH (n) RETURN n", "CYPHER", 1, 1),
    ("RETURN 1 AS x; MATCH (n) DETACH DELETE n", "one statement", 1, 14),
    ("RETURN 1SET", "number runs into", 1, 9),
    ("WITH 1 AS x\n  RETURN x.a\n  MERGE (n:Take)", "MERGE", 3, 3),
]


@pytest.mark.parametrize(("text", "named", "line", "column"), BYPASSES)
def test_refusal_names_word_line_and_column(text: str, named: str, line: int, column: int) -> None:
    with pytest.raises(ConsoleRefused) as err:
        check_read_only(text)
    message = str(err.value)
    assert named in message, message
    assert f"line {line}, column {column}" in message, message
    assert "\n" not in message


def test_write_words_refused_as_write_refused() -> None:
    with pytest.raises(WriteRefused, match="is refused"):
        check_read_only("MATCH (n) DELETE n")
    with pytest.raises(WriteRefused, match="the console accepts MATCH"):
        check_read_only("FROBNICATE (n)")


UNICODE_ESCAPES = [
    "MATCH (t:Take) RETURN t.key AS k // \\u000a SET t.split = 'x'",  # Neo4j reads a newline
    "RETURN 'a\\u0027 MATCH (n) DETACH DELETE n //' AS x",  # Neo4j ends the string there
    "RETURN 1 AS `a\\u0060, 2 AS b",
    "RETURN '\\u00e9' AS x",
    "RETURN 1 AS x /* \\u002a/ SET x.a = 1 */",
]


@pytest.mark.parametrize("text", UNICODE_ESCAPES)
def test_unicode_escapes_refused_everywhere(text: str) -> None:
    with pytest.raises(ConsoleRefused, match=r"\\u escape"):
        check_read_only(text)


@pytest.mark.parametrize(
    "char", ["\u0085", "\u200b", "\ufeff", "\u180e", "\x00", "\x07", "\u2212", "\\", "#", "@"]
)
def test_characters_the_engines_read_differently_are_refused(char: str) -> None:
    with pytest.raises(ConsoleRefused, match="is not accepted outside strings"):
        check_read_only(f"MATCH (n){char}RETURN n")


@pytest.mark.parametrize("word", sorted(REFUSED_WORDS))
def test_every_refused_word_is_refused_as_a_clause_and_as_a_name(word: str) -> None:
    for text in (f"{word} x", f"MATCH (n) {word} n", f"WITH 1 AS {word} RETURN 1 AS x"):
        with pytest.raises(WriteRefused, match=word):
            check_read_only(text)
    # ...but not where it is plainly a name
    names = f"MATCH (n:{word})-[:{word}]->(m) RETURN n.{word} AS `{word}`, {{{word}: 1}} AS m"
    check_read_only(names)


@pytest.mark.parametrize(("text", "params"), READS)
def test_reads_pass_with_their_parameters(text: str, params: set[str]) -> None:
    assert check_read_only(text).params == params


@pytest.mark.parametrize("name", sorted(CATALOG))
@pytest.mark.parametrize("backend", ["embedded", "neo4j"])
def test_every_catalog_query_passes(name: str, backend: str) -> None:
    query = CATALOG[name]
    used = check_read_only(query.text_for(backend)).params
    assert used <= {p.name for p in query.params}


def _doc_cypher() -> list[str]:
    blocks = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        blocks += re.findall(r"```cypher\n(.*?)```", doc.read_text(), re.DOTALL)
    return blocks


def test_docs_and_dashboard_examples_pass() -> None:
    blocks = _doc_cypher()
    assert blocks, "docs/graph-model.md shows Cypher"
    for text in [*blocks, EXAMPLE]:
        check_read_only(text)


def test_read_procedures_reveal_no_settings_or_paths() -> None:
    for name in READ_PROCEDURES:
        assert not re.search(r"setting|config|dbms|connection_string|home|file|user", name), name
