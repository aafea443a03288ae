"""The worked examples of docs/workflow-mining.md as a hand-made take (procedure 8).

Procedure 8 exists at no synthetic scale and not in edge_cases.py, so this file loads on
its own or beside the others. Each triplet is given as its frame spans (inclusive).
"""

from __future__ import annotations

from pathlib import Path

from tests.loader.h5_fixtures import FxTake, write_egoexor

WORKED_TAKE = "MISS/8/1"

SPANS: dict[tuple[str, str, str], list[tuple[int, int]]] = {
    # handover: the assistant gives the forceps; the surgeon's holding flickers
    ("assistant", "holding", "forceps"): [(0, 4)],
    ("head_surgeon", "holding", "forceps"): [(4, 6), (8, 9), (11, 12)],
    ("head_surgeon", "cutting", "patient"): [(14, 15)],
    # directly-follows: a flicker, and an activity started while another runs
    ("circulator", "closeTo", "instrument_table"): [(0, 2), (4, 5)],
    ("circulator", "checking", "instrument_table"): [(1, 2)],
    ("circulator", "holding", "scalpel"): [(7, 8)],
    # a one-activity case
    ("anaesthetist", "closeTo", "anesthesia_equipment"): [(0, 15)],
}


def _annotations(spans: dict[tuple[str, str, str], list[tuple[int, int]]], frames: int):
    out: dict[int, list[tuple[str, str, str]]] = {f: [] for f in range(frames)}
    for triplet, runs in spans.items():
        for s, e in runs:
            for f in range(s, e + 1):
                out[f].append(triplet)
    return out


WORKED = FxTake(
    "MISS",
    8,
    1,
    frames=16,
    split="train",
    sources=("head_surgeon", "assistant", "circulator", "anaesthetist", "external_1"),
    annotations=_annotations(SPANS, 16),
)


PHASE_SPANS: dict[int, dict[str, tuple[int, int]]] = {
    2: {"disinfection": (0, 1), "cutting": (3, 4), "dressing": (6, 7)},
    3: {"disinfection": (0, 2), "cutting": (4, 6), "dressing": (7, 7)},
    4: {"cutting": (0, 1), "disinfection": (3, 4)},  # reordered, and no dressing
}
"""Takes MISS/8/2-4: the surgeon's phases (relation on the patient) per take."""


def _phase_take(take_id: int) -> FxTake:
    spans = {("head_surgeon", rel, "patient"): [span] for rel, span in PHASE_SPANS[take_id].items()}
    return FxTake(
        "MISS",
        8,
        take_id,
        frames=8,
        split="train",
        sources=("head_surgeon", "external_1"),
        annotations=_annotations(spans, 8),
    )


def write_worked_file(path: Path) -> Path:
    """The worked-example takes as one merged file, no RGB."""
    return write_egoexor(path, [WORKED, *(_phase_take(k) for k in PHASE_SPANS)], rgb=False)
