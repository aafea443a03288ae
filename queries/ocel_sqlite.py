"""The OCEL 2.0 SQLite serialisation of a log built by queries/ocel.py.

Tables as the standard names them: event, event_map_type, one event_<type> table per
event type (ocel_id, ocel_time, attributes), object, object_map_type, one object_<type>
table per object type (ocel_id, ocel_time, ocel_changed_field, attributes),
event_object (with ocel_qualifier) and object_object.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

_SQL_TYPES = {"integer": "INTEGER", "float": "REAL", "string": "TEXT", "time": "TIMESTAMP"}


def table_suffix(type_name: str) -> str:
    """A type's name as a safe table-name suffix (the standard's ocel_type_map)."""
    return re.sub(r"[^0-9A-Za-z_]", "_", type_name)


def _create(conn: sqlite3.Connection, name: str, cols: list[tuple[str, str]]) -> None:
    spec = ", ".join(f'"{c}" {t}' for c, t in cols)
    conn.execute(f'CREATE TABLE "{name}" ({spec})')


def _insert(conn: sqlite3.Connection, name: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def write_sqlite(log: dict[str, Any], conn: sqlite3.Connection) -> None:
    """Write every table of `log` (the OCEL 2.0 JSON document) into an empty database."""
    _write_events(log, conn)
    _write_objects(log, conn)
    conn.commit()


def _write_events(log: dict[str, Any], conn: sqlite3.Connection) -> None:
    _create(conn, "event", [("ocel_id", "TEXT PRIMARY KEY"), ("ocel_type", "TEXT")])
    _create(conn, "event_map_type", [("ocel_type", "TEXT PRIMARY KEY"), ("ocel_type_map", "TEXT")])
    _create(
        conn,
        "event_object",
        [("ocel_event_id", "TEXT"), ("ocel_object_id", "TEXT"), ("ocel_qualifier", "TEXT")],
    )
    attrs: dict[str, list[str]] = {}
    for et in log["eventTypes"]:
        names = [a["name"] for a in et["attributes"]]
        attrs[et["name"]] = names
        cols = [(n, _SQL_TYPES[a["type"]]) for n, a in zip(names, et["attributes"], strict=True)]
        _create(
            conn,
            "event_" + table_suffix(et["name"]),
            [("ocel_id", "TEXT PRIMARY KEY"), ("ocel_time", "TIMESTAMP"), *cols],
        )
    _insert(conn, "event_map_type", [(n, table_suffix(n)) for n in attrs])
    _insert(conn, "event", [(e["id"], e["type"]) for e in log["events"]])
    by_type: dict[str, list[tuple[Any, ...]]] = {n: [] for n in attrs}
    links = []
    for e in log["events"]:
        values = {a["name"]: a["value"] for a in e.get("attributes", [])}
        by_type[e["type"]].append((e["id"], e["time"], *(values.get(n) for n in attrs[e["type"]])))
        links += [(e["id"], r["objectId"], r["qualifier"]) for r in e.get("relationships", [])]
    for name, rows in by_type.items():
        _insert(conn, "event_" + table_suffix(name), rows)
    _insert(conn, "event_object", links)


def _write_objects(log: dict[str, Any], conn: sqlite3.Connection) -> None:
    _create(conn, "object", [("ocel_id", "TEXT PRIMARY KEY"), ("ocel_type", "TEXT")])
    _create(conn, "object_map_type", [("ocel_type", "TEXT PRIMARY KEY"), ("ocel_type_map", "TEXT")])
    _create(
        conn,
        "object_object",
        [("ocel_source_id", "TEXT"), ("ocel_target_id", "TEXT"), ("ocel_qualifier", "TEXT")],
    )
    attrs: dict[str, list[str]] = {}
    for ot in log["objectTypes"]:
        names = [a["name"] for a in ot["attributes"]]
        attrs[ot["name"]] = names
        cols = [(n, _SQL_TYPES[a["type"]]) for n, a in zip(names, ot["attributes"], strict=True)]
        base = [("ocel_id", "TEXT"), ("ocel_time", "TIMESTAMP"), ("ocel_changed_field", "TEXT")]
        _create(conn, "object_" + table_suffix(ot["name"]), [*base, *cols])
    _insert(conn, "object_map_type", [(n, table_suffix(n)) for n in attrs])
    _insert(conn, "object", [(o["id"], o["type"]) for o in log["objects"]])
    by_type: dict[str, list[tuple[Any, ...]]] = {n: [] for n in attrs}
    links = []
    for o in log["objects"]:
        values = {a["name"]: a["value"] for a in o.get("attributes", [])}
        row = (o["id"], "1970-01-01 00:00:00", None, *(values.get(n) for n in attrs[o["type"]]))
        by_type[o["type"]].append(row)
        links += [(o["id"], r["objectId"], r["qualifier"]) for r in o.get("relationships", [])]
    for name, rows in by_type.items():
        _insert(conn, "object_" + table_suffix(name), rows)
    _insert(conn, "object_object", links)
