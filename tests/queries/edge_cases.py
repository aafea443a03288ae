"""Hand-built takes for the corners the generator rarely hits, in raw file spellings.

Procedure 9 does not exist at any synthetic scale, so these takes load beside
the `tiny` dataset without clashing.
"""

from __future__ import annotations

from pathlib import Path

from tests.loader.h5_fixtures import FxTake, write_egoexor

HS_SCALPEL = ("head_surgeon", "holding", "scalpel")
HS_CUT = ("head_surgeon", "cutting", "patient")
HS_TABLE = ("head_surgeon", "closeTo", "operation_table")
LYING = ("patient", "lyingOn", "operation_table")
AN_EQUIP = ("anaesthetist", "closeTo", "anesthesia_equipment")
AS_FORCEPS = ("assistant", "holding", "forceps")
AS_LOOK = ("assistant", "checking", "instrument_table")

EDGE_TAKE = FxTake(
    "MISS",
    9,
    1,
    frames=12,
    split="train",
    sources=("head_surgeon", "assistant", "circulator", "anaesthetist", "external_1"),
    annotations={
        # frame 2 and frames 9-10 have no annotation group; frame 5 is an empty one.
        0: [HS_SCALPEL, HS_TABLE, LYING],
        1: [HS_SCALPEL, HS_TABLE, LYING, AN_EQUIP],
        3: [HS_SCALPEL, HS_CUT, LYING, HS_CUT],  # duplicate row
        4: [HS_SCALPEL, HS_CUT, HS_TABLE, AS_FORCEPS],
        5: [],
        6: [HS_SCALPEL, HS_CUT],  # same start and end: ties broken by relation
        7: [HS_SCALPEL, HS_CUT, AS_LOOK],
        8: [("head_surgeon", "holding", "curette"), AS_LOOK, AS_FORCEPS],  # touches frame 7
        11: [AN_EQUIP, ("head_surgeon", "dressing", "patient")],
    },
)
"""Gaps, an empty frame, duplicates, overlaps, touching intervals, ties; the
circulator is a source but never a subject or object."""

SINGLE_FRAME_TAKE = FxTake(
    "Ultrasound",
    9,
    1,
    frames=1,
    split="test",
    sources=("head_surgeon", "assistant", "ultrasound"),
    annotations={
        0: [("head_surgeon", "scanning", "patient"), ("ultrasound_probe", "touching", "patient")]
    },
)

UNANNOTATED_TAKE = FxTake(
    "Ultrasound",
    9,
    2,
    frames=3,
    split="validation",
    sources=("head_surgeon", "circulator"),
    annotations={},
)

EDGE_TAKES = [EDGE_TAKE, SINGLE_FRAME_TAKE, UNANNOTATED_TAKE]


def write_edge_file(path: Path) -> Path:
    """The edge-case takes as one merged file (with its own /splits), no RGB."""
    return write_egoexor(path, EDGE_TAKES, rgb=False)
