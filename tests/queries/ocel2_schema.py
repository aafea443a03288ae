"""The OCEL 2.0 JSON serialisation's structure as a JSON Schema (written from the standard's
description of the format, for the export test), and its referential rules."""

from __future__ import annotations

from typing import Any

_ATTR_TYPES = ["string", "time", "integer", "float", "boolean"]
_TYPED = {
    "type": "object",
    "required": ["name", "attributes"],
    "properties": {
        "name": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "type"],
                "properties": {"name": {"type": "string"}, "type": {"enum": _ATTR_TYPES}},
            },
        },
    },
}
_RELS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["objectId", "qualifier"],
        "properties": {"objectId": {"type": "string"}, "qualifier": {"type": "string"}},
    },
}
_TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["objectTypes", "eventTypes", "objects", "events"],
    "properties": {
        "objectTypes": {"type": "array", "items": _TYPED},
        "eventTypes": {"type": "array", "items": _TYPED},
        "objects": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": {"type": "string"},
                    "type": {"type": "string"},
                    "attributes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "time", "value"],
                            "properties": {"name": {"type": "string"}, "time": _TIME},
                        },
                    },
                    "relationships": _RELS,
                },
            },
        },
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type", "time"],
                "properties": {
                    "id": {"type": "string"},
                    "type": {"type": "string"},
                    "time": _TIME,
                    "attributes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "value"],
                            "properties": {"name": {"type": "string"}},
                        },
                    },
                    "relationships": _RELS,
                },
            },
        },
    },
}


def reference_errors(log: dict[str, Any]) -> list[str]:
    """Broken references: unknown types or attributes, relationships to unknown objects,
    duplicate ids."""
    errors: list[str] = []
    otypes = {t["name"]: {a["name"] for a in t["attributes"]} for t in log["objectTypes"]}
    etypes = {t["name"]: {a["name"] for a in t["attributes"]} for t in log["eventTypes"]}
    ids = [o["id"] for o in log["objects"]]
    if len(set(ids)) != len(ids):
        errors.append("duplicate object ids")
    if len({e["id"] for e in log["events"]}) != len(log["events"]):
        errors.append("duplicate event ids")
    known = set(ids)
    for kind, items, types in (
        ("object", log["objects"], otypes),
        ("event", log["events"], etypes),
    ):
        for it in items:
            if it["type"] not in types:
                errors.append(f"{kind} {it['id']}: undeclared type {it['type']}")
                continue
            for a in it.get("attributes", []):
                if a["name"] not in types[it["type"]]:
                    errors.append(f"{kind} {it['id']}: undeclared attribute {a['name']}")
            for r in it.get("relationships", []):
                if r["objectId"] not in known:
                    errors.append(f"{kind} {it['id']}: unknown object {r['objectId']}")
    return errors
