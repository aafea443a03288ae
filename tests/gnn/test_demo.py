"""The demo's graph-learning step end to end on a real embedded store with the tiny data."""

from __future__ import annotations

from pathlib import Path

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.gnn.demo import train_and_evaluate
from orgraph.gnn.evaluate_run import MODEL_LABELS, NOTE

_COUNT = "MATCH (p:Prediction)-[:PREDICTED_BY]->(r:Run) RETURN r.key AS run, count(p) AS n"


def test_train_and_evaluate_prints_table_and_writes_back(db_copy: Settings, tmp_path: Path) -> None:
    table = train_and_evaluate(db_copy, tmp_path / "work", epochs=1, progress=False)
    for label in MODEL_LABELS.values():
        assert label in table
    assert "published, real EgoExOR" in table and NOTE in table
    with open_store(db_copy) as store:
        first = store.query(_COUNT)
    assert len(first) == 1 and int(first["n"].iloc[0]) > 0
    run = tmp_path / "work" / "runs" / first["run"].iloc[0]
    assert (run / "models.pt").is_file()

    again = train_and_evaluate(db_copy, tmp_path / "work", epochs=1, progress=False)
    assert again == table  # the finished run is reused, its predictions replaced in place
    with open_store(db_copy) as store:
        assert store.query(_COUNT).equals(first)
