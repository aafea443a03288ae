"""Size bounds on console Cypher, checked before any engine sees the text.

Both engines parse recursively, and some texts crash or hang them before any query
timeout applies (timeouts start after parsing, and LadybugDB's is checked late).
Measured on this project's 2-core machine (LadybugDB 0.22 embedded, Neo4j 5.26.30
community, heap 4 GB), seconds from sending `RETURN <expression> AS x` to the answer;
"no answer" means Neo4j's parser threw StackOverflowError and the reply was lost,
so the client waits forever:

- `((...(1)...))` nested 30 / 100 / 400 / 1,000 / 2,000 deep: LadybugDB 0.08 / 0.16 /
  1.0 / 2.9 / 8.1 s, **segfault** at 3,000; Neo4j 0.03 s up to 285, **no answer** from 300
  on a fresh server (once its JIT had warmed up, 400 passed and 3,000 still failed).
- `[[...[1]...]]` 50 / 100 / 300 / 500 deep: LadybugDB 0.15 / 0.4 / 8.8 / 42 s,
  **segfault** at 1,000; Neo4j 0.11 s at 50, 0.26 s at 200, **no answer** at 300.
- `{a: {a: ... 1}}` 50 / 200 deep: LadybugDB 0.17 / 6.2 s, **segfault** at 1,000;
  Neo4j 0.09 / 0.22 s, **no answer** at 300.
- CASE nested 10 / 15 / 20 / 30 deep: LadybugDB 0.07 / 0.35 / 1.3 / **>90 s** (the
  engine's timeout does not stop it); Neo4j 0.05 s at 30, **no answer** at 300.
- EXISTS { } nested 6 / 12 / 16 / 24 deep: Neo4j 0.19 / 0.54 / 2.4 s / **no answer**;
  LadybugDB 0.16 s at 24.
- Chains without brackets, 300 / 500 / 700 long: `m.a.a...` Neo4j 0.4 s / **no
  answer**; `NOT NOT ...` 0.1 / 0.4 s / **no answer**; `'a' + 'a' + ...` 1.4 / 1.1 s /
  **no answer**. The same server an hour later (its JIT in another state): `m.a.a...`
  0.16 s at 180 and **no answer** at 200; `'a' + 'a'...` 0.27 s at 200, **no answer**
  at 250. `1+1+...` with 1,000 / 5,000 / 10,000 terms: LadybugDB 0.08 / 1.6 s /
  **segfault**, Neo4j 0.46 / 3.9 / 10.3 s.
- `RETURN 1 AS x UNION ...` with 100 / 400 / 700 branches: Neo4j 0.4 / 2.1 / 10.4 s of
  planning that its transaction timeout does not stop; LadybugDB 0.03 s.
- 80 groups of 23-deep brackets in one list (3,853 tokens): 0.38 s on both.

The catalog's largest query (tests/queries/test_console_limits.py measures it) has
1,844 characters, 539 tokens, brackets 4 deep, an expression 23 deep, one CASE and
one subquery level, one UNION. Each limit below sits well above that and well below
the first figure that hurts either engine (the closest: Neo4j's 200-long property
chain, 3x the expression bound). What runs long after parsing is the query
timeout's job (core.store.deadline), not these bounds'. bench/console_limits.py
measures these figures again.
"""

from __future__ import annotations

from orgraph.core.errors import OrgraphError

MAX_TEXT_CHARS = 20_000
"""Longest console text, in characters."""

MAX_TOKENS = 4_000
"""Most significant tokens (words, names, numbers, strings, symbols; comments not counted)."""

MAX_DEPTH = 24
"""Deepest nesting of (), [] and {} together."""

MAX_EXPRESSION_DEPTH = 64
"""Deepest expression: operators chained without brackets, summed over the open brackets."""

MAX_CASE_DEPTH = 8
"""Deepest nesting of CASE ... END."""

MAX_SUBQUERY_DEPTH = 6
"""Deepest nesting of { subqueries } (CALL, EXISTS, COUNT, COLLECT)."""

MAX_UNIONS = 100
"""Most UNIONs in one text."""


class ConsoleRefused(OrgraphError):
    """The console did not run this text; the message says what and where."""


class QueryTooLarge(ConsoleRefused):
    """The text is longer, deeper or has more tokens than the console accepts."""


def check_length(text: str) -> None:
    """Refuse a text longer than MAX_TEXT_CHARS, before reading it."""
    if len(text) > MAX_TEXT_CHARS:
        raise QueryTooLarge(
            f"the query is {len(text):,} characters long; the console accepts at most "
            f"{MAX_TEXT_CHARS:,} (nothing was sent to the database)"
        )


def too_many_tokens(limit: int, where: str) -> QueryTooLarge:
    """The error for a text with more than `limit` tokens."""
    return QueryTooLarge(
        f"the query has more than {limit:,} tokens (reached at {where}); the console "
        "accepts at most that many (nothing was sent to the database)"
    )


def too_deep(limit: int, where: str, what: str = "levels of (), [] and {}") -> QueryTooLarge:
    """The error for nesting deeper than `limit`."""
    return QueryTooLarge(
        f"the query nests more than {limit} {what} at {where}; the console accepts at "
        f"most {limit} (nothing was sent to the database)"
    )


class Nesting:
    """The depths the lexer cannot see: operator chains, CASE and subqueries.

    An operator chain (`a + b + ...`, `NOT NOT ...`, `m.a.a...`, `n:A:A...`) is one
    level of the engine's expression tree per operator; a `,` or a clause word starts
    a new chain. The guard calls these as it walks the tokens.
    """

    def __init__(self) -> None:
        self.chains = [0]
        self.cases = 0
        self.subqueries = 0
        self.unions = 0

    def open(self, subquery: bool, where: str) -> None:
        self.chains.append(0)
        if subquery:
            self.subqueries += 1
            if self.subqueries > MAX_SUBQUERY_DEPTH:
                raise too_deep(MAX_SUBQUERY_DEPTH, where, "{ subqueries }")

    def close(self, subquery: bool) -> None:
        if len(self.chains) > 1:
            self.chains.pop()
        if subquery:
            self.subqueries -= 1

    def separate(self) -> None:
        self.chains[-1] = 0

    def operator(self, where: str) -> None:
        self.chains[-1] += 1
        if sum(self.chains) + len(self.chains) - 1 > MAX_EXPRESSION_DEPTH:
            raise too_deep(MAX_EXPRESSION_DEPTH, where, "operators in one expression")

    def case(self, where: str) -> None:
        self.cases += 1
        if self.cases > MAX_CASE_DEPTH:
            raise too_deep(MAX_CASE_DEPTH, where, "CASE expressions")

    def end(self) -> None:
        self.cases = max(0, self.cases - 1)

    def union(self, where: str) -> None:
        self.unions += 1
        if self.unions > MAX_UNIONS:
            raise QueryTooLarge(
                f"the query has more than {MAX_UNIONS} UNIONs (at {where}); the console "
                f"accepts at most {MAX_UNIONS} (nothing was sent to the database)"
            )
