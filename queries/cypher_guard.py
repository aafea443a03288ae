"""Refuse Cypher that would write or administer, before it reaches any database.

The text is tokenised the way Cypher reads it: string literals, `backtick` names
and comments are skipped, so a keyword inside them is harmless, while a keyword
anywhere else is caught whatever its case or spacing. A word right after `.`, `:`,
`$` or `AS` is a property, label, parameter or alias, and a word between `{`/`,`
and `:` is a map key: none of them is a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orgraph.core.errors import OrgraphError


class WriteRefused(OrgraphError):
    """The console only reads: this statement would change or administer the database."""


ALWAYS_REFUSED = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "DROP",
        "LOAD",
        "COPY",
        "FOREACH",
        "ALTER",
        "GRANT",
        "DENY",
        "REVOKE",
        "USE",
        "EXPORT",
        "IMPORT",
        "INSTALL",
        "UNINSTALL",
        "ATTACH",
        "RENAME",
        "TERMINATE",
        "CHECKPOINT",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "DEALLOCATE",
        "REALLOCATE",
        "FINISH",
    }
)
"""Clauses that only exist to write, administer or switch databases."""

REFUSED_BEFORE = {
    "START": ("DATABASE", "SERVER"),
    "STOP": ("DATABASE", "SERVER"),
    "ENABLE": ("SERVER",),
    "DISABLE": ("SERVER",),
}
"""Words refused only when the next word says what they act on (`start` is a fine alias)."""

READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "show_tables",
        "table_info",
        "show_connection",
        "db_version",
        "show_functions",
        "show_indexes",
        "current_setting",
    }
)
"""Procedures the console may CALL (Neo4j and LadybugDB); every other one is refused."""

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One significant token: kind (word, quoted, string, number, symbol) and its text."""

    kind: str
    text: str


def tokenize(text: str) -> list[Token]:
    """Significant tokens of a Cypher text; raises WriteRefused on unterminated quotes."""
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None  # `symbol` matches any character
        kind = m.lastgroup or "symbol"
        if kind == "symbol" and m.group() in "'\"`":
            raise WriteRefused(f"unterminated {m.group()} quote at character {pos}")
        if kind == "symbol" and text.startswith("/*", pos):
            raise WriteRefused(f"unterminated /* comment at character {pos}")
        if kind not in ("space", "line_comment", "block_comment"):
            out.append(Token(kind, m.group()))
        pos = m.end()
    return out


def _procedure_name(tokens: list[Token], start: int) -> str:
    """The dotted name that starts at tokens[start] (words and `quoted` parts)."""
    parts: list[str] = []
    i = start
    while i < len(tokens) and tokens[i].kind in ("word", "quoted"):
        parts.append(tokens[i].text.strip("`"))
        if i + 1 < len(tokens) and tokens[i + 1].text == ".":
            i += 2
        else:
            break
    return ".".join(parts)


def check_read_only(text: str) -> None:
    """Raise WriteRefused naming the first keyword that would write or administer."""
    tokens = tokenize(text)
    if not tokens:
        raise WriteRefused("the query is empty")
    for i, tok in enumerate(tokens):
        if tok.kind == "symbol" and tok.text == ";" and i + 1 < len(tokens):
            raise WriteRefused("one statement at a time: remove the ';' and what follows it")
        if tok.kind != "word":
            continue
        prev = tokens[i - 1] if i else None
        if prev is not None and (
            prev.text in (".", ":", "$") or (prev.kind == "word" and prev.text.upper() == "AS")
        ):
            continue
        word = tok.text.upper()
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.text == ":" and prev is not None and prev.text in "{,":
            continue  # a map key such as {set: 1}
        if word in ALWAYS_REFUSED:
            raise WriteRefused(_refusal(word))
        follow = nxt.text.upper() if nxt is not None and nxt.kind == "word" else ""
        if word in REFUSED_BEFORE and follow.rstrip("S") in REFUSED_BEFORE[word]:
            raise WriteRefused(_refusal(f"{word} {follow}"))
        if word == "IN" and follow in ("TRANSACTIONS", "CONCURRENT"):
            raise WriteRefused(_refusal("CALL { } IN TRANSACTIONS"))
        if word == "CALL" and nxt is not None and nxt.kind in ("word", "quoted"):
            name = _procedure_name(tokens, i + 1)
            if name.lower() not in READ_PROCEDURES:
                raise WriteRefused(
                    f"CALL {name} is refused: the console may call only these read "
                    f"procedures: {', '.join(sorted(READ_PROCEDURES))}"
                )


def _refusal(keyword: str) -> str:
    return (
        f"{keyword} is refused: the Cypher console is read-only "
        "(load data with `orgraph load`; nothing was sent to the database)"
    )
