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


def validate_take_graph(g: TakeGraph) -> None:
    """Refuse rows that would fail half-way through a write, before anything is written.

    LadybugDB 0.22 keeps primary keys of a rolled-back COPY in its index when a COPY
    fails inside a transaction, so such failures must not reach the engine.
    """
    from orgraph.core.errors import StoreError

    def fail(what: str) -> None:
        raise StoreError(f"take {g.key}: refusing to write inconsistent rows: {what}")

    node_keys: dict[str, set[str]] = {}
    for name, df in (("frame", g.frames), ("entity", g.entities), ("interaction", g.interactions)):
        keys = df["key"]
        if keys.duplicated().any():
            fail(f"duplicate {name} key {keys[keys.duplicated()].iloc[0]!r}")
        if name != "interaction" and (df["take"] != g.key).any():
            fail(f"a {name} row belongs to another take")
        node_keys[name] = set(keys)
    checks = (
        ("next", g.next, "frame", "frame"),
        ("has_subject", g.has_subject, "interaction", "entity"),
        ("has_object", g.has_object, "interaction", "entity"),
        ("shows", g.shows, "frame", "interaction"),
    )
    for rel, df, src, dst in checks:
        for column, label in (("src", src), ("dst", dst)):
            missing = set(df[column]) - node_keys[label]
            if missing:
                fail(f"{rel} points at unknown {label} {sorted(missing)[0]!r}")


def require_distinct_takes(graphs: list[TakeGraph]) -> None:
    """Refuse a write that names one take twice: which copy should win is unclear."""
    from orgraph.core.errors import StoreError

    keys = [g.key for g in graphs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise StoreError(f"take {twice[0]} is given twice in one write; nothing was written")
