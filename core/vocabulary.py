"""The canonical EgoExOR vocabulary, the raw-spelling map and the fixed camera ids.

Raw spellings are what the published files store; canonical names are what
every part of ORGraph uses after reading (see docs/egoexor-format.md).
"""

from __future__ import annotations

from orgraph.core.errors import UnknownNameError

ENTITIES: tuple[str, ...] = (
    "anesthetist",
    "anesthesia_equipment",
    "antiseptic",
    "assistant",
    "bin",
    "body_marker",
    "circulator",
    "cotton",
    "curette",
    "dressing_material",
    "forceps",
    "gloves",
    "head_surgeon",
    "health_monitor",
    "herbal_disk",
    "instrument_table",
    "instruments",
    "microscope",
    "microscope_controller",
    "microscope_eye",
    "microscope_screen",
    "needle",
    "operating_room",
    "operating_table",
    "patient",
    "scalpel",
    "scissors",
    "syringe",
    "tissue_mark",
    "tissue_paper",
    "ultrasound_gel",
    "ultrasound_machine",
    "ultrasound_probe",
    "ultrasound_screen",
    "unsterile_instruments",
    "vertebrae",
)

RELATIONS: tuple[str, ...] = (
    "anaesthetising",
    "applying",
    "aspirating",
    "looking",
    "closeto",
    "controlling",
    "cutting",
    "disinfection",
    "dressing",
    "dropping",
    "entering",
    "holding",
    "injecting",
    "inserting",
    "lyingon",
    "manipulating",
    "positioning",
    "preparing",
    "removing",
    "scanning",
    "touching",
    "wearing",
)

NONE_RELATION = "none"
"""The label of an ordered entity pair with no relation (benchmark protocol)."""

# Raw spellings seen in the files, mapped to canonical names.
RAW_ENTITY_ALIASES: dict[str, str] = {
    "anaesthetist": "anesthetist",
    "operation_table": "operating_table",
    "microcope": "microscope",
}
RAW_RELATION_ALIASES: dict[str, str] = {
    "closeTo": "closeto",
    "lyingOn": "lyingon",
    "checking": "looking",
    "anesthasing": "anaesthetising",
}

# The spellings the real files use where they differ from the canonical name
# (what the generator writes to look like the real data).
CANONICAL_TO_RAW_ENTITY: dict[str, str] = {
    "anesthetist": "anaesthetist",
    "operating_table": "operation_table",
    "microscope": "microcope",
}
CANONICAL_TO_RAW_RELATION: dict[str, str] = {
    "closeto": "closeTo",
    "lyingon": "lyingOn",
    "looking": "checking",
    "anaesthetising": "anesthasing",
}

ROLES: tuple[str, ...] = ("head_surgeon", "assistant", "circulator", "anesthetist", "patient")
"""Human roles; all but the patient wear egocentric glasses."""

EGO_ROLES: tuple[str, ...] = ("head_surgeon", "assistant", "circulator", "anesthetist")

CAMERA_TYPE_IDS: dict[str, int] = {
    "head_surgeon": 1,
    "assistant": 2,
    "circulator": 3,
    "anesthetist": 4,
    "or_light": 5,
    "microscope": 6,
    "external_1": 7,
    "external_2": 8,
    "external_3": 9,
    "external_4": 10,
    "external_5": 11,
    "simstation": 12,
    "ultrasound": 13,
}
CAMERA_TYPE_NAMES: dict[int, str] = {v: k for k, v in CAMERA_TYPE_IDS.items()}
BLANK_CAMERA_ID = -1

# Raw source names that differ from the camera-type names above.
RAW_SOURCE_ALIASES: dict[str, str] = {"anaesthetist": "anesthetist"}

SURGERY_TYPES: tuple[str, ...] = ("MISS", "Ultrasound")
SPLITS: tuple[str, ...] = ("train", "validation", "test")
UNASSIGNED_SPLIT = "unassigned"
"""What summaries call the split of a take that no split lists."""
FPS = 15.0

GAZE_OFFSET = (-9.0, -4.0)
"""Calibration offset (dx, dy) the published tools add to gaze for some (role, take) pairs."""


def gaze_offset_applies(role: str, surgery_type: str, procedure_id: int, take_id: int) -> bool:
    """True where the published tools shift gaze by GAZE_OFFSET before drawing."""
    role = RAW_SOURCE_ALIASES.get(role, role)
    if surgery_type == "Ultrasound":
        return (role == "head_surgeon" and procedure_id in (3, 4)) or (
            role == "assistant" and procedure_id in (1, 2)
        )
    if surgery_type == "MISS":
        if role == "anesthetist":
            return procedure_id in (1, 2) or (procedure_id == 3 and take_id in (1, 2, 3))
        if role == "circulator":
            return (
                (procedure_id == 1 and take_id == 4)
                or (procedure_id == 3 and take_id in (4, 5, 6))
                or procedure_id == 4
            )
    return False


_ENTITY_SET = frozenset(ENTITIES)
_RELATION_SET = frozenset(RELATIONS)


def canonical_entity(raw: str) -> str | None:
    """The canonical entity for a raw spelling, or None if it is unknown."""
    name = RAW_ENTITY_ALIASES.get(raw, raw)
    return name if name in _ENTITY_SET else None


def canonical_relation(raw: str) -> str | None:
    """The canonical relation for a raw spelling, or None if it is unknown."""
    name = RAW_RELATION_ALIASES.get(raw, raw)
    return name if name in _RELATION_SET else None


def require_entity(raw: str, where: str = "") -> str:
    """Canonical entity name, or UnknownNameError naming the raw name and where it was."""
    name = canonical_entity(raw)
    if name is None:
        suffix = f" in {where}" if where else ""
        raise UnknownNameError(f"unknown entity name {raw!r}{suffix}")
    return name


def require_relation(raw: str, where: str = "") -> str:
    """Canonical relation name, or UnknownNameError naming the raw name and where it was."""
    name = canonical_relation(raw)
    if name is None:
        suffix = f" in {where}" if where else ""
        raise UnknownNameError(f"unknown relation name {raw!r}{suffix}")
    return name


ENTITY_INDEX: dict[str, int] = {name: i for i, name in enumerate(ENTITIES)}
RELATION_INDEX: dict[str, int] = {name: i for i, name in enumerate(RELATIONS)}

ENTITY_KINDS: dict[str, str] = {
    **{r: "role" for r in ROLES},
    **{
        e: "device"
        for e in (
            "anesthesia_equipment",
            "health_monitor",
            "microscope",
            "microscope_controller",
            "microscope_eye",
            "microscope_screen",
            "ultrasound_machine",
            "ultrasound_screen",
        )
    },
    **{e: "furniture" for e in ("operating_table", "instrument_table", "bin", "operating_room")},
    **{e: "anatomy" for e in ("vertebrae", "tissue_mark")},
}


def entity_kind(name: str) -> str:
    """Coarse kind of a canonical entity: role, device, furniture, anatomy or object."""
    return ENTITY_KINDS.get(name, "object")
