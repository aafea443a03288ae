"""The demo's headline answers agree with the catalog queries they summarise."""

from __future__ import annotations

from orgraph.core.store import GraphStore
from orgraph.queries.catalog import run_query
from orgraph.queries.headlines import headlines


def test_headlines_name_the_top_handover_and_skip_repeats(loaded_store: GraphStore) -> None:
    text = headlines(loaded_store, top=3)
    hand = run_query(loaded_store, "handovers")
    assert not hand.empty
    counts = hand.groupby(["giver", "receiver", "object"]).size()
    top = counts[counts == counts.max()].sort_index().index[0]
    first_row = text.split("\n")[2].split()
    assert first_row[:3] == list(top) and int(first_row[3]) == counts.max()
    sequences = text.split("ngrams")[1].split("\n\n")[0]
    for line in sequences.splitlines()[2:]:
        steps = line.split(None, 1)[1].rsplit(None, 2)[0].split(" -> ")
        assert all(a.strip() != b.strip() for a, b in zip(steps, steps[1:], strict=False))
