"""Pattern search over the scene graph: a small language, its compiler, and moments.

`find(store, "?a holding ?x then ?b holding ?x within 2s")` returns the moments where
the pattern holds; docs/patterns.md documents the language and the moment rule.
"""

from __future__ import annotations

from orgraph.queries.patterns.errors import PatternError
from orgraph.queries.patterns.filters import FilterError, Filters
from orgraph.queries.patterns.parser import parse
from orgraph.queries.patterns.search import MOMENT_COLUMNS, FindResult, find

__all__ = [
    "MOMENT_COLUMNS",
    "FilterError",
    "Filters",
    "FindResult",
    "PatternError",
    "find",
    "parse",
]
