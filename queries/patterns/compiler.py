"""Turn each triplet of a pattern into one Cypher read of its candidate intervals.

The text is assembled from fixed fragments chosen by the pattern's shape; every name
the user typed reaches the engine only as a parameter (already mapped to its canonical
spelling). Both engines run the same text: no list comprehensions, no CALL {}.

Each query returns one row per take with the matching intervals as parallel lists
(columnar rows are several times cheaper to ship than one row per interval on Neo4j).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from orgraph.queries.patterns.syntax import EPSILON, Length, Term


@dataclass(frozen=True)
class TermQuery:
    """The Cypher for one triplet, its parameters, and which slots it returns."""

    cypher: str
    params: dict[str, Any] = field(default_factory=dict)
    returns_subject: bool = False
    returns_object: bool = False


def min_span(length: Length | None, fps: float) -> int | None:
    """The shortest interval (frames) that can hold a run this length condition accepts."""
    if length is None or length.op not in (">=", ">"):
        return None
    limit = length.duration.frames(fps)
    if length.op == ">=":
        return max(1, math.ceil(limit - EPSILON))
    return max(1, math.floor(limit + EPSILON) + 1)


def can_push_span(term: Term) -> bool:
    """A run of a triplet without `*` is one stored interval, so a length bound applies to it."""
    slots = (term.subject, term.relation, term.object)
    return not term.negated and all(s.kind != "any" for s in slots)


def term_query(term: Term, takes: list[str] | None, span: int | None = None) -> TermQuery:
    """The candidate intervals of one triplet, grouped per take."""
    where: list[str] = []
    params: dict[str, Any] = {}
    for slot, prop in (
        (term.subject, "subject"),
        (term.relation, "relation"),
        (term.object, "object"),
    ):
        if slot.kind == "name":
            where.append(f"i.{prop} = ${prop}")
            params[prop] = slot.value
    s, o = term.subject, term.object
    if s.kind == "var" and o.kind == "var":
        where.append("i.subject = i.object" if s.value == o.value else "i.subject <> i.object")
    if takes is not None:
        where.append("i.take IN $takes")
        params["takes"] = list(takes)
    if span is not None and span > 1:
        where.append("i.end_frame - i.start_frame + 1 >= $min_span")
        params["min_span"] = int(span)
    returns_subject = s.kind == "var"
    returns_object = o.kind == "var" and not (s.kind == "var" and s.value == o.value)
    lists = [
        "collect(i.start_frame) AS first_frames",
        "collect(i.end_frame) AS last_frames",
        "collect(i.annotated_before) AS before",
        "collect(i.n_frames) AS held",
    ]
    if returns_subject:
        lists.append("collect(i.subject) AS subjects")
    if returns_object:
        lists.append("collect(i.object) AS objects")
    names = ", ".join(item.split(" AS ")[1] for item in lists)
    text = "MATCH (i:Interaction)"
    if where:
        text += "\nWHERE " + " AND ".join(where)
    text += "\nWITH i.take AS take, " + ", ".join(lists) + "\nRETURN take, " + names
    return TermQuery(text, params, returns_subject, returns_object)


TAKES_CYPHER = (
    "MATCH (t:Take) RETURN t.key AS take, t.surgery_type AS surgery_type, t.split AS split, "
    "t.fps AS fps, t.gap_tolerance AS gap_tolerance, t.frames AS frames, "
    "t.annotated_frames AS annotated_frames ORDER BY take"
)
"""Every take with what the search needs to filter by and to count time."""

TRIM_CYPHER = "MATCH (f:Frame) WHERE f.key IN $keys AND f.annotated = true RETURN f.key AS key"
"""Which of these frames are annotated (primary-key lookups; used only on takes loaded
with a gap tolerance, where a negation can cut a run next to an unannotated frame)."""
