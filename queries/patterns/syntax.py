"""The parsed form of a pattern: slots, triplet terms, steps joined by `then`.

Every node keeps its position in the pattern text, so later checks can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-9
"""Slack for comparing frame counts with durations given in seconds (floats)."""


@dataclass(frozen=True)
class Slot:
    """One position of a triplet: a canonical name, `*` (any) or `?name` (a variable)."""

    kind: str  # "name", "any" or "var"
    value: str  # canonical name, "*", or the variable's name without "?"
    pos: int
    text: str  # as typed


@dataclass(frozen=True)
class Term:
    """`SUBJECT RELATION OBJECT`, possibly negated (`!`)."""

    subject: Slot
    relation: Slot
    object: Slot
    negated: bool
    pos: int

    @property
    def entity_slots(self) -> tuple[Slot, Slot]:
        return (self.subject, self.object)

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables of the term, in order of first appearance, without repeats."""
        out: list[str] = []
        for slot in self.entity_slots:
            if slot.kind == "var" and slot.value not in out:
                out.append(slot.value)
        return tuple(out)


@dataclass(frozen=True)
class Duration:
    """A length of time in seconds (`3s`, `2.5s`) or frames (`45f`)."""

    value: float
    unit: str  # "s" or "f"
    pos: int

    def frames(self, fps: float) -> float:
        """The duration in frames at this frame rate (may be fractional)."""
        return self.value * fps if self.unit == "s" else self.value

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number}{self.unit}"


@dataclass(frozen=True)
class Length:
    """`for OP DURATION`: a condition on a run's length (end - start + 1 frames)."""

    op: str  # ">=", ">", "<=", "<"
    duration: Duration
    pos: int

    def accepts(self, span_frames: int, fps: float) -> bool:
        """Whether a run of this many frames satisfies the condition."""
        limit = self.duration.frames(fps)
        if self.op == ">=":
            return span_frames >= limit - EPSILON
        if self.op == ">":
            return span_frames > limit + EPSILON
        if self.op == "<=":
            return span_frames <= limit + EPSILON
        return span_frames < limit - EPSILON

    def accepts_array(self, span_frames: np.ndarray, fps: np.ndarray) -> np.ndarray:
        """`accepts` for many runs at once (fps per run)."""
        ok = [self.accepts(int(n), float(f)) for n, f in zip(span_frames, fps, strict=True)]
        return np.asarray(ok, dtype=bool)


@dataclass(frozen=True)
class Step:
    """Triplets that hold together in the same frames (`&`), with an optional length."""

    terms: tuple[Term, ...]
    length: Length | None
    pos: int

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def variables(self) -> tuple[str, ...]:
        out: list[str] = []
        for term in self.positive:
            out += [v for v in term.variables if v not in out]
        return tuple(out)


@dataclass(frozen=True)
class Pattern:
    """Steps in order; `windows[i]` is the `within` between step i and step i+1."""

    text: str
    steps: tuple[Step, ...]
    windows: tuple[Duration, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        out: list[str] = []
        for step in self.steps:
            out += [v for v in step.variables if v not in out]
        return tuple(out)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for s in self.steps for t in s.terms)
