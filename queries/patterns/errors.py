"""PatternError: what is wrong with a pattern, and where, shown with a caret."""

from __future__ import annotations

from orgraph.core.errors import OrgraphError


class PatternError(OrgraphError):
    """A pattern that cannot be parsed or checked; `str()` shows the text and a caret."""

    def __init__(
        self, message: str, pattern: str, pos: int, length: int = 1, hints: list[str] | None = None
    ) -> None:
        self.message = message
        self.pattern = pattern
        self.pos = max(0, min(pos, len(pattern)))
        self.length = max(1, length)
        self.hints = list(hints or [])
        super().__init__(self.render())

    @property
    def line(self) -> str:
        """The one-line explanation, with the column and the suggestions."""
        hint = f" (did you mean {', '.join(self.hints)}?)" if self.hints else ""
        return f"{self.message} at column {self.pos + 1}{hint}"

    def render(self) -> str:
        """The explanation, then the pattern with a caret under the offending part."""
        caret = " " * self.pos + "^" * self.length
        return f"{self.line}\n    {self.pattern}\n    {caret}"
