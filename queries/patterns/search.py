"""Find the moments where a pattern holds: Cypher reads the candidate intervals of each
triplet, numpy combines them into runs (see docs/patterns.md for the exact rule).

The engine does the selective work (index and filter on names, takes and lengths, and
only the takes still possible after the first triplet are read for the next one);
Python only combines the candidate intervals it returned, never all frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgraph.core.keys import frame_key
from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import ENTITIES, ENTITY_INDEX
from orgraph.queries.patterns import algebra
from orgraph.queries.patterns.compiler import (
    TAKES_CYPHER,
    TRIM_CYPHER,
    can_push_span,
    min_span,
    term_query,
)
from orgraph.queries.patterns.filters import Filters, normalised, select_takes
from orgraph.queries.patterns.parser import parse
from orgraph.queries.patterns.syntax import EPSILON, Pattern, Step, Term

MOMENT_COLUMNS = [
    "take",
    "start_frame",
    "end_frame",
    "frames",
    "start_time",
    "end_time",
    "bindings",
    "steps",
]


@dataclass
class FindResult:
    """The moments of a pattern, with the Cypher that produced their candidates."""

    pattern: str
    moments: pd.DataFrame
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    gap_tolerance: int = 0
    total: int = 0
    takes_matched: int = 0
    """Takes with at least one moment (before any limit)."""

    @property
    def cypher(self) -> str:
        """Every statement run, separated by `;` (parameters are in `params`)."""
        return ";\n".join(text for text, _ in self.statements)

    @property
    def params(self) -> list[dict[str, Any]]:
        """The parameters of each statement, in order."""
        return [p for _, p in self.statements]


class _Search:
    """One evaluation of a parsed pattern on one store."""

    def __init__(
        self, store: GraphStore, pattern: Pattern, takes: pd.DataFrame, gap: int, every_take: bool
    ) -> None:
        self.store = store
        self.pattern = pattern
        self.takes = takes.reset_index(drop=True)
        self.code = {k: i for i, k in enumerate(self.takes["take"])}
        self.gap = gap
        self.push_span = bool((self.takes["gap_tolerance"] == gap).all())
        self.statements: list[tuple[str, dict[str, Any]]] = []
        self.alive: list[str] = list(self.takes["take"])
        self.every_take = every_take
        self.fetched: dict[tuple, tuple[set[str], pd.DataFrame, Term]] = {}

    def takes_of(self, runs: pd.DataFrame) -> list[str]:
        """The keys of the takes that still have runs (later reads skip the others)."""
        return sorted(self.takes["take"].iloc[np.unique(runs["take"])]) if len(runs) else []

    def candidates(self, term: Term, span: int | None) -> pd.DataFrame:
        """The term's intervals as a run table, read from the store once per triplet shape
        (`?a holding ?x` and `?b holding ?x` share one read, renamed)."""
        alive = set(self.alive)
        key = _shape(term, span)
        if key in self.fetched and alive <= self.fetched[key][0]:
            _, table, seen = self.fetched[key]
            table = table[table["take"].isin([self.code[t] for t in alive])]
            return table.rename(columns=_renaming(seen, term))
        # the take list also lets an index on (take, subject) serve a named subject
        every = self.every_take and len(alive) == len(self.takes)
        narrow = None if every and term.subject.kind != "name" else self.alive
        query = term_query(term, narrow, span)
        self.statements.append((query.cypher, query.params))
        rows = self.store.query(query.cypher, query.params, row_limit=None)
        table = _run_table(rows, term, query.returns_subject, query.returns_object, self.code)
        self.fetched[key] = (alive, table, term)
        return table

    def step_runs(self, step: Step) -> tuple[pd.DataFrame, list[str]]:
        """Maximal runs of one step, per binding of its variables."""
        fps = float(self.takes["fps"].max())
        span = min_span(step.length, fps) if self.push_span else None
        runs: pd.DataFrame | None = None
        variables: list[str] = []
        for term in step.positive:
            table = self.candidates(term, span if can_push_span(term) else None)
            tvars = list(term.variables)
            table = algebra.merge_runs(table, tvars, 0)
            if runs is None:
                runs, variables = table, tvars
            else:
                runs, variables = algebra.intersect(runs, table, variables, tvars)
            self.alive = (
                sorted(self.takes["take"].iloc[np.unique(runs["take"])]) if len(runs) else []
            )
            if not self.alive:
                return algebra.empty(list(step.variables)), list(step.variables)
        assert runs is not None
        for term in step.negative:
            table = algebra.merge_runs(self.candidates(term, None), list(term.variables), 0)
            runs = algebra.subtract(runs, table, variables, list(term.variables))
        if step.negative:
            runs = self.trim(runs[runs["a_e"] > runs["a_s"]].reset_index(drop=True))
        runs = algebra.merge_runs(runs, variables, self.gap)
        if step.length is not None and len(runs):
            fps_per_run = self.takes["fps"].to_numpy()[runs["take"].to_numpy()]
            span_frames = (runs["end"] - runs["start"] + 1).to_numpy()
            keep = step.length.accepts_array(span_frames, fps_per_run)
            runs = runs[keep].reset_index(drop=True)
        return runs, variables

    def trim(self, runs: pd.DataFrame) -> pd.DataFrame:
        """Runs whose ends a negation cut inside an interval that bridges unannotated frames
        (takes loaded with --gap-tolerance g > 0) move to their nearest annotated frames."""
        loaded = self.takes["gap_tolerance"].to_numpy()
        if runs.empty or not (loaded > 0).any():
            return runs
        g = loaded[runs["take"].to_numpy()]
        names = self.takes["take"].to_numpy()
        keys: set[str] = set()
        for t, s, e, k in zip(runs["take"], runs["start"], runs["end"], g, strict=True):
            for f in (*range(s, min(s + k, e) + 1), *range(max(e - k, s), e + 1)):
                keys.add(frame_key(names[t], f))
        if not keys:
            return runs
        cypher = TRIM_CYPHER
        self.statements.append((cypher, {"keys": sorted(keys)}))
        found = self.store.query(cypher, {"keys": sorted(keys)}, row_limit=None)
        annotated = set(found["key"])
        starts, ends = runs["start"].to_numpy().copy(), runs["end"].to_numpy().copy()
        for i, (t, s, e, k) in enumerate(zip(runs["take"], starts, ends, g, strict=True)):
            inside = [f for f in range(s, e + 1) if f - s <= k or e - f <= k]
            marked = [f for f in inside if frame_key(names[t], f) in annotated]
            if marked:
                starts[i], ends[i] = min(marked), max(marked)
        return runs.assign(start=starts, end=ends)

    def moments(self) -> pd.DataFrame:
        """Every step in turn; `then` joins each step's runs onto the moments so far."""
        runs, variables = self.step_runs(self.pattern.steps[0])
        state = algebra.start_state(runs, variables)
        fps = self.takes["fps"].to_numpy()
        for k, (step, window) in enumerate(
            zip(self.pattern.steps[1:], self.pattern.windows, strict=True), start=1
        ):
            if state.empty:
                break
            self.alive = self.takes_of(state)
            runs, rvars = self.step_runs(step)
            frames = np.floor(np.array([window.frames(f) for f in fps]) + EPSILON).astype(np.int64)
            state, variables = algebra.follow(state, runs, variables, rvars, frames, k)
        return self.finish(state, variables)

    def finish(self, state: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
        """The moments in their public shape, ordered by take, start, end, bindings."""
        if state.empty:
            return pd.DataFrame(columns=MOMENT_COLUMNS)
        state = state.sort_values(["take", "first_start", "end", *variables], kind="stable")
        fps = self.takes["fps"].to_numpy()[state["take"].to_numpy()]
        n_steps = len(self.pattern.steps)
        out = pd.DataFrame(
            {
                "take": self.takes["take"].to_numpy()[state["take"].to_numpy()],
                "start_frame": state["first_start"].to_numpy(np.int64),
                "end_frame": state["end"].to_numpy(np.int64),
                "frames": (state["a_e"] - state["first_a_s"]).to_numpy(np.int64),
            }
        )
        out["start_time"] = out["start_frame"] / fps
        out["end_time"] = (out["end_frame"] + 1) / fps
        names = np.array(ENTITIES, dtype=object)
        order = sorted(variables)
        values = [names[state[v].to_numpy(np.int64)].tolist() for v in order]
        rows = zip(*values, strict=True) if order else ([] for _ in range(len(out)))
        out["bindings"] = [dict(zip(order, row, strict=True)) for row in rows]
        cols = [c for k in range(n_steps) for c in (f"s{k}", f"e{k}")]
        steps = state[cols].to_numpy(np.int64).reshape(len(out), n_steps, 2)
        out["steps"] = steps.tolist()
        return out.reset_index(drop=True)


def _shape(term: Term, span: int | None) -> tuple:
    """What a triplet's read depends on: names, wildcards, where variables repeat, span."""
    slots = (term.subject, term.relation, term.object)
    same = term.subject.kind == "var" and term.subject.value == term.object.value
    return (*((s.kind, s.value if s.kind == "name" else "") for s in slots), same, span)


def _renaming(seen: Term, term: Term) -> dict[str, str]:
    """Variable columns of a read made for `seen`, renamed for `term` (same shape)."""
    pairs = ((seen.subject, term.subject), (seen.object, term.object))
    return {a.value: b.value for a, b in pairs if a.kind == "var"}


def _run_table(
    rows: pd.DataFrame, term: Term, with_subject: bool, with_object: bool, code: dict[str, int]
) -> pd.DataFrame:
    """Grouped candidate lists (one row per take) as a run table with variable columns."""
    tvars = list(term.variables)
    if rows.empty:
        return algebra.empty(tvars)
    sizes = rows["first_frames"].map(len).to_numpy()
    flat = {
        c: np.concatenate(rows[c].map(np.asarray).to_list())
        for c in ("first_frames", "last_frames", "before", "held")
    }
    out = pd.DataFrame(
        {
            "take": np.repeat([code[t] for t in rows["take"]], sizes).astype(np.int64),
            "start": flat["first_frames"].astype(np.int64),
            "end": flat["last_frames"].astype(np.int64),
            "a_s": flat["before"].astype(np.int64),
        }
    )
    out["a_e"] = out["a_s"] + flat["held"].astype(np.int64)
    if with_subject:
        out[term.subject.value] = _entity_codes(rows["subjects"])
    if with_object:
        out[term.object.value] = _entity_codes(rows["objects"])
    return out[["take", *tvars, *algebra.RUN]]


def _entity_codes(lists: pd.Series) -> np.ndarray:
    """Entity names (lists per take) as indices into ENTITIES."""
    flat = [name for names in lists for name in names]
    return np.fromiter((ENTITY_INDEX[n] for n in flat), dtype=np.int64, count=len(flat))


def find(
    store: GraphStore,
    pattern: str | Pattern,
    filters: Filters | None = None,
    gap_tolerance: int | None = None,
    limit: int | None = None,
) -> FindResult:
    """The moments of `pattern` in the store (all takes unless `filters` narrow them)."""
    parsed = parse(pattern) if isinstance(pattern, str) else pattern
    filters = normalised(filters or Filters())
    takes_df = store.query(TAKES_CYPHER, {}, row_limit=None)
    takes, gap = select_takes(takes_df, filters, gap_tolerance)
    if takes.empty:
        moments = pd.DataFrame(columns=MOMENT_COLUMNS)
        return FindResult(parsed.text, moments, [(TAKES_CYPHER, {})], filters, gap, 0)
    search = _Search(store, parsed, takes, gap, every_take=len(takes) == len(takes_df))
    search.statements.append((TAKES_CYPHER, {}))
    moments = search.moments()
    total, matched = len(moments), int(moments["take"].nunique()) if len(moments) else 0
    if limit is not None:
        moments = moments.head(limit)
    return FindResult(parsed.text, moments, search.statements, filters, gap, total, matched)
