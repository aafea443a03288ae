"""Many embedded stores open at once in one process (a dashboard serving many sessions, a
long test session): each open reserves the engine's maximum database size as virtual
address space, so the reservation must stay small enough for dozens of opens."""

from __future__ import annotations

from contextlib import ExitStack

from orgraph.core.settings import Settings
from orgraph.core.store import open_store


def test_forty_read_only_opens_at_once_all_answer(tmp_path) -> None:
    settings = Settings(db=tmp_path / "db")
    with open_store(settings, read_only=False) as store:
        store.ensure_schema()
    with ExitStack() as stack:
        stores = [stack.enter_context(open_store(settings)) for _ in range(40)]
        counts = [int(s.query("MATCH (t:Take) RETURN count(t) AS n")["n"][0]) for s in stores]
    assert counts == [0] * 40
