"""Split the official models' text output, `<SG> subject,object,relation; ... </SG>`, into items.

The text form puts the relation last (subject, object, relation); names are left raw here and
normalised by the caller, which knows the frame to name in errors.
"""

from __future__ import annotations

import re

_SG_BLOCK = re.compile(r"<\s*sg\s*>(.*?)(?:<\s*/\s*sg\s*>|$)", re.IGNORECASE | re.DOTALL)


def scene_graph_body(text: str) -> str:
    """The text between the first <SG> and its </SG> (or the end); the whole text if untagged."""
    match = _SG_BLOCK.search(text)
    return match.group(1) if match else text


def split_scene_graph_text(text: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Raw (subject, relation, object) triplets in order, and the items that are not 3 fields.

    Empty items (a trailing `;`) are skipped silently: they carry no claim.
    """
    triplets: list[tuple[str, str, str]] = []
    malformed: list[str] = []
    for item in scene_graph_body(text).split(";"):
        if not item.strip():
            continue
        fields = [field.strip() for field in item.split(",")]
        if len(fields) != 3 or not all(fields):
            malformed.append(item.strip())
            continue
        subject, obj, relation = fields
        triplets.append((subject, relation, obj))
    return triplets, malformed
