"""Split a pattern into tokens, each with its position; an unknown character is an error."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orgraph.queries.patterns.errors import PatternError

KEYWORDS = ("then", "within", "for")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<cmp>>=|<=|>|<)
  | (?P<duration>\d+(?:\.\d+)?(?:[A-Za-z]+)?)
  | (?P<var>\?[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<amp>&)
  | (?P<bang>!)
  | (?P<star>\*)
    """,
    re.VERBOSE,
)

OPERATOR_HELP = "operators are & (and), ! (not), for >= 3s, then ... within 2s"


@dataclass(frozen=True)
class Token:
    """One token: kind ("name", "keyword", "var", "star", "amp", "bang", "cmp", "duration")."""

    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """The tokens of a pattern, or PatternError at the first character that fits none."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _bad_character(text, pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            value = m.group()
            if kind == "name" and value.lower() in KEYWORDS:
                kind, value = "keyword", value.lower()
            tokens.append(Token(kind, value, pos))
        pos = m.end()
    return tokens


def _bad_character(text: str, pos: int) -> PatternError:
    char = text[pos]
    if char == "?":
        return PatternError("a variable is ? followed by a name, e.g. ?x", text, pos)
    if char in "|^~=,;(){}[]\"'`\\/$.-+":
        return PatternError(
            f"{char!r} is not part of the pattern language; {OPERATOR_HELP}", text, pos
        )
    return PatternError(f"unexpected character {char!r}", text, pos)
