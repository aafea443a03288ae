"""Names as the real files write them: per-take sources, raw spellings and the file vocabulary."""

from __future__ import annotations

import numpy as np

from orgraph.core.vocabulary import (
    CAMERA_TYPE_IDS,
    CANONICAL_TO_RAW_ENTITY,
    CANONICAL_TO_RAW_RELATION,
    ENTITIES,
    RELATIONS,
)

# Raw names the file vocabulary lists beside the usual raw spelling (37 and 23 entries).
EXTRA_RAW_ENTITY = {"operating_table": "operating_table"}
EXTRA_RAW_RELATION = {"looking": "looking"}

_MISS_EGO = (
    ("assistant", "head_surgeon", "circulator", "anesthetist"),
    ("head_surgeon", "assistant", "anesthetist", "circulator"),
)
_US_EGO = (
    ("head_surgeon", "assistant", "anesthetist"),
    ("assistant", "head_surgeon", "circulator", "anesthetist"),
)
_EXTERNAL = tuple(f"external_{i}" for i in range(1, 6))


def file_vocabulary() -> tuple[list[str], list[str]]:
    """Raw entity and relation names of /metadata/vocabulary, in id order (37 and 23)."""
    ents: list[str] = []
    for e in ENTITIES:
        ents.append(CANONICAL_TO_RAW_ENTITY.get(e, e))
        if e in EXTRA_RAW_ENTITY:
            ents.append(EXTRA_RAW_ENTITY[e])
    rels: list[str] = []
    for r in RELATIONS:
        rels.append(CANONICAL_TO_RAW_RELATION.get(r, r))
        if r in EXTRA_RAW_RELATION:
            rels.append(EXTRA_RAW_RELATION[r])
    return ents, rels


def take_sources(
    surgery_type: str, procedure_id: int, take_id: int, rng: np.random.Generator
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(canonical, raw) source names of a take, in file order (not camera-id order)."""
    if surgery_type == "MISS":
        ego = _MISS_EGO[int(rng.integers(len(_MISS_EGO)))]
        exo = ("microscope",) + (("or_light",) if procedure_id >= 3 else ()) + _EXTERNAL
    else:
        ego = _US_EGO[int(rng.integers(len(_US_EGO)))]
        exo = _EXTERNAL[: 4 + int(rng.integers(2))] + ("simstation", "ultrasound")
    canonical = ego + exo
    assert all(s in CAMERA_TYPE_IDS for s in canonical)
    raw_anaes = surgery_type == "MISS" and procedure_id == 2
    raw = tuple("anaesthetist" if (s == "anesthetist" and raw_anaes) else s for s in canonical)
    return canonical, raw


def raw_name_tables(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per take: raw bytes for each canonical entity and relation index.

    Each take picks one spelling of the table ('operation_table' or 'operating_table') and
    of looking ('checking' or 'looking'); the other variants are always the raw ones.
    """
    ents = [CANONICAL_TO_RAW_ENTITY.get(e, e) for e in ENTITIES]
    rels = [CANONICAL_TO_RAW_RELATION.get(r, r) for r in RELATIONS]
    if rng.random() < 0.5:
        ents[ENTITIES.index("operating_table")] = "operating_table"
    if rng.random() < 0.5:
        rels[RELATIONS.index("looking")] = "looking"
    return np.array(ents, dtype="S"), np.array(rels, dtype="S")


def vocab_ids(raw_ent: np.ndarray, raw_rel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """File-vocabulary id for each canonical index, given the take's raw spellings."""
    ents, rels = file_vocabulary()
    e = np.array([ents.index(n.decode()) for n in raw_ent], dtype=np.float32)
    r = np.array([rels.index(n.decode()) for n in raw_rel], dtype=np.float32)
    return e, r
