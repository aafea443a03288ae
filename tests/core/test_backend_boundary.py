"""Backend details stay behind the store: no backend compares elsewhere, typed failures."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from orgraph.core.errors import StoreError, StoreUnreachable
from orgraph.core.settings import Settings
from orgraph.core.store import GraphStore
from orgraph.core.store.ladybug_store import LadybugStore

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_THE_STORE = ("queries", "gnn", "dashboard", "orgraph", "loader")
ALLOWED = {"queries/catalog/dialect.py"}
"""The catalog's Dialect per backend name is the one place a backend name picks text."""
_COMPARE = re.compile(
    r"""(==|!=|\bin\b)\s*\(?\s*["'](embedded|neo4j|ladybug)["']"""
    r"""|["'](embedded|neo4j|ladybug)["']\s*(==|!=)"""
    r"""|\.backend\s*(==|!=|\bin\b)"""
)


def test_no_module_outside_the_store_branches_on_the_backend_name() -> None:
    found = []
    for folder in OUTSIDE_THE_STORE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED or rel.startswith("orgraph/commands/neo4j"):
                continue  # `orgraph neo4j` manages the local server, not a store
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if _COMPARE.search(line):
                    found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


def test_write_back_knows_no_backend_and_runs_no_transaction() -> None:
    text = (ROOT / "gnn" / "writeback.py").read_text()
    for word in ("BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "MERGE", "DELETE", "backend"):
        assert word not in text, word
    assert not hasattr(LadybugStore, "copy_nodes") and not hasattr(LadybugStore, "copy_rels")
    assert "replace_predictions" in GraphStore.__abstractmethods__


def test_an_unreachable_neo4j_server_is_store_unreachable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from orgraph.core.store.neo4j_store import Neo4jStore

    settings = Settings(backend="neo4j", neo4j_uri=f"bolt://127.0.0.1:{port}")
    with pytest.raises(StoreUnreachable, match=f"cannot reach Neo4j at bolt://127.0.0.1:{port}"):
        Neo4jStore(settings)
    assert issubclass(StoreUnreachable, StoreError)
