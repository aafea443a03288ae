"""The procedural workflow model's tables: phases of the two procedures and what happens in them.

Pure data, read by workflow.py. Names are canonical; fractions are of the phase's length.
"""

from __future__ import annotations

from dataclasses import dataclass

Triplet = tuple[str, str, str]


@dataclass(frozen=True)
class Act:
    """A triplet that holds during part of a phase, with probability `p` per take."""

    subject: str
    relation: str
    object: str
    start: float
    end: float
    p: float = 1.0


@dataclass(frozen=True)
class Handover:
    """`giver` holds `obj`, then passes it to `receiver` inside the window [start, end)."""

    obj: str
    giver: str
    receiver: str
    start: float = 0.0
    end: float = 1.0
    back: bool = False
    """Whether the receiver hands the object back to the giver near the end."""


@dataclass(frozen=True)
class Phase:
    """One phase: relative duration weight and its activities."""

    name: str
    weight: float
    steps: tuple[Act | Handover, ...]


HS, AS, CI, AN, PT = "head_surgeon", "assistant", "circulator", "anesthetist", "patient"

MISS_PHASES: tuple[Phase, ...] = (
    Phase(
        "positioning",
        1.0,
        (
            Act(HS, "positioning", PT, 0.0, 0.8),
            Act(AS, "positioning", PT, 0.1, 0.9, 0.8),
            Act(CI, "entering", "operating_room", 0.0, 0.2, 0.7),
            Act(AS, "closeto", "operating_table", 0.0, 1.0, 0.6),
        ),
    ),
    Phase(
        "anaesthesia",
        1.0,
        (
            Handover("syringe", CI, AN, 0.0, 0.6),
            Act(AN, "anaesthetising", PT, 0.2, 0.95),
            Act(HS, "closeto", PT, 0.0, 1.0),
            Act(HS, "wearing", "gloves", 0.3, 1.0, 0.8),
            Act(AS, "wearing", "gloves", 0.4, 1.0, 0.6),
        ),
    ),
    Phase(
        "disinfection",
        1.0,
        (
            Handover("antiseptic", AS, HS, 0.0, 0.9),
            Act(HS, "disinfection", PT, 0.15, 0.95),
            Act(HS, "holding", "cotton", 0.15, 0.9, 0.7),
            Act("cotton", "touching", PT, 0.2, 0.9, 0.6),
            Act(HS, "applying", "antiseptic", 0.2, 0.8, 0.6),
        ),
    ),
    Phase(
        "draping",
        0.8,
        (
            Handover("tissue_paper", AS, HS, 0.0, 1.0),
            Act(HS, "preparing", PT, 0.1, 0.95),
            Act("tissue_paper", "touching", PT, 0.3, 1.0, 0.8),
            Act(AS, "preparing", PT, 0.2, 0.9, 0.5),
        ),
    ),
    Phase(
        "marking",
        0.7,
        (
            Handover("body_marker", AS, HS, 0.0, 0.7),
            Act(HS, "touching", PT, 0.1, 0.9),
            Act("body_marker", "touching", "tissue_mark", 0.3, 0.7),
            Act(HS, "looking", "tissue_mark", 0.2, 1.0, 0.6),
            Act(HS, "applying", "herbal_disk", 0.6, 1.0, 0.7),
            Act("herbal_disk", "touching", PT, 0.7, 1.0, 0.6),
        ),
    ),
    Phase(
        "incision",
        0.8,
        (
            Handover("scalpel", AS, HS, 0.0, 1.0, back=True),
            Act(HS, "cutting", PT, 0.2, 0.9),
            Act("scalpel", "touching", PT, 0.25, 0.85, 0.7),
            Act(AS, "holding", "cotton", 0.3, 1.0, 0.5),
            Act(HS, "looking", "tissue_mark", 0.0, 0.3, 0.5),
        ),
    ),
    Phase(
        "vertebrae",
        3.0,
        (
            Act(HS, "positioning", "microscope", 0.0, 0.1, 0.8),
            Act(HS, "controlling", "microscope_controller", 0.0, 0.15, 0.7),
            Act(HS, "looking", "microscope_eye", 0.1, 0.9, 0.9),
            Act(AS, "looking", "microscope_screen", 0.1, 1.0, 0.7),
            Act("microscope", "closeto", PT, 0.0, 1.0, 0.5),
            Act(HS, "closeto", PT, 0.0, 1.0, 0.6),
            Handover("curette", AS, HS, 0.1, 0.45),
            Act(HS, "removing", "vertebrae", 0.15, 0.45),
            Handover("forceps", AS, HS, 0.45, 0.75),
            Act(HS, "manipulating", "vertebrae", 0.5, 0.75),
            Handover("instruments", AS, HS, 0.75, 0.95),
            Act(HS, "inserting", "instruments", 0.8, 0.95, 0.8),
            Act(AS, "aspirating", PT, 0.2, 0.9, 0.5),
        ),
    ),
    Phase(
        "closing",
        1.0,
        (
            Handover("needle", AS, HS, 0.0, 0.9),
            Act(HS, "inserting", "needle", 0.2, 0.85, 0.7),
            Act(HS, "closeto", PT, 0.0, 1.0),
            Act(AS, "holding", "scissors", 0.4, 1.0, 0.7),
            Act(AS, "cutting", "tissue_paper", 0.7, 0.9, 0.3),
        ),
    ),
    Phase(
        "dressing",
        0.8,
        (
            Handover("dressing_material", AS, HS, 0.0, 1.0),
            Act(HS, "dressing", PT, 0.2, 1.0),
            Act("dressing_material", "touching", PT, 0.3, 1.0, 0.9),
            Act(AS, "looking", "instrument_table", 0.2, 1.0, 0.6),
            Act(AS, "dropping", "cotton", 0.7, 0.8, 0.5),
            Act(HS, "removing", "gloves", 0.9, 1.0, 0.5),
        ),
    ),
)

ULTRASOUND_PHASES: tuple[Phase, ...] = (
    Phase(
        "preparing",
        1.5,
        (
            Act(HS, "preparing", "ultrasound_probe", 0.1, 0.7),
            Handover("ultrasound_gel", AS, HS, 0.0, 0.9),
            Act(HS, "applying", "ultrasound_gel", 0.4, 0.9, 0.9),
            Act("ultrasound_gel", "touching", "ultrasound_probe", 0.5, 0.95, 0.6),
            Act(HS, "wearing", "gloves", 0.0, 0.5, 0.7),
            Act(CI, "controlling", "ultrasound_machine", 0.0, 0.6, 0.6),
            Act(HS, "closeto", PT, 0.0, 1.0, 0.8),
            Act(AS, "preparing", "syringe", 0.3, 1.0, 0.5),
        ),
    ),
    Phase(
        "scanning",
        2.0,
        (
            Act(HS, "holding", "ultrasound_probe", 0.0, 1.0),
            Act(HS, "scanning", PT, 0.05, 1.0),
            Act("ultrasound_probe", "touching", PT, 0.1, 1.0, 0.8),
            Act(HS, "looking", "ultrasound_screen", 0.2, 1.0, 0.9),
            Act(AS, "controlling", "ultrasound_machine", 0.0, 0.8, 0.5),
        ),
    ),
    Phase(
        "needle_insertion",
        1.5,
        (
            Handover("ultrasound_probe", HS, AS, 0.0, 1.0),
            Handover("needle", AS, HS, 0.0, 1.0),
            Act(AS, "scanning", PT, 0.15, 1.0, 0.9),
            Act(HS, "inserting", "needle", 0.25, 1.0),
            Act("needle", "touching", PT, 0.3, 1.0, 0.7),
            Act(HS, "looking", "ultrasound_screen", 0.2, 1.0, 0.8),
        ),
    ),
    Phase(
        "injection",
        1.0,
        (
            Handover("syringe", AS, HS, 0.0, 1.0),
            Act(HS, "injecting", PT, 0.2, 0.95),
            Act(AS, "holding", "ultrasound_probe", 0.0, 1.0, 0.8),
            Act(HS, "looking", "ultrasound_screen", 0.1, 1.0, 0.6),
            Act("syringe", "touching", "needle", 0.2, 0.9, 0.5),
        ),
    ),
    Phase(
        "removal",
        0.7,
        (
            Act(HS, "removing", "needle", 0.1, 0.7),
            Act(HS, "holding", "needle", 0.0, 0.8),
            Act(HS, "dropping", "needle", 0.75, 0.9, 0.7),
            Act(AS, "holding", "cotton", 0.3, 1.0, 0.6),
            Act("cotton", "touching", PT, 0.5, 1.0, 0.5),
            Act(HS, "closeto", PT, 0.0, 1.0, 0.7),
        ),
    ),
    Phase(
        "dressing",
        1.0,
        (
            Handover("dressing_material", AS, HS, 0.0, 1.0),
            Act(HS, "dressing", PT, 0.2, 1.0),
            Act("dressing_material", "touching", PT, 0.3, 1.0, 0.9),
            Act(AS, "holding", "tissue_paper", 0.1, 0.6, 0.5),
            Act(AS, "dropping", "tissue_paper", 0.6, 0.7, 0.4),
            Act(HS, "removing", "gloves", 0.85, 1.0, 0.5),
        ),
    ),
)

PHASES: dict[str, tuple[Phase, ...]] = {"MISS": MISS_PHASES, "Ultrasound": ULTRASOUND_PHASES}

# Concurrent background activities per role (independent of the phase), as renewal processes.
BACKGROUND: dict[str, dict[str, tuple[Triplet, ...]]] = {
    "MISS": {
        CI: (
            (CI, "preparing", "unsterile_instruments"),
            (CI, "holding", "unsterile_instruments"),
            (CI, "closeto", "instrument_table"),
            (CI, "looking", "health_monitor"),
            (CI, "preparing", "instruments"),
            (CI, "closeto", "bin"),
            (CI, "entering", "operating_room"),
        ),
        AN: (
            (AN, "looking", "health_monitor"),
            (AN, "controlling", "anesthesia_equipment"),
            (AN, "closeto", "anesthesia_equipment"),
            (AN, "touching", PT),
            (AN, "looking", PT),
        ),
    },
    "Ultrasound": {
        CI: (
            (CI, "controlling", "ultrasound_machine"),
            (CI, "looking", "ultrasound_screen"),
            (CI, "preparing", "instruments"),
            (CI, "closeto", "instrument_table"),
            (CI, "holding", "unsterile_instruments"),
            (CI, "entering", "operating_room"),
            (CI, "closeto", "bin"),
        ),
        AN: (
            (AN, "looking", "health_monitor"),
            (AN, "closeto", "anesthesia_equipment"),
            (AN, "looking", PT),
            (AN, "touching", PT),
        ),
    },
}

# Triplets that hold for the whole take with the given probability per take.
PERSISTENT: tuple[tuple[Triplet, float], ...] = (
    ((PT, "lyingon", "operating_table"), 1.0),
    ((AN, "closeto", "operating_table"), 0.4),
    ((HS, "closeto", "operating_table"), 0.3),
)

# Context-free "proximity" triplets used to bring a take to the target triplet density.
FILLER: dict[str, tuple[Triplet, ...]] = {
    "MISS": (
        (AS, "closeto", "instrument_table"),
        (HS, "closeto", "operating_table"),
        (AS, "closeto", PT),
        (CI, "closeto", "operating_table"),
        (AN, "closeto", "health_monitor"),
        ("instrument_table", "closeto", "operating_table"),
        (AS, "looking", "instrument_table"),
        (HS, "closeto", "microscope"),
        (AS, "holding", "instruments"),
    ),
    "Ultrasound": (
        (AS, "closeto", "instrument_table"),
        (HS, "closeto", "operating_table"),
        (AS, "closeto", PT),
        (CI, "closeto", "operating_table"),
        (AN, "closeto", "health_monitor"),
        ("ultrasound_machine", "closeto", "operating_table"),
        (AS, "looking", "ultrasound_screen"),
        (HS, "closeto", "ultrasound_machine"),
        (AS, "holding", "instruments"),
    ),
}

TARGET_DENSITY = 568_235 / 84_553
"""Triplets per frame (over all frames, annotated or not) of the real dataset."""
