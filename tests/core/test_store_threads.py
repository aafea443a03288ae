"""One read-only store used by many threads at once, on both backends (no caller-side lock)."""

from __future__ import annotations

import threading

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.records import build_take_graph
from tests.support.core import ANNOTATED, ROWS, take_annotations

READS = [
    "MATCH (t:Take) RETURN t.key AS k ORDER BY k",
    "MATCH (f:Frame)-[s:SHOWS]->(i:Interaction) RETURN f.key AS fk, i.key AS ik, s.n AS n "
    "ORDER BY fk, ik",
    "MATCH (i:Interaction) RETURN i.subject AS s, count(*) AS c ORDER BY s",
]


def test_threads_share_one_read_only_store(store_settings: Settings) -> None:
    with open_store(store_settings, read_only=False) as store:
        store.ensure_schema()
        for take_id in (1, 2, 3):
            store.replace_take(build_take_graph(take_annotations(take_id, ROWS, ANNOTATED)))
    with open_store(store_settings) as store:
        expected = [store.query(q).to_dict("records") for q in READS]
        wrong: list[object] = []

        def reader(offset: int) -> None:
            for j in range(12):
                k = (offset + j) % len(READS)
                try:
                    if store.query(READS[k]).to_dict("records") != expected[k]:
                        wrong.append((offset, j))
                except Exception as exc:  # noqa: BLE001 - any failure is the finding
                    wrong.append(exc)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert wrong == []
    assert len(expected[0]) == 3
