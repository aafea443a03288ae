"""The file's own vocabulary (/metadata/vocabulary) and its mapping to canonical names.

The file vocabulary is reported as stored (raw spellings, file ids); annotations
are mapped straight from their raw strings, so the vocabulary serves inspection
and an early check that every raw name has a canonical meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import h5py

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.core.vocabulary import canonical_entity, canonical_relation
from orgraph.loader.h5_util import get_node, h5_errors, int_at, text_at, where

VOCAB_PATH = "/metadata/vocabulary"


@dataclass
class RawVocabulary:
    """Raw (name, id) pairs as stored in the file(s), in file order."""

    entity: list[tuple[str, int]] = field(default_factory=list)
    relation: list[tuple[str, int]] = field(default_factory=list)


def read_pairs(file: Path, h5: h5py.File, kind: str) -> list[tuple[str, int]]:
    """(name, id) rows of /metadata/vocabulary/<kind>, names decoded from bytes or str."""
    path = f"{VOCAB_PATH}/{kind}"
    if VOCAB_PATH not in h5:
        raise DataFormatError(
            f"{where(file, VOCAB_PATH)}: missing (expected groups entity and relation with "
            "compound (name, id) datasets)"
        )
    ds = get_node(h5[VOCAB_PATH], kind, file, h5py.Dataset, "a compound (name, id) dataset")
    names = ds.dtype.names or ()
    if "name" not in names or "id" not in names:
        raise DataFormatError(
            f"{where(file, path)}: has fields {list(names)} (expected a compound dataset "
            "with fields name and id)"
        )
    with h5_errors(file, path):
        rows = ds[()]
    return [
        (
            text_at(r["name"], file, f"{path}[{i}]", "name"),
            int_at(r["id"], file, f"{path}[{i}]", "id"),
        )
        for i, r in enumerate(rows.reshape(-1))
    ]


def read_vocabulary(file: Path, h5: h5py.File) -> RawVocabulary:
    """Both vocabulary lists of one file."""
    return RawVocabulary(read_pairs(file, h5, "entity"), read_pairs(file, h5, "relation"))


def merge_vocabulary(into: RawVocabulary, other: RawVocabulary) -> None:
    """Add the names of `other` not yet in `into` (files of one dataset share a vocabulary)."""
    for mine, theirs in ((into.entity, other.entity), (into.relation, other.relation)):
        seen = {name for name, _ in mine}
        mine.extend(p for p in theirs if p[0] not in seen)


def canonical_mapping(
    vocab: RawVocabulary, source: str, lenient: bool
) -> dict[str, dict[str, str]]:
    """{'entity': {raw: canonical}, 'relation': {...}}; an unmappable name raises unless lenient."""
    out: dict[str, dict[str, str]] = {"entity": {}, "relation": {}}
    for kind, pairs, fn in (
        ("entity", vocab.entity, canonical_entity),
        ("relation", vocab.relation, canonical_relation),
    ):
        for raw, _ in pairs:
            canon = fn(raw)
            if canon is None:
                if lenient:
                    continue
                raise UnknownNameError(
                    f"{source}:{VOCAB_PATH}/{kind}: unknown {kind} name {raw!r} "
                    f"(no canonical {kind} in core.vocabulary; use --lenient to skip it)"
                )
            out[kind][raw] = canon
    return out
