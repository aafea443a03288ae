"""A small reader of moment-set files (docs/patterns.md on the moments branch), for `clip`.

Only what clips need: `format`, `version` and, per moment, `take`, `start_frame` and
`end_frame` (inclusive). To be replaced by queries.moments.load once that module is here.
"""

from __future__ import annotations

import json
from pathlib import Path

from orgraph.core.errors import DataFormatError

FORMAT = "orgraph-moments"
VERSION = 1


def moment_ranges(path: Path) -> list[tuple[str, int, int]]:
    """(take, start_frame, end_frame) of every moment, in file order."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no such moment-set file") from None
    except (OSError, ValueError) as exc:
        raise DataFormatError(f"{path}: not a moment-set JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataFormatError(f'{path}: not a moment set (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise DataFormatError(
            f"{path}: moment-set version {data.get('version')!r} is not {VERSION}"
        )
    moments = data.get("moments")
    if not isinstance(moments, list):
        raise DataFormatError(f'{path}: "moments" must be a list')
    out = []
    for i, m in enumerate(moments):
        if not isinstance(m, dict) or not all(k in m for k in ("take", "start_frame", "end_frame")):
            raise DataFormatError(f"{path}: moment {i} needs take, start_frame and end_frame")
        take, s, e = m["take"], m["start_frame"], m["end_frame"]
        ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (s, e))
        if not isinstance(take, str) or not take or not ints or not 0 <= s <= e:
            raise DataFormatError(
                f"{path}: moment {i} has take {take!r}, frames {s!r}..{e!r} "
                "(expected a take key and 0 <= start_frame <= end_frame)"
            )
        out.append((take, s, e))
    return out
