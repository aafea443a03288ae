"""Reliability of loading into a real Neo4j: lost server, bad credentials, no server."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from orgraph.core import neo4j_server
from orgraph.core.errors import StoreError
from orgraph.core.settings import Secret, Settings
from orgraph.core.store import open_store
from orgraph.loader.load import LoadOptions, load
from orgraph.queries.stats import graph_summary

pytestmark = pytest.mark.neo4j


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orgraph.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_wrong_password_is_one_clear_line(neo4j_settings: Settings, tiny_dataset) -> None:
    bad = replace(neo4j_settings, neo4j_password=Secret("not-the-password"))
    with pytest.raises(StoreError, match="refused the credentials") as err:
        open_store(bad)
    assert "not-the-password" not in str(err.value)
    proc = cli(
        "load",
        *map(str, tiny_dataset.files),
        "--splits",
        str(tiny_dataset.splits),
        "--backend",
        "neo4j",
        "--uri",
        neo4j_settings.neo4j_uri,
        env={"NEO4J_PASSWORD": "not-the-password"},
    )
    assert proc.returncode != 0
    assert "refused the credentials" in proc.stderr
    assert "Traceback" not in proc.stderr and "not-the-password" not in proc.stderr


def test_unreachable_server_is_one_clear_line(tiny_dataset) -> None:
    proc = cli(
        "stats",
        "--backend",
        "neo4j",
        "--uri",
        "bolt://127.0.0.1:9",
        env={"NEO4J_PASSWORD": "whatever"},
    )
    assert proc.returncode != 0
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_server_stopped_mid_load_then_rerun_completes(neo4j_settings: Settings, tiny_dataset):
    if os.environ.get("NEO4J_URI"):
        pytest.skip("the server is not ours to stop (NEO4J_URI is set)")
    opts = LoadOptions(tuple(tiny_dataset.files), tiny_dataset.splits)
    with open_store(neo4j_settings, read_only=False) as clean_store:
        load(clean_store, opts, progress=False)
        clean = graph_summary(clean_store)
        clean_store.write("MATCH (n) DETACH DELETE n")

    def stop_server(_key: str) -> None:
        neo4j_server.stop()

    try:
        with open_store(neo4j_settings, read_only=False) as store, pytest.raises(StoreError):
            load(store, opts, progress=False, on_written=stop_server)
    finally:
        neo4j_server.start()
    with open_store(neo4j_settings, read_only=False) as store:
        report = load(store, opts, progress=False)
        assert len(report.skipped) == 1  # the take written before the stop (one per transaction)
        assert graph_summary(store) == clean


def test_routing_uri_reaches_the_same_graph(neo4j_settings: Settings, tiny_dataset) -> None:
    """neo4j:// (routing, as for clusters and Aura) works as well as bolt://."""
    opts = LoadOptions(tuple(tiny_dataset.files), tiny_dataset.splits)
    with open_store(neo4j_settings, read_only=False) as store:
        load(store, opts, progress=False)
        direct = graph_summary(store)
    routed = replace(
        neo4j_settings, neo4j_uri=neo4j_settings.neo4j_uri.replace("bolt://", "neo4j://")
    )
    assert routed.neo4j_uri.startswith("neo4j://")
    with open_store(routed) as store:
        assert graph_summary(store) == direct
