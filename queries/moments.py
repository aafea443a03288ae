"""The moment-set file: moments found by a pattern, saved as JSON that other commands read.

Layout (docs/patterns.md):

    {"format": "orgraph-moments", "version": 1, "pattern": "...", "filters": {...},
     "gap_tolerance": 0, "created": "...", "count": 2,
     "moments": [{"take": "MISS/1/2", "start_frame": 120, "end_frame": 164, "frames": 45,
                  "start_time": 8.0, "end_time": 11.0, "bindings": {"a": "assistant"},
                  "steps": [[120, 164]]}, ...]}

Frames are inclusive; `frames` counts the annotated frames in [start_frame, end_frame];
times are seconds (end exclusive: (end_frame + 1) / fps).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from orgraph.core.errors import DataFormatError

FORMAT = "orgraph-moments"
VERSION = 1
REQUIRED = ("take", "start_frame", "end_frame")


@dataclass
class MomentSet:
    """Moments (one dict each, keys as in the file) and how they were found."""

    pattern: str
    moments: list[dict[str, Any]]
    filters: dict[str, Any] = field(default_factory=dict)
    gap_tolerance: int = 0
    created: str = ""

    def ranges(self) -> dict[str, list[tuple[int, int]]]:
        """Take -> sorted, merged inclusive frame ranges covered by the moments."""
        out: dict[str, list[tuple[int, int]]] = {}
        for m in sorted(self.moments, key=lambda m: (m["take"], m["start_frame"])):
            spans = out.setdefault(m["take"], [])
            s, e = int(m["start_frame"]), int(m["end_frame"])
            if spans and s <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(spans[-1][1], e))
            else:
                spans.append((s, e))
        return out

    def to_json(self) -> dict[str, Any]:
        """The file's JSON object."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "pattern": self.pattern,
            "filters": self.filters,
            "gap_tolerance": self.gap_tolerance,
            "created": self.created,
            "count": len(self.moments),
            "moments": self.moments,
        }


def records(moments: pd.DataFrame) -> list[dict[str, Any]]:
    """A moments DataFrame (queries.patterns.MOMENT_COLUMNS) as plain JSON-ready dicts."""
    out = []
    for row in moments.to_dict("records"):
        out.append(
            {
                "take": str(row["take"]),
                "start_frame": int(row["start_frame"]),
                "end_frame": int(row["end_frame"]),
                "frames": int(row["frames"]),
                "start_time": round(float(row["start_time"]), 6),
                "end_time": round(float(row["end_time"]), 6),
                "bindings": {str(k): str(v) for k, v in dict(row["bindings"]).items()},
                "steps": [[int(a), int(b)] for a, b in row.get("steps") or []],
            }
        )
    return out


def new_set(pattern: str, moments: pd.DataFrame, filters: dict, gap: int) -> MomentSet:
    """A moment set stamped with the time it was made."""
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return MomentSet(pattern, records(moments), filters, gap, created)


def save(moment_set: MomentSet, path: Path) -> None:
    """Write the set atomically (a temporary file renamed over the target)."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise DataFormatError(f"{path}: directory {path.parent} does not exist")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(moment_set.to_json(), indent=2) + "\n")
    os.replace(tmp, path)


def _check_moment(i: int, m: Any, where: str) -> dict[str, Any]:
    if not isinstance(m, dict):
        raise DataFormatError(f"{where}: moment {i} is not an object")
    for key in REQUIRED:
        if key not in m:
            raise DataFormatError(f"{where}: moment {i} has no {key!r}")
    if not isinstance(m["take"], str) or not m["take"]:
        raise DataFormatError(f"{where}: moment {i} has take {m['take']!r}, not a take key")
    for key in ("start_frame", "end_frame"):
        if not isinstance(m[key], int) or isinstance(m[key], bool) or m[key] < 0:
            raise DataFormatError(f"{where}: moment {i} has {key} {m[key]!r}, not a frame index")
    if m["start_frame"] > m["end_frame"]:
        raise DataFormatError(
            f"{where}: moment {i} starts after it ends ({m['start_frame']} > {m['end_frame']})"
        )
    if not isinstance(m.get("bindings", {}), dict):
        raise DataFormatError(f"{where}: moment {i} has bindings that are not an object")
    return {**m, "bindings": dict(m.get("bindings", {})), "steps": list(m.get("steps", []))}


def load(path: Path) -> MomentSet:
    """Read and check a moment-set file; DataFormatError names the file and what is wrong."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no such moment-set file") from None
    except (OSError, ValueError) as exc:
        raise DataFormatError(f"{path}: not a moment-set JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataFormatError(
            f'{path}: not a moment set (expected "format": "{FORMAT}"; '
            "make one with `orgraph find PATTERN --save FILE`)"
        )
    if data.get("version") != VERSION:
        version = data.get("version")
        raise DataFormatError(f"{path}: moment-set version {version!r} is not {VERSION}")
    moments = data.get("moments")
    if not isinstance(moments, list):
        raise DataFormatError(f'{path}: "moments" must be a list')
    checked = [_check_moment(i, m, str(path)) for i, m in enumerate(moments)]
    return MomentSet(
        pattern=str(data.get("pattern", "")),
        moments=checked,
        filters=dict(data.get("filters") or {}),
        gap_tolerance=int(data.get("gap_tolerance") or 0),
        created=str(data.get("created", "")),
    )
