"""Frame keys, triplets, the 23 labels and the name normalisation the evaluator shares.

Kept apart so that parsing predictions and scoring them agree on one spelling of every name.
"""

from __future__ import annotations

from orgraph.core.keys import take_key
from orgraph.core.vocabulary import NONE_RELATION, RELATIONS, canonical_entity, canonical_relation

FrameKey = tuple[str, int, int, int]
"""(surgery_type, procedure_id, take_id, frame) of one annotated frame."""

Triplet = tuple[str, str, str]
"""(subject, relation, object) with canonical names."""

TakeKey = tuple[str, int, int]
"""(surgery_type, procedure_id, take_id) of one take."""

LABELS: tuple[str, ...] = (*RELATIONS, NONE_RELATION)
"""The 23 labels of the protocol, in confusion-matrix order: the 22 relations, then none."""

LABEL_INDEX: dict[str, int] = {name: i for i, name in enumerate(LABELS)}
NONE_INDEX: int = LABEL_INDEX[NONE_RELATION]


def _squash(raw: str) -> str:
    """Lower case, with runs of whitespace turned into single underscores."""
    return "_".join(raw.strip().lower().split())


def normalize_entity(raw: str) -> str | None:
    """Canonical entity for a raw, spaced or differently cased spelling; None if unknown."""
    return canonical_entity(raw) or canonical_entity(_squash(raw))


def normalize_relation(raw: str) -> str | None:
    """Canonical relation for a raw, spaced or differently cased spelling; None if unknown."""
    return canonical_relation(raw) or canonical_relation(_squash(raw))


def frame_name(key: FrameKey) -> str:
    """A frame as users read it in messages: MISS/1/2/frame 195."""
    surgery_type, procedure_id, take_id, frame = key
    return f"{take_key(surgery_type, procedure_id, take_id)}/frame {frame}"


def take_name(take: TakeKey) -> str:
    """A take as users read it in tables and JSON keys: MISS/1/2."""
    return take_key(*take)


def canonical_triplet(
    subject: str, relation: str, obj: str
) -> tuple[Triplet | None, list[tuple[str, str]]]:
    """(canonical triplet, []) or (None, [(kind, raw name), ...] of the names that are unknown)."""
    s, r, o = normalize_entity(subject), normalize_relation(relation), normalize_entity(obj)
    if s is not None and r is not None and o is not None:
        return (s, r, o), []
    checked = (("entity", subject, s), ("relation", relation, r), ("entity", obj, o))
    return None, [(kind, raw) for kind, raw, canonical in checked if canonical is None]


def first_per_pair(triplets: list[Triplet]) -> list[Triplet]:
    """The protocol's reading of a frame: only the first triplet of each ordered pair counts."""
    seen: set[tuple[str, str]] = set()
    out: list[Triplet] = []
    for s, r, o in triplets:
        if (s, o) not in seen:
            seen.add((s, o))
            out.append((s, r, o))
    return out
