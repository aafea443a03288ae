"""Shared fixtures for query tests: one dataset, loaded once per backend, and its truth.

- `query_units` (session): the load units of the test dataset: the `tiny` synthetic
  dataset (one merged file, made once per session) plus tests/queries/edge_cases.py
  (procedure 9: unannotated and empty frames, touching and overlapping intervals,
  duplicate rows, ties, a role with no interactions, a single-frame take and a take
  with no annotations).
- `reference` (session): the same data read straight from HDF5 by the reader, as a
  tests.queries.reference.Reference: `.rows` (take, frame, subject, relation, object;
  one row per triplet row), `.takes` (per-take frames, annotated_frames, triplets,
  split, procedure), `.annotated` (take, frame), `.sources`, and, computed with
  plain loops (not loader.intervals), `.intervals` and `.entities`. Helpers:
  reference.compute_intervals, role_events, label.
- `loaded_store` (module, parametrised embedded / neo4j): a read-only GraphStore
  holding exactly that data. The embedded database is loaded once per session; the
  Neo4j one is wiped (MATCH (n) DETACH DELETE n) and loaded on first use and
  reloaded whenever another test changed it. Neo4j cases carry pytest.mark.neo4j.
- `open_loaded(backend, units, request, db_dir)`: the same for any other units
  (e.g. the `small` scale in a slow test module).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from orgraph.core.store import GraphStore, open_store
from orgraph.loader.load import LoadOptions, load
from orgraph.loader.synth import generate
from tests.queries.edge_cases import write_edge_file
from tests.queries.reference import LoadUnit, Reference, read_reference
from tests.support.stores import make_settings, wipe

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def synth_units(out_dir: Path, scale: str, seed: int = 0) -> list[LoadUnit]:
    """Generate a synthetic dataset (merged, no RGB) and return it as one load unit."""
    result = generate(out_dir, scale=scale, seed=seed, merged=True, rgb=None, progress=False)
    return [(tuple(result.files), result.splits)]


def load_units(store: GraphStore, units: Sequence[LoadUnit]) -> None:
    """Load every unit into a writable store, in this process."""
    for paths, splits in units:
        load(store, LoadOptions(paths=paths, splits=splits), workers=1, progress=False)


def _snapshot(store: GraphStore) -> tuple[dict[str, str], int]:
    count = store.query("MATCH (n) RETURN count(n) AS n")["n"].iloc[0]
    return store.take_fingerprints(), int(count)


_NEO4J_LOADED: dict[tuple[str, ...], tuple[dict[str, str], int]] = {}
_EMBEDDED_LOADED: dict[tuple[str, ...], Path] = {}


def _unit_id(units: Sequence[LoadUnit]) -> tuple[str, ...]:
    return tuple(str(p) for paths, _ in units for p in paths)


def open_loaded(
    backend: str, units: Sequence[LoadUnit], request: pytest.FixtureRequest, db_dir: Path
) -> GraphStore:
    """A read-only store holding exactly `units`, loading only when it does not already."""
    uid = _unit_id(units)
    if backend == "embedded":
        if uid not in _EMBEDDED_LOADED:
            settings = make_settings("embedded", request, db_dir)
            with open_store(settings, read_only=False) as store:
                load_units(store, units)
            _EMBEDDED_LOADED[uid] = db_dir
        return open_store(make_settings("embedded", request, _EMBEDDED_LOADED[uid]))
    settings = make_settings("neo4j", request, db_dir)
    store = open_store(settings)
    if _NEO4J_LOADED.get(uid) != _snapshot(store):
        wipe(settings)
        with open_store(settings, read_only=False) as writer:
            load_units(writer, units)
        _NEO4J_LOADED.clear()
        _NEO4J_LOADED[uid] = _snapshot(store)
    return store


@pytest.fixture(scope="session")
def query_units(tmp_path_factory: pytest.TempPathFactory) -> list[LoadUnit]:
    """The tiny synthetic dataset plus the edge-case file."""
    root = tmp_path_factory.mktemp("query_data")
    edge = write_edge_file(root / "edge_cases.h5")
    return [*synth_units(root / "tiny", "tiny"), ((edge,), None)]


@pytest.fixture(scope="session")
def reference(query_units: list[LoadUnit]) -> Reference:
    """The test dataset read straight from HDF5; see the module docstring."""
    return read_reference(query_units)


@pytest.fixture(scope="module", params=BACKENDS)
def loaded_store(
    request: pytest.FixtureRequest,
    query_units: list[LoadUnit],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[GraphStore]:
    """A read-only store with the test dataset, once per backend."""
    store = open_loaded(request.param, query_units, request, tmp_path_factory.mktemp("qdb"))
    yield store
    store.close()
