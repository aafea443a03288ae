"""A generated corpus for the console guard (Hypothesis, derandomised so runs repeat):
write and admin texts of both engines, re-spaced with every whitespace, comment and
line-end form, random keyword case and backtick names, behind read prefixes, are all
refused; the read corpus and the catalog, re-spaced the same way, all still pass."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgraph.queries.catalog import CATALOG
from orgraph.queries.cypher_guard import READ_WORDS, REFUSED_WORDS, ConsoleRefused, check_read_only
from orgraph.queries.cypher_lexer import WHITESPACE, tokenize
from tests.support.queries import READS

WRITES = [
    "MATCH (n) SET n.x = 1", "MATCH (n) SET n += {x: 1}", "MATCH (n) SET n:Label",
    "MATCH (n) DETACH DELETE n", "MATCH (n) DELETE n", "MATCH (n) NODETACH DELETE n",
    "MATCH (n) REMOVE n.x", "CREATE (n:Take {key: 'x'})", "MERGE (n:Take {key: 'x'})",
    "MATCH (n) FOREACH (x IN [1] | SET n.a = x)", "INSERT (:Take {key: 'x'})",
    "DROP TABLE Take", "DROP INDEX x IF EXISTS", "CREATE INDEX x FOR (n:Frame) ON (n.idx)",
    "ALTER TABLE Take ADD x STRING", "COPY Take FROM 'x.csv'",
    "COPY (MATCH (n) RETURN n) TO 'o.csv'",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD FROM 'x.csv' RETURN *",
    "LOAD EXTENSION httpfs", "INSTALL httpfs", "FORCE INSTALL httpfs", "UPDATE httpfs",
    "UNINSTALL httpfs", "ATTACH 'x.lbug' AS y (dbtype lbug)", "DETACH y", "USE system",
    "EXPORT DATABASE 'x'", "IMPORT DATABASE 'x'", "CHECKPOINT", "ANALYZE",
    "COMMENT ON TABLE Take IS 'x'", "BEGIN TRANSACTION", "COMMIT", "ROLLBACK",
    "SHOW USERS", "SHOW TRANSACTIONS", "SHOW SETTINGS", "SHOW DATABASES", "SHOW PROCEDURES",
    "SHOW CURRENT USER", "SHOW ROLES", "SHOW SERVERS", "TERMINATE TRANSACTIONS 'x'",
    "GRANT ROLE admin TO x", "DENY READ {*} ON GRAPH * TO x", "REVOKE ROLE admin FROM x",
    "CREATE USER x SET PASSWORD 'y'", "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
    "RENAME USER a TO b", "STOP DATABASE neo4j", "START DATABASE neo4j", "ENABLE SERVER 'x'",
    "DEALLOCATE DATABASES FROM SERVER 'x'", "DRYRUN REALLOCATE DATABASES",
    "MATCH (n) CALL { WITH n RETURN n.a AS a } IN TRANSACTIONS RETURN a",
    "MATCH (n) CALL (n) { SET n.a = 1 }", "CALL { CREATE (n) }",
    "MATCH (n) WHERE EXISTS { MATCH (n) SET n.x = 1 } RETURN n",
    "RETURN COUNT { CREATE (n) } AS c", "CALL dbms.listConfig()", "CALL dbms.components()",
    "CALL dbms.security.createUser('a', 'b', false)", "CALL db.createLabel('X')",
    "CALL apoc.create.node(['X'], {})", "CALL threads=1", "CALL current_setting('x') RETURN *",
    "OPTIONAL CALL db.createProperty('x')", "MATCH (n) FINISH", "EXPLAIN CREATE (n)",
    "PROFILE MATCH (n) SET n.x = 1", "RETURN 1; CREATE (n)", "WITH 1 AS as SET as.x = 1",
    "WITH 1 AS as DELETE as", "MATCH (t) WITH t AS as, 1 AS AS SET t.x = 1",
    "CYPHER runtime=slotted CREATE (n)",
]  # fmt: skip
PREFIXES = [
    "", "MATCH (t:Take) ", "MATCH (t:Take) WITH t AS as ", "OPTIONAL MATCH (t) WITH t, 1 AS x ",
    "UNWIND [1] AS x ", "MATCH (t:Take) RETURN t UNION ", "CALL { RETURN 1 AS y } ",
    "MATCH (t:Take) WHERE t.key = 'a' ", "RETURN 1 AS x // c\n",
]  # fmt: skip
SMUGGLED = [  # a hidden line end or string end that only Neo4j decodes
    "RETURN 1 AS x // \\u000a SET x.a = 1", "RETURN 1 AS x // \\u000d DELETE x",
    "RETURN 'a\\u0027 CREATE (n) //' AS x", "RETURN 1 AS `a\\u0060 SET x.a = 1 //`",
]  # fmt: skip

SEPARATORS = sorted(WHITESPACE) + [
    " ", "\t", "\n", "\r", "\r\n", "/**/", "/* c */", "/* a\nb\r\nc */", "// c\n", "// c\r",
    "// c\r\n", "// SET x\n", "/* DELETE */", " \r\n\t ",
]  # fmt: skip
KEYWORDS = READ_WORDS | REFUSED_WORDS | {"MATCH", "CREATE", "USER", "DATABASE"}


def respace(text: str, rng: random.Random) -> str:
    """The text's tokens with random separators between them and random keyword case."""
    out = [rng.choice(["", " ", "\n", "/* lead */"])]
    tokens = tokenize(text)
    for i, tok in enumerate(tokens):
        piece = tok.text
        after_name = i > 0 and tokens[i - 1].text in ("$", ".", ":")
        if tok.upper in KEYWORDS and not after_name:
            piece = "".join(c.swapcase() if rng.random() < 0.5 else c for c in piece)
        elif tok.kind == "word" and not after_name and rng.random() < 0.2:
            piece = f"`{piece}`"  # a variable in backticks is the same variable
        sep = rng.choice(SEPARATORS) if rng.random() < 0.7 else " "
        if piece.endswith("/") and sep.startswith("/"):
            sep = " " + sep  # `/` then `/*` would make a new `//` comment
        out += [piece, sep]
    return "".join(out)


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


SEEDS = st.integers(0, 2**32 - 1)


@fuzz(2000)
@given(seed=SEEDS, write=st.sampled_from(WRITES), prefix=st.sampled_from(PREFIXES))
def test_no_write_or_admin_text_passes(seed: int, write: str, prefix: str) -> None:
    text = respace(prefix + write, random.Random(seed))
    with pytest.raises(ConsoleRefused):
        check_read_only(text)


@fuzz(300)
@given(seed=SEEDS, smuggled=st.sampled_from(SMUGGLED), prefix=st.sampled_from(PREFIXES))
def test_unicode_escape_smuggling_is_refused(seed: int, smuggled: str, prefix: str) -> None:
    lead = respace(prefix, random.Random(seed)) if prefix.strip() else ""
    with pytest.raises(ConsoleRefused, match=r"\\u escape"):
        check_read_only(lead + smuggled)


READ_TEXTS = [text for text, _ in READS if "\\" not in text] + [
    q.text_for(b) for q in CATALOG.values() for b in ("embedded", "neo4j")
]


@fuzz(800)
@given(seed=SEEDS, text=st.sampled_from(READ_TEXTS))
def test_the_read_corpus_still_passes(seed: int, text: str) -> None:
    expected = check_read_only(text).params
    assert check_read_only(respace(text, random.Random(seed))).params == expected
