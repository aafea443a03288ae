"""Read a scene-graph predictions file (JSON) into canonical triplets per frame.

Records name their frame and carry either `triplets` ([s, r, o] lists) or the official models'
text form (`text` / `scene_graph`). Unknown names fail clearly, or are dropped and counted.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.core.vocabulary import SURGERY_TYPES
from orgraph.gnn.evaluation.frames import (
    FrameKey,
    Triplet,
    canonical_triplet,
    frame_name,
)
from orgraph.gnn.evaluation.sg_text import split_scene_graph_text

KEY_FIELDS: tuple[str, ...] = ("surgery_type", "procedure_id", "take_id", "frame")
"""Fields every record must have to name its frame."""

CONTENT_FIELDS: tuple[str, ...] = ("triplets", "scene_graph", "text")
"""Where a record's prediction may be, in the order they are looked for."""

_SURGERY_TYPE_BY_LOWER = {name.lower(): name for name in SURGERY_TYPES}


class PredictionFormatError(DataFormatError):
    """A predictions file or object does not have the expected shape."""


class ParsedPredictions(dict[FrameKey, list[Triplet]]):
    """Canonical triplets per frame, plus what lenient parsing dropped (for the report)."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped_names: Counter[str] = Counter()
        """'entity:<raw>', 'relation:<raw>' or 'malformed' -> how many times it was dropped."""
        self.dropped_triplets: int = 0


def parse_predictions(
    source: str | os.PathLike[str] | list[Any] | dict[str, Any], *, lenient: bool = False
) -> ParsedPredictions:
    """Canonical predicted triplets per frame from a JSON file path or an already loaded object.

    With lenient=True, triplets with unknown names (or malformed text items) are dropped and
    counted in `dropped_names`; otherwise the first one raises, naming the frame and the name.
    """
    origin, data = _load(source)
    parsed = ParsedPredictions()
    seen: dict[FrameKey, str] = {}
    for where, record in _records(data, origin):
        key = _frame_key(record, where)
        if key in seen:
            raise PredictionFormatError(
                f"{where}: frame {frame_name(key)} is predicted twice (first at {seen[key]})"
            )
        seen[key] = where
        parsed[key] = _triplets(record, key, where, lenient, parsed)
    return parsed


def _load(source: str | os.PathLike[str] | list[Any] | dict[str, Any]) -> tuple[str, Any]:
    """(name for messages, JSON data) of a path or an in-memory object."""
    if isinstance(source, list | dict):
        return "predictions object", source
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PredictionFormatError(f"cannot read predictions file {path}: {exc.strerror}") from exc
    try:
        return str(path), json.loads(text)
    except json.JSONDecodeError as exc:
        raise PredictionFormatError(
            f"predictions file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from exc


def _records(data: Any, origin: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location for messages, record) pairs from the accepted top-level shapes.

    Accepted: a list of records; {"predictions": [records]}; or a dict keyed
    "surgery_type/procedure_id/take_id/frame" whose values are triplet lists, text, or records.
    """
    if isinstance(data, dict) and isinstance(data.get("predictions"), list):
        data = data["predictions"]
    if isinstance(data, list):
        for index, record in enumerate(data):
            where = f"{origin}, record {index}"
            if not isinstance(record, dict):
                raise PredictionFormatError(
                    f"{where}: expected an object, got {type(record).__name__}"
                )
            yield where, record
        return
    if isinstance(data, dict):
        for name, value in data.items():
            yield f"{origin}, key {name!r}", _keyed_record(name, value, origin)
        return
    raise PredictionFormatError(
        f"{origin}: expected a list of records or an object, got {type(data).__name__}"
    )


def _keyed_record(name: str, value: Any, origin: str) -> dict[str, Any]:
    """A record built from a 'surgery_type/procedure_id/take_id/frame' key and its value."""
    parts = name.split("/")
    if len(parts) != 4:
        raise PredictionFormatError(
            f"{origin}, key {name!r}: expected 'surgery_type/procedure_id/take_id/frame'"
        )
    record: dict[str, Any] = dict(zip(KEY_FIELDS, parts, strict=True))
    if isinstance(value, dict):
        record.update(value)
    elif isinstance(value, str):
        record["text"] = value
    else:
        record["triplets"] = value
    return record


def _frame_key(record: dict[str, Any], where: str) -> FrameKey:
    """The frame a record predicts, with its fields checked."""
    missing = [name for name in KEY_FIELDS if name not in record]
    if missing:
        raise PredictionFormatError(f"{where}: missing field(s) {', '.join(missing)}")
    raw_type = record["surgery_type"]
    surgery_type = _SURGERY_TYPE_BY_LOWER.get(str(raw_type).strip().lower())
    if surgery_type is None:
        raise PredictionFormatError(
            f"{where}: surgery_type {raw_type!r} is not one of {', '.join(SURGERY_TYPES)}"
        )
    numbers = [_integer(record[name], name, where) for name in KEY_FIELDS[1:]]
    return (surgery_type, numbers[0], numbers[1], numbers[2])


def _integer(value: Any, field: str, where: str) -> int:
    """An integer field, given as a JSON number or a string of digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise PredictionFormatError(f"{where}: field {field} must be an integer, got {value!r}")


def _triplets(
    record: dict[str, Any], key: FrameKey, where: str, lenient: bool, parsed: ParsedPredictions
) -> list[Triplet]:
    """The record's canonical triplets in their given order."""
    field = next((name for name in CONTENT_FIELDS if name in record), None)
    if field is None:
        raise PredictionFormatError(
            f"{where}: missing field triplets (or scene_graph / text) for {frame_name(key)}"
        )
    value = record[field]
    if isinstance(value, str):
        raw, malformed = split_scene_graph_text(value)
        if malformed:
            if not lenient:
                raise PredictionFormatError(
                    f"{where}: {frame_name(key)}: scene-graph item {malformed[0]!r} is not "
                    "'subject,object,relation' (pass lenient=True to drop such items)"
                )
            parsed.dropped_names["malformed"] += len(malformed)
            parsed.dropped_triplets += len(malformed)
    else:
        raw = _raw_triplet_list(value, field, where)
    out: list[Triplet] = []
    for subject, relation, obj in raw:
        triplet = _canonical(subject, relation, obj, key, where, lenient, parsed)
        if triplet is not None:
            out.append(triplet)
    return out


def _raw_triplet_list(value: Any, field: str, where: str) -> list[tuple[str, str, str]]:
    """A JSON list of [subject, relation, object] string lists, checked."""
    if not isinstance(value, list):
        raise PredictionFormatError(
            f"{where}: field {field} must be a list of [subject, relation, object] or a "
            f"scene-graph string, got {type(value).__name__}"
        )
    out = []
    for index, item in enumerate(value):
        if not (
            isinstance(item, list | tuple)
            and len(item) == 3
            and all(isinstance(name, str) for name in item)
        ):
            raise PredictionFormatError(
                f"{where}: {field}[{index}] must be [subject, relation, object] strings, "
                f"got {item!r}"
            )
        out.append((item[0], item[1], item[2]))
    return out


def _canonical(
    subject: str,
    relation: str,
    obj: str,
    key: FrameKey,
    where: str,
    lenient: bool,
    parsed: ParsedPredictions,
) -> Triplet | None:
    """The canonical triplet, or None (counted) when lenient and a name is unknown."""
    triplet, unknown = canonical_triplet(subject, relation, obj)
    if triplet is not None:
        return triplet
    if not lenient:
        kind, raw = unknown[0]
        raise UnknownNameError(
            f"{where}: unknown {kind} name {raw!r} in the prediction for {frame_name(key)} "
            "(pass lenient=True to drop and count unknown names)"
        )
    for kind, raw in unknown:
        parsed.dropped_names[f"{kind}:{raw}"] += 1
    parsed.dropped_triplets += 1
    return None
