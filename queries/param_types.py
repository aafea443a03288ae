"""Parameter types beyond str/int/float: lists given as a Python list or comma-separated text."""

from __future__ import annotations

from collections.abc import Iterable


def text_list(value: str | Iterable[str]) -> list[str]:
    """A list of non-empty strings from a list or from "a, b, c" (so the CLI can pass one)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"expected text, got {item!r}")
        if item.strip():
            out.append(item.strip())
    return out


text_list.__name__ = "list of text"
