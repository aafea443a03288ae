"""The console's read-only filter: an allow-list of read clauses over a real tokenizer.

What the console accepts (anything else is refused, naming the word, line and column):

- One statement (a trailing `;` is fine) made of the read clauses MATCH, OPTIONAL
  MATCH, WITH, WHERE, RETURN, UNWIND, ORDER BY, SKIP, OFFSET, LIMIT, UNION [ALL],
  YIELD, `CALL { subquery }` / `CALL (vars) { subquery }`, and `CALL name(...)` of a
  procedure in READ_PROCEDURES only.
- Expressions and patterns: literals, parameters, property access, labels, maps,
  lists, comprehensions, CASE ... END, EXISTS/COUNT/COLLECT { subquery }, and the
  words AS DISTINCT AND OR XOR NOT IN IS NULL TRUE FALSE STARTS ENDS WITH CONTAINS
  WHEN THEN ELSE END ASC DESC ASCENDING DESCENDING ALL ANY SHORTEST PATHS GROUPS
  TYPED NORMALIZED.

How it decides. The scanner knows whether it expects a clause (statement start,
start of a subquery, after UNION), an operand, or has just completed an operand, and
keeps a stack of brackets: pattern or call parentheses, list brackets, map braces,
subquery braces (after CALL, EXISTS, COUNT, COLLECT). A word where a clause is
expected must be a read clause (or `(` at the start of an EXISTS/COUNT pattern); a
word after a completed operand must be one of the words above, and a literal,
parameter or `name` there is refused (two operands in a row are no Cypher); a word
where an operand is expected is a name (variable, function, alias) unless it is in
REFUSED_WORDS. REFUSED_WORDS (every write, administration,
extension and transaction word of Neo4j and LadybugDB) is refused wherever a word
is not plainly a name: names are only property keys after `.`, labels and types
after `:`, parameter names after `$`, `backtick` names and map keys. So
`WITH t AS as SET ...` is refused at SET, `SHOW ...` and `UPDATE ...` at their first
word, `CALL {...} IN TRANSACTIONS` at TRANSACTIONS. EXPLAIN and PROFILE are not
accepted (the console shows rows, not plans). A `;` may only end the text, and
every bracket must close. Sizes are bounded by cypher_limits (characters, tokens,
bracket depth, expression depth, CASE and subquery nesting, UNIONs). The lexer
(cypher_lexer) reads comments, strings and line ends as both engines do, and refuses
\\u escapes and characters the engines could read differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgraph.queries.cypher_lexer import Token, tokenize
from orgraph.queries.cypher_limits import (
    MAX_TOKENS,
    ConsoleRefused,
    Nesting,
    QueryTooLarge,
    check_length,
)

__all__ = ["ConsoleRefused", "QueryTooLarge", "WriteRefused", "check_read_only"]


class WriteRefused(ConsoleRefused):
    """The console only reads: this word would write, administer, or is not a read clause."""


CLAUSE_WORDS = frozenset({"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "CALL"})
"""Words that may start a statement or a subquery."""

_NEW_CHAIN = CLAUSE_WORDS | {"WHERE", "ORDER", "SKIP", "OFFSET", "LIMIT", "UNION", "YIELD"}
_OPERATOR_WORDS = {"AND", "OR", "XOR", "NOT", "IN", "IS", "STARTS", "ENDS", "CONTAINS"}

_TO_OPERAND = {
    "MATCH", "WHERE", "WITH", "RETURN", "UNWIND", "ORDER", "BY", "SKIP", "OFFSET", "LIMIT",
    "YIELD", "AS", "DISTINCT", "AND", "OR", "XOR", "NOT", "IN", "IS", "STARTS", "ENDS",
    "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "ALL", "ANY", "SHORTEST", "PATHS", "GROUPS",
    "TYPED",
}  # fmt: skip
_TO_AFTER = {
    "END", "NULL", "TRUE", "FALSE", "ASC", "DESC", "ASCENDING", "DESCENDING", "NORMALIZED",
}  # fmt: skip
_TO_CLAUSE = {"OPTIONAL", "UNION"}
READ_WORDS = frozenset(_TO_OPERAND | _TO_AFTER | _TO_CLAUSE | {"CALL"})
"""Every keyword the console accepts."""

REFUSED_WORDS = frozenset(
    {
        # writes (both engines)
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP",
        "FOREACH", "INSERT", "ALTER", "RENAME", "COPY", "LOAD", "COMMENT", "FINISH",
        # administration, security and servers (Neo4j)
        "SHOW", "TERMINATE", "GRANT", "DENY", "REVOKE", "USE", "DEALLOCATE", "REALLOCATE",
        "DRYRUN", "SUSPEND", "REACTIVATE",
        # extensions, databases and files (LadybugDB)
        "INSTALL", "UNINSTALL", "UPDATE", "FORCE", "ATTACH", "EXPORT", "IMPORT",
        "CHECKPOINT", "ANALYZE",
        # transaction control (both)
        "BEGIN", "COMMIT", "ROLLBACK", "TRANSACTIONS", "CONCURRENT",
    }
)  # fmt: skip
"""Refused wherever they are not plainly a name (see the module docstring)."""

REFUSED_BEFORE = {
    "START": ("DATABASE", "DATABASES", "SERVER", "SERVERS"),
    "STOP": ("DATABASE", "DATABASES", "SERVER", "SERVERS"),
    "ENABLE": ("SERVER", "SERVERS"),
    "DISABLE": ("SERVER", "SERVERS"),
}
"""Words refused only before these (so `start` stays a fine alias)."""

READ_PROCEDURES = frozenset(
    {
        # Neo4j: the graph's labels, types, keys and schema
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        # LadybugDB: tables, their columns and connections, functions, indexes
        "show_tables",
        "table_info",
        "show_connection",
        "show_functions",
        "show_indexes",
        "db_version",
    }
)
"""Procedures the console may CALL; none reveals server paths, settings or other users."""

ACCEPTS = (
    "the console accepts MATCH, OPTIONAL MATCH, WITH, WHERE, RETURN, UNWIND, ORDER BY, "
    "SKIP, LIMIT, UNION, CALL { subquery } and CALL of read procedures"
)


@dataclass(frozen=True)
class Checked:
    """What the guard learnt from an accepted text: the parameters it uses."""

    params: frozenset[str]


def check_read_only(text: str) -> Checked:
    """Accept a read-only text (returning its parameter names) or raise ConsoleRefused.

    WriteRefused names a refused word; QueryTooLarge a bound; ConsoleRefused itself
    anything the console cannot read safely. Nothing here touches a database.
    """
    check_length(text)
    tokens = tokenize(text, MAX_TOKENS)
    if not tokens:
        raise ConsoleRefused("the query is empty")
    return _Scanner(tokens).run()


def _at(tok: Token) -> str:
    return f"line {tok.line}, column {tok.column}"


@dataclass
class _Bracket:
    kind: str  # "(" "[" "{map" "{sub"
    opened: Token
    call_scope: bool = False


class _Scanner:
    """Walks the tokens once with a state (clause, operand, after) and a bracket stack."""

    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.i = 0
        self.state = "clause"
        self.stack: list[_Bracket] = []
        self.params: set[str] = set()
        self.nesting = Nesting()
        self.next_brace_is_subquery = False
        self.next_paren_is_scope = False

    def tok(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.toks[j] if 0 <= j < len(self.toks) else None

    def is_sym(self, offset: int, chars: str) -> bool:
        tok = self.tok(offset)
        return tok is not None and tok.kind == "symbol" and tok.text in chars.split()

    def run(self) -> Checked:
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok.kind == "symbol":
                self.symbol(tok)
            elif tok.kind == "word":
                self.word(tok)
            else:
                self.literal(tok)
            self.i += 1
        if self.stack:
            opened = self.stack[-1].opened
            raise ConsoleRefused(f"{opened.text} at {_at(opened)} is never closed")
        return Checked(frozenset(self.params))

    # -- words -------------------------------------------------------------
    def word(self, tok: Token) -> None:
        if self.is_map_key():
            return
        word = tok.upper
        refused = self.refused_name(tok)
        if self.state == "clause" and word not in CLAUSE_WORDS and not self.union_all(word):
            raise WriteRefused(refused or self.unexpected(tok, "is not a read clause"))
        if self.state == "after" and word not in READ_WORDS:
            raise WriteRefused(refused or self.unexpected(tok, "is not accepted here"))
        if refused:
            raise WriteRefused(refused)
        self.measure(word, tok)
        if word == "CALL" and self.state != "operand":
            self.call(tok)
        elif word in ("EXISTS", "COUNT", "COLLECT") and self.is_sym(1, "{"):
            self.next_brace_is_subquery = True
            self.state = "operand"
        elif word == "ALL" and self.state == "clause":
            self.state = "clause"  # UNION ALL
        elif word in _TO_CLAUSE:
            self.state = "clause"
        elif word in _TO_OPERAND:
            self.state = "operand"
        else:
            self.state = "after"  # _TO_AFTER, or a variable, function or alias name

    def measure(self, word: str, tok: Token) -> None:
        """Keep the expression, CASE and subquery depths (cypher_limits.Nesting)."""
        prev = self.tok(-1)
        if word == "WITH" and prev is not None and prev.upper in ("STARTS", "ENDS"):
            return  # the second word of one operator, counted at STARTS/ENDS
        if word == "UNION":
            self.nesting.union(_at(tok))
        if word in _NEW_CHAIN:
            self.nesting.separate()
        elif word in _OPERATOR_WORDS:
            self.nesting.operator(_at(tok))
        elif word == "CASE":
            self.nesting.case(_at(tok))
        elif word == "END":
            self.nesting.end()

    def union_all(self, word: str) -> bool:
        prev = self.tok(-1)
        return word == "ALL" and prev is not None and prev.upper == "UNION"

    def refused_name(self, tok: Token) -> str | None:
        """The refusal message when this word is in REFUSED_WORDS (or a REFUSED_BEFORE pair)."""
        word = tok.upper
        follow = self.tok(1)
        if word in REFUSED_BEFORE and follow is not None:
            if follow.upper in REFUSED_BEFORE[word]:
                word = f"{word} {follow.upper}"
            else:
                return None
        elif word not in REFUSED_WORDS:
            return None
        return (
            f"{word} is refused ({_at(tok)}): the console only reads, and runs no write, "
            f"administration, extension or transaction command; {ACCEPTS}. A name spelt "
            "like this word goes in `backticks`. Nothing was sent to the database."
        )

    def unexpected(self, tok: Token, why: str) -> str:
        return f"{tok.text} ({_at(tok)}) {why}: {ACCEPTS}. Nothing was sent to the database."

    def is_map_key(self) -> bool:
        """A word or name right after `{` or `,` of a map and before `:` is a key."""
        return (
            bool(self.stack)
            and self.stack[-1].kind == "{map"
            and self.is_sym(-1, "{ ,")
            and self.is_sym(1, ":")
        )

    def call(self, tok: Token) -> None:
        """CALL { ... }, CALL (x) { ... }, or CALL of a listed read procedure."""
        nxt = self.tok(1)
        if self.is_sym(1, "{"):
            self.next_brace_is_subquery = True
            self.state = "operand"
            return
        if self.is_sym(1, "("):
            self.next_paren_is_scope = True
            self.state = "operand"
            return
        if nxt is None or nxt.kind not in ("word", "name"):
            raise WriteRefused(self.unexpected(tok, "must be followed by a procedure or {"))
        parts = [nxt.value]
        self.i += 1
        while self.is_sym(1, ".") and (part := self.tok(2)) and part.kind in ("word", "name"):
            parts.append(part.value)
            self.i += 2
        name = ".".join(parts)
        if name.lower() not in READ_PROCEDURES:
            allowed = ", ".join(sorted(READ_PROCEDURES))
            raise WriteRefused(
                f"CALL {name} is refused ({_at(nxt)}): the console may call only these read "
                f"procedures: {allowed} (nothing was sent to the database)"
            )
        self.state = "after"

    # -- literals and symbols ---------------------------------------------
    def literal(self, tok: Token) -> None:
        if self.is_map_key() and tok.kind == "name":
            return
        if self.state == "clause":
            raise WriteRefused(self.unexpected(tok, "is not a read clause"))
        if self.state == "after":  # two operands in a row are no Cypher on either engine
            raise WriteRefused(self.unexpected(tok, "is not accepted after an operand"))
        self.state = "after"

    def symbol(self, tok: Token) -> None:
        text = tok.text
        if text == ";":
            if self.i != len(self.toks) - 1 or self.stack:
                raise ConsoleRefused(
                    f"one statement at a time: remove the ';' at {_at(tok)} and what follows it"
                )
            return
        if text in "([{":
            self.open(tok)
            return
        if text in ")]}":
            self.close(tok)
            return
        if self.state == "clause":
            raise WriteRefused(self.unexpected(tok, "is not a read clause"))
        if text == ",":
            self.nesting.separate()
        elif text != "$" and (text not in ".:" or self.is_sym(-2, ". :")):
            self.nesting.operator(_at(tok))  # `a.b` is a leaf, `a.b.c` and `n:A:B` chain
        if text == "." and self.names_follow(tok):
            self.i += 1
            self.state = "after"
        elif text == ":":
            self.colon()
        elif text == "$":
            self.parameter(tok)
        else:  # `*` too: multiplication, or `RETURN *`, `count(*)`, `[*1..3]`
            self.state = "operand"

    def names_follow(self, tok: Token) -> bool:
        """`.` then a word is a property key after an operand or in a map projection."""
        nxt, prev = self.tok(1), self.tok(-1)
        if nxt is None or nxt.kind not in ("word", "name") or prev is None:
            return False
        if prev.kind in ("word", "name") or (prev.kind == "symbol" and prev.text in ")]}"):
            return True
        in_map = bool(self.stack) and self.stack[-1].kind == "{map"
        return in_map and prev.kind == "symbol" and prev.text in "{,"

    def colon(self) -> None:
        """A map key's `:` expects a value; any other `:` is followed by a label or type."""
        before = self.tok(-2)
        in_map = bool(self.stack) and self.stack[-1].kind == "{map"
        if in_map and before is not None and before.kind == "symbol" and before.text in "{,":
            self.state = "operand"
            return
        nxt = self.tok(1)
        if nxt is not None and nxt.kind in ("word", "name"):
            self.i += 1
            self.state = "after"
        else:
            self.state = "operand"

    def parameter(self, tok: Token) -> None:
        if self.state == "after":
            raise WriteRefused(self.unexpected(tok, "is not accepted after an operand"))
        nxt = self.tok(1)
        if (
            nxt is None
            or nxt.kind not in ("word", "name", "number")
            or (nxt.kind == "number" and not nxt.text.isdigit())
        ):
            raise ConsoleRefused(f"$ at {_at(tok)} must be followed by a parameter name")
        self.params.add(nxt.value)
        self.i += 1
        self.state = "after"

    def open(self, tok: Token) -> None:
        subquery_start = self.is_sym(-1, "{") and bool(self.stack) and self.stack[-1].kind == "{sub"
        if self.state == "clause" and not (tok.text == "(" and subquery_start):
            raise WriteRefused(self.unexpected(tok, "is not a read clause"))
        sub = tok.text == "{" and self.next_brace_is_subquery
        if self.state == "after" and tok.text in "[{":
            self.nesting.operator(_at(tok))  # `l[0][0]...` and `m{.a}{.b}` chain too
        self.nesting.open(sub, _at(tok))
        if tok.text == "{":
            self.stack.append(_Bracket("{sub" if sub else "{map", tok))
            self.state = "clause" if sub else "operand"
            self.next_brace_is_subquery = False
            return
        self.stack.append(_Bracket(tok.text, tok, call_scope=self.next_paren_is_scope))
        self.next_paren_is_scope = False
        self.state = "operand"

    def close(self, tok: Token) -> None:
        want = {")": "(", "]": "[", "}": "{"}[tok.text]
        if not self.stack or self.stack[-1].kind[0] != want:
            raise ConsoleRefused(f"{tok.text} at {_at(tok)} closes nothing that is open")
        bracket = self.stack.pop()
        self.nesting.close(bracket.kind == "{sub")
        self.state = "after"
        if bracket.call_scope:
            if not self.is_sym(1, "{"):
                raise WriteRefused(self.unexpected(tok, "must be followed by { subquery }"))
            self.next_brace_is_subquery = True
