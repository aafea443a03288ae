"""An OCEL 2.0 object-centric event log of the graph, as JSON or SQLite (the standard's two
serialisations), for object-centric process-mining tools.

Objects: every take (type "take") and every entity of a take, typed by its kind:
"role" (staff), "patient", "instrument" (hand-held objects), "device", "furniture",
"anatomy"; ids are the graph's keys (``MISS/1/2``, ``MISS/1/2/scalpel``), each entity
related to its take with qualifier "part of". Events: one per interaction interval
(any subject), id = the interval's key, type = the relation (e.g. "holding"), time =
EPOCH + start seconds; related objects with qualifiers "subject", "object" and "take";
attributes start_frame, end_frame, n_frames, duration_s. Written atomically (a
temporary file renamed in place). The flat event log (queries/eventlog.py) stays.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from orgraph.core.store import GraphStore
from orgraph.core.vocabulary import entity_kind
from orgraph.queries.eventlog import EPOCH, EventLogError
from orgraph.queries.ocel_sqlite import write_sqlite

FORMATS = ("json", "sqlite")
STATIC_TIME = "1970-01-01T00:00:00Z"
"""The time OCEL 2.0 gives attribute values that never change."""

OBJECT_TYPES: dict[str, tuple[str, ...]] = {
    "take": ("surgery_type", "split", "frames"),
    **{k: ("class", "take") for k in ("role", "patient", "instrument", "device")},
    **{k: ("class", "take") for k in ("furniture", "anatomy")},
}
"""Object type -> its attribute names (all strings but `frames`)."""
EVENT_ATTRIBUTES = (
    ("start_frame", "integer"),
    ("end_frame", "integer"),
    ("n_frames", "integer"),
    ("duration_s", "float"),
)

_TAKES = """
MATCH (t:Take) RETURN t.key AS id, t.surgery_type AS surgery_type,
       coalesce(t.split, '') AS split, t.frames AS frames
"""
_ENTITIES = """
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)
RETURN e.key AS id, e.name AS class, t.key AS take
"""
_EVENTS = """
MATCH (t:Take)-[:HAS_ENTITY]->(s:Entity)<-[:HAS_SUBJECT]-(i:Interaction)-[:HAS_OBJECT]->(o:Entity)
RETURN i.key AS id, i.relation AS type, t.key AS take, s.key AS subject, o.key AS object,
       i.start_frame AS start_frame, i.end_frame AS end_frame, i.n_frames AS n_frames,
       i.start_time AS start_time, i.end_time AS end_time
"""


def object_type(name: str) -> str:
    """The OCEL object type of a canonical entity class."""
    if name == "patient":
        return "patient"
    kind = entity_kind(name)
    return "instrument" if kind == "object" else kind


def _time(seconds: float) -> str:
    stamp = EPOCH + pd.Timedelta(seconds=float(seconds))
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ocel_log(store: GraphStore) -> dict[str, Any]:
    """The whole log as the OCEL 2.0 JSON document (a dict), events in time order."""
    takes = store.query(_TAKES).sort_values("id")
    ents = store.query(_ENTITIES).sort_values("id")
    events = store.query(_EVENTS)
    events = events.sort_values(["start_time", "take", "start_frame", "id"], kind="stable")
    objects = [
        {
            "id": r.id,
            "type": "take",
            "attributes": [
                {"name": "surgery_type", "time": STATIC_TIME, "value": r.surgery_type},
                {"name": "split", "time": STATIC_TIME, "value": r.split},
                {"name": "frames", "time": STATIC_TIME, "value": int(r.frames)},
            ],
        }
        for r in takes.itertuples(index=False)
    ]
    objects += [
        {
            "id": r.id,
            "type": object_type(r[1]),
            "attributes": [
                {"name": "class", "time": STATIC_TIME, "value": r[1]},
                {"name": "take", "time": STATIC_TIME, "value": r.take},
            ],
            "relationships": [{"objectId": r.take, "qualifier": "part of"}],
        }
        for r in ents.itertuples(index=False)
    ]
    return {
        "objectTypes": [
            {"name": n, "attributes": [_attr_type(n, a) for a in attrs]}
            for n, attrs in OBJECT_TYPES.items()
        ],
        "eventTypes": [
            {"name": rel, "attributes": [{"name": a, "type": t} for a, t in EVENT_ATTRIBUTES]}
            for rel in sorted(set(events["type"]))
        ],
        "objects": objects,
        "events": [_event(r) for r in events.itertuples(index=False)],
    }


def _attr_type(object_type_name: str, attr: str) -> dict[str, str]:
    kind = "integer" if (object_type_name, attr) == ("take", "frames") else "string"
    return {"name": attr, "type": kind}


def _event(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "type": r.type,
        "time": _time(r.start_time),
        "attributes": [
            {"name": "start_frame", "value": int(r.start_frame)},
            {"name": "end_frame", "value": int(r.end_frame)},
            {"name": "n_frames", "value": int(r.n_frames)},
            {"name": "duration_s", "value": float(r.end_time) - float(r.start_time)},
        ],
        "relationships": [
            {"objectId": r.subject, "qualifier": "subject"},
            {"objectId": r.object, "qualifier": "object"},
            {"objectId": r.take, "qualifier": "take"},
        ],
    }


def ocel_format(out: Path, fmt: str | None = None) -> str:
    """The format to write: `fmt`, else from the suffix (.json / .sqlite), else an error."""
    fmt = fmt or Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise EventLogError(
            f"cannot tell the OCEL format of {out}: name it .json or .sqlite (or give --format)"
        )
    return fmt


def write_ocel(log: dict[str, Any], out: Path, fmt: str | None = None) -> Path:
    """Write the log to `out` (format from `fmt`, else the suffix .json / .sqlite)."""
    out = Path(out)
    fmt = ocel_format(out, fmt)
    if out.is_dir():
        raise EventLogError(f"{out} is a directory: give a file name, e.g. {out / 'log.json'}")
    if not out.parent.is_dir():
        raise EventLogError(f"cannot write {out}: the folder {out.parent} does not exist")
    writer: Callable[[dict[str, Any], Path], None] = _write_json if fmt == "json" else _write_sql
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        writer(log, Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _write_json(log: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(log), encoding="utf-8")


def _write_sql(log: dict[str, Any], path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as conn:
        write_sqlite(log, conn)
