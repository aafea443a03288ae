"""Split console Cypher into tokens exactly where both engines do, or refuse the text.

Measured on Neo4j 5.26 and LadybugDB 0.22 (see tests/queries/test_cypher_lexer.py):

- `//` comments end at `\\n` or `\\r` on Neo4j; LadybugDB ends them at `\\n` and
  rejects a lone `\\r`. Neither ends them at U+2028, U+2029, U+0085, VT, FF, FS..US
  or NUL. `/* */` comments do not nest on either.
- Both read as whitespace: TAB LF VT FF CR FS GS RS US SPACE, U+00A0, U+1680,
  U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 (not U+0085, U+180E,
  U+200B or U+FEFF: those are errors or, on Neo4j, part of a name).
- Neo4j decodes `\\uXXXX` anywhere before it reads the text (inside strings,
  comments and backtick names too: `'a\\u0027'` ends the string there), LadybugDB
  only inside strings. So the console refuses `\\u` wherever it appears.
- In strings a backslash always takes the next character with it on both (an
  unknown escape is kept by Neo4j and an error on LadybugDB); quotes never double.
  In backtick names a doubled backtick is one backtick; a backslash is plain.
- Names may hold letters, digits, `_`, `$` and currency signs on both. Numbers:
  decimal, `1_000`, `0x1F`, `0o17`, `.5`, `1e5` (hex, octal and `_` on Neo4j only).

Any character outside these rules (outside strings, names and comments) is refused,
so the tokens seen here are the tokens an engine sees.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from orgraph.queries.cypher_limits import MAX_DEPTH, ConsoleRefused, too_deep, too_many_tokens

COMMENT_ENDS = "\n\r"
WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
SYMBOLS = frozenset("()[]{}.,:;$|*+-/%^=<>!~&")
_NAME_START = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl"})
_NAME_PART = _NAME_START | {"Mn", "Mc", "Nd", "Pc", "Sc"}
_LINE_END = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(
    r"0x[0-9A-Fa-f_]+|0o[0-7_]+"
    r"|(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][-+]?\d+)?"
    r"|\d[\d_]*(?:[eE][-+]?\d+)?",
    re.ASCII,  # numbers are ASCII digits: '²' or '٢' is no digit to either engine
)


@dataclass(frozen=True)
class Token:
    """One significant token: kind (word, name, string, number, symbol), text, position.

    `name` is a `backtick` name; its `value` is the name without quotes. `line` and
    `column` count from 1 (a line ends at \\n, \\r\\n or \\r).
    """

    kind: str
    text: str
    offset: int
    line: int
    column: int

    @property
    def value(self) -> str:
        """The text without its quotes (a backtick name's doubled backticks made single)."""
        if self.kind == "name":
            return self.text[1:-1].replace("``", "`")
        return self.text

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _is_digit(ch: str) -> bool:
    """An ASCII digit (str.isdigit also takes superscripts and other scripts' digits)."""
    return len(ch) == 1 and "0" <= ch <= "9"


def _is_name_start(ch: str) -> bool:
    return (
        ch.isascii()
        and (ch.isalpha() or ch == "_")
        or (not ch.isascii() and unicodedata.category(ch) in _NAME_START)
    )


def _is_name_part(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in "_$"
    return unicodedata.category(ch) in _NAME_PART


def describe_char(ch: str) -> str:
    """A character as a reader can find it: 'x' or U+2028 (LINE SEPARATOR)."""
    if ch.isprintable() and not ch.isspace():
        return repr(ch)
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'control character')})"


class _Lexer:
    """One pass over the text, keeping line and column for messages."""

    def __init__(self, text: str, max_tokens: int, max_depth: int) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0
        self.max_depth = max_depth
        self.line_starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        self.max_tokens = max_tokens
        self.tokens: list[Token] = []

    def where(self, offset: int) -> str:
        line, column = self.position(offset)
        return f"line {line}, column {column}"

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def refuse(self, what: str, offset: int) -> ConsoleRefused:
        return ConsoleRefused(f"{what} at {self.where(offset)}")

    def run(self) -> list[Token]:
        text = self.text
        escape = text.find("\\u")
        if escape >= 0:
            raise self.refuse(
                "a \\u escape is not accepted by the console (Neo4j decodes it before "
                "reading the query, so it can end a string or comment): write the "
                "character itself or pass the value as a parameter",
                escape,
            )
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in WHITESPACE:
                self.pos += 1
            elif text.startswith("//", self.pos):
                self._line_comment()
            elif text.startswith("/*", self.pos):
                self._block_comment()
            elif ch in "'\"":
                self._string(ch)
            elif ch == "`":
                self._name()
            elif _is_digit(ch) or (ch == "." and _is_digit(text[self.pos + 1 : self.pos + 2])):
                self._number()
            elif _is_name_start(ch):
                end = self.pos + 1
                while end < len(text) and _is_name_part(text[end]):
                    end += 1
                self._emit("word", end)
            elif text.startswith("..", self.pos):
                self._emit("symbol", self.pos + 2)
            elif ch in SYMBOLS:
                self._bracket(ch)
                self._emit("symbol", self.pos + 1)
            else:
                raise self.refuse(
                    f"the character {describe_char(ch)} is not accepted outside strings", self.pos
                )
        return self.tokens

    def _emit(self, kind: str, end: int) -> None:
        if len(self.tokens) >= self.max_tokens:
            raise too_many_tokens(self.max_tokens, self.where(self.pos))
        line, column = self.position(self.pos)
        self.tokens.append(Token(kind, self.text[self.pos : end], self.pos, line, column))
        self.pos = end

    def _bracket(self, ch: str) -> None:
        """Count nesting as early as possible, so a deep text is refused for its depth."""
        if ch in "([{":
            self.depth += 1
            if self.depth > self.max_depth:
                raise too_deep(self.max_depth, self.where(self.pos))
        elif ch in ")]}":
            self.depth -= 1

    def _line_comment(self) -> None:
        end = self.pos + 2
        while end < len(self.text) and self.text[end] not in COMMENT_ENDS:
            end += 1
        self.pos = end

    def _block_comment(self) -> None:
        end = self.text.find("*/", self.pos + 2)
        if end < 0:
            raise self.refuse("unterminated /* comment", self.pos)
        self.pos = end + 2

    def _string(self, quote: str) -> None:
        end = self.pos + 1
        while end < len(self.text):
            ch = self.text[end]
            if ch == "\\":
                end += 2
            elif ch == quote:
                break
            else:
                end += 1
        if end >= len(self.text):
            raise self.refuse(f"unterminated {quote} string", self.pos)
        if self.text[end + 1 : end + 2] == quote:
            raise self.refuse(
                f"two {quote} strings touch (write a quote inside a string as \\{quote})", end
            )
        self._emit("string", end + 1)

    def _name(self) -> None:
        end = self.pos + 1
        while True:
            close = self.text.find("`", end)
            if close < 0:
                raise self.refuse("unterminated ` name", self.pos)
            if self.text[close + 1 : close + 2] != "`":
                break
            end = close + 2
        self._emit("name", close + 1)

    def _number(self) -> None:
        match = _NUMBER.match(self.text, self.pos)
        assert match is not None  # a digit, or '.' before a digit, always matches
        end = match.end()
        if end < len(self.text) and _is_name_part(self.text[end]):
            raise self.refuse("a number runs into a letter or digit", end)
        self._emit("number", end)


def tokenize(text: str, max_tokens: int = 10**9, max_depth: int = MAX_DEPTH) -> list[Token]:
    """The significant tokens of a console text (comments and whitespace dropped).

    Raises ConsoleRefused for text the engines could read differently from this
    lexer, and QueryTooLarge past `max_tokens` or `max_depth` nested brackets.
    """
    return _Lexer(text, max_tokens, max_depth).run()
