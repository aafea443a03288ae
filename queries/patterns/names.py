"""Names in patterns: canonical names or raw file spellings, and the closest-name hints.

Matching ignores case (`closeTo`, `closeto` and `CLOSETO` are one relation); a name
that is not known gets up to three suggestions from the canonical names and spellings.
"""

from __future__ import annotations

import difflib

from orgraph.core import vocabulary as voc

_ENTITY_SPELLINGS: dict[str, str] = {
    **{e.lower(): e for e in voc.ENTITIES},
    **{raw.lower(): canon for raw, canon in voc.RAW_ENTITY_ALIASES.items()},
}
_RELATION_SPELLINGS: dict[str, str] = {
    **{r.lower(): r for r in voc.RELATIONS},
    **{raw.lower(): canon for raw, canon in voc.RAW_RELATION_ALIASES.items()},
}


def entity(text: str) -> str | None:
    """The canonical entity for a name as typed, or None."""
    return _ENTITY_SPELLINGS.get(text.lower())


def relation(text: str) -> str | None:
    """The canonical relation for a name as typed, or None."""
    return _RELATION_SPELLINGS.get(text.lower())


def closest(text: str, kind: str) -> list[str]:
    """Up to three known names of this kind ("entity" or "relation") nearest to `text`."""
    spellings = _ENTITY_SPELLINGS if kind == "entity" else _RELATION_SPELLINGS
    low = text.lower()
    found = difflib.get_close_matches(low, list(spellings), n=6, cutoff=0.6)
    found += [s for s in spellings if low and len(low) >= 3 and low in s]
    out: list[str] = []
    for spelling in found:
        name = spellings[spelling]
        if name not in out:
            out.append(name)
    return out[:3]


def suggestions(prefix: str) -> list[str]:
    """Every canonical name (entities, then relations) starting with `prefix`, for typing help."""
    low = prefix.lower()
    names = [*voc.ENTITIES, *voc.RELATIONS]
    return [n for n in names if n.startswith(low)]
