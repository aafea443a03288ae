"""Parse a pattern into queries.patterns.syntax, checking every name and rule on the way.

Grammar (keywords are case-insensitive; names are canonical or raw file spellings):

    pattern  := step ("then" step "within" DURATION)*
    step     := term ("&" term)* ["for" (">=" | ">" | "<=" | "<") DURATION]
    term     := ["!"] entity relation entity
    entity   := NAME | "*" | "?" NAME
    relation := NAME | "*"
    DURATION := NUMBER ("s" | "f")          seconds or frames, e.g. 3s, 2.5s, 45f
"""

from __future__ import annotations

from orgraph.queries.patterns import names
from orgraph.queries.patterns.errors import PatternError
from orgraph.queries.patterns.lexer import OPERATOR_HELP, Token, tokenize
from orgraph.queries.patterns.syntax import Duration, Length, Pattern, Slot, Step, Term

EXAMPLE = "head_surgeon holding scalpel & assistant looking microscope_screen for >= 2s"
UNITS = {"s": "s", "sec": "s", "secs": "s", "seconds": "s", "f": "f", "frames": "f"}


class _Parser:
    """Recursive descent over the token list, with errors that point into the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def error(self, message: str, token: Token | None = None, hints: list[str] | None = None):
        """A PatternError at a token (or at the end of the text when there is none)."""
        if token is None:
            return PatternError(message, self.text, len(self.text.rstrip()), 1, hints)
        return PatternError(message, self.text, token.pos, len(token.text), hints)

    def peek(self) -> Token | None:
        """The next token, not consumed."""
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token | None:
        """The next token, consumed."""
        tok = self.peek()
        self.i += tok is not None
        return tok

    def at_keyword(self, word: str) -> bool:
        """Whether the next token is this keyword."""
        tok = self.peek()
        return tok is not None and tok.kind == "keyword" and tok.text == word

    def pattern(self) -> Pattern:
        """pattern := step (then step within DURATION)*"""
        if not self.tokens:
            raise PatternError(f"the pattern is empty; try e.g. {EXAMPLE!r}", self.text, 0)
        steps = [self.step()]
        windows: list[Duration] = []
        while self.at_keyword("then"):
            self.take()
            steps.append(self.step())
            if not self.at_keyword("within"):
                raise self.error(
                    "`then` needs a time window: write `A then B within 2s`", self.peek()
                )
            self.take()
            windows.append(self.duration("within"))
        tok = self.peek()
        if tok is not None:
            raise self.unexpected(tok)
        return Pattern(self.text, tuple(steps), tuple(windows))

    def unexpected(self, tok: Token) -> PatternError:
        """The error for a token that cannot follow a complete step."""
        if tok.kind == "keyword" and tok.text == "within":
            return self.error("`within` belongs after `A then B`", tok)
        return self.error(
            f"expected &, for, then or the end of the pattern, got {tok.text!r} "
            "(join triplets with &)",
            tok,
        )

    def step(self) -> Step:
        """step := term (& term)* [for CMP DURATION]"""
        first = self.peek()
        terms = [self.term()]
        while self.peek() is not None and self.peek().kind == "amp":  # type: ignore[union-attr]
            self.take()
            terms.append(self.term())
        length = None
        if self.at_keyword("for"):
            length = self.length(self.take())  # type: ignore[arg-type]
        pos = first.pos if first else 0
        return Step(tuple(terms), length, pos)

    def length(self, keyword: Token) -> Length:
        """The comparison and duration after `for`."""
        op = self.take()
        if op is None or op.kind != "cmp":
            raise self.error("`for` needs a comparison and a duration, e.g. `for >= 3s`", op)
        return Length(op.text, self.duration("for"), keyword.pos)

    def duration(self, after: str) -> Duration:
        """DURATION := NUMBER (s | f), the unit attached or after a space."""
        tok = self.take()
        if tok is None or tok.kind != "duration":
            raise self.error(f"`{after}` needs a duration such as 2s, 1.5s or 30f", tok)
        number = tok.text.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        unit = tok.text[len(number) :].lower()
        if not unit:
            nxt = self.peek()
            if nxt is not None and nxt.kind == "name" and nxt.text.lower() in UNITS:
                unit = self.take().text.lower()  # type: ignore[union-attr]
        if unit not in UNITS:
            shown = unit or "(none)"
            raise self.error(f"unknown time unit {shown!r}: use s (seconds) or f (frames)", tok)
        return Duration(float(number), UNITS[unit], tok.pos)

    def term(self) -> Term:
        """term := [!] entity relation entity"""
        start = self.peek()
        negated = start is not None and start.kind == "bang"
        if negated:
            self.take()
        subject = self.entity_slot("a subject")
        rel = self.relation_slot()
        obj = self.entity_slot("an object")
        return Term(subject, rel, obj, negated, start.pos if start else 0)

    def entity_slot(self, what: str) -> Slot:
        """An entity name, `*` or `?var`; other names get a targeted error."""
        tok = self.take()
        if tok is None or tok.kind not in ("name", "var", "star"):
            raise self.missing(what, tok)
        if tok.kind == "star":
            return Slot("any", "*", tok.pos, tok.text)
        if tok.kind == "var":
            return Slot("var", tok.text[1:], tok.pos, tok.text)
        canon = names.entity(tok.text)
        if canon is None:
            if names.relation(tok.text) is not None:
                raise self.error(
                    f"{tok.text!r} is a relation, but {what} (an entity) is expected here; "
                    "a triplet is SUBJECT RELATION OBJECT",
                    tok,
                )
            raise self.error(f"unknown entity {tok.text!r}", tok, names.closest(tok.text, "entity"))
        return Slot("name", canon, tok.pos, tok.text)

    def relation_slot(self) -> Slot:
        """A relation name or `*`."""
        tok = self.take()
        if tok is not None and tok.kind == "var":
            raise self.error("variables stand for entities; a relation is a name or *", tok)
        if tok is None or tok.kind not in ("name", "star"):
            raise self.missing("a relation", tok)
        if tok.kind == "star":
            return Slot("any", "*", tok.pos, tok.text)
        canon = names.relation(tok.text)
        if canon is None:
            if names.entity(tok.text) is not None:
                raise self.error(
                    f"{tok.text!r} is an entity, but a relation is expected here; "
                    "a triplet is SUBJECT RELATION OBJECT",
                    tok,
                )
            hints = names.closest(tok.text, "relation")
            raise self.error(f"unknown relation {tok.text!r}", tok, hints)
        return Slot("name", canon, tok.pos, tok.text)

    def missing(self, what: str, tok: Token | None) -> PatternError:
        """The error for a slot that is absent or holds an operator."""
        if tok is None:
            return self.error(f"the pattern ends where {what} is expected")
        if tok.kind in ("amp", "cmp", "keyword", "duration", "bang"):
            return self.error(f"expected {what} here, got {tok.text!r}; {OPERATOR_HELP}", tok)
        return self.error(f"expected {what} here, got {tok.text!r}", tok)


def parse(text: str) -> Pattern:
    """The pattern, checked; PatternError (with a caret) for anything wrong."""
    pattern = _Parser(text).pattern()
    check(pattern)
    return pattern


def check(pattern: Pattern) -> None:
    """Rules beyond the grammar: a positive triplet per step, bound variables in negations."""
    for step in pattern.steps:
        if not step.positive:
            raise PatternError(
                "a negation alone matches nothing: a step needs at least one positive triplet "
                "(e.g. `anesthetist * * & !anesthetist closeto patient`)",
                pattern.text,
                step.pos,
            )
        bound = set(step.variables)
        for term in step.negative:
            for slot in term.entity_slots:
                if slot.kind == "var" and slot.value not in bound:
                    raise PatternError(
                        f"variable ?{slot.value} appears only in a negated triplet; bind it in a "
                        "positive triplet of the same step, or use * for any",
                        pattern.text,
                        slot.pos,
                        len(slot.text),
                    )
