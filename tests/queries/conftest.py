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
- `open_loaded(backend, units, request, db_dir)` (tests/support/queries.py): the same
  for any other units (e.g. the `small` scale in a slow test module).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orgraph.core.store import GraphStore
from tests.queries.edge_cases import write_edge_file
from tests.queries.reference import LoadUnit, Reference, read_reference
from tests.support.queries import BACKENDS, open_loaded, synth_units


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
