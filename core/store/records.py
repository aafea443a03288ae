"""One take turned into graph rows: the unit the stores write atomically."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class TakeGraph:
    """All rows of one take, columns named as in core.store.schema.

    Relationship frames have `src` and `dst` columns holding node keys.
    """

    take: dict[str, object]
    procedure: dict[str, object]
    sources: pd.DataFrame  # src (take key), dst (source name), idx
    frames: pd.DataFrame
    next: pd.DataFrame  # src, dst (frame keys)
    entities: pd.DataFrame
    interactions: pd.DataFrame
    has_subject: pd.DataFrame  # src interaction key, dst entity key
    has_object: pd.DataFrame
    shows: pd.DataFrame  # src frame key, dst interaction key, n

    @property
    def key(self) -> str:
        return str(self.take["key"])
