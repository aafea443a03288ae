"""The graph store: one interface (GraphStore), two backends, one factory."""

from __future__ import annotations

from orgraph.core.settings import Settings
from orgraph.core.store.base import GraphStore, StoreChanged
from orgraph.core.store.records import TakeGraph

__all__ = ["GraphStore", "StoreChanged", "TakeGraph", "open_store"]


def open_store(settings: Settings, read_only: bool = True, batch_size: int = 5000) -> GraphStore:
    """Open the configured backend; only loaders and write-back open it writable."""
    if settings.backend == "neo4j":
        from orgraph.core.store.neo4j_store import Neo4jStore

        return Neo4jStore(settings, read_only=read_only, batch_size=batch_size)
    from orgraph.core.store.ladybug_store import LadybugStore

    return LadybugStore(
        settings.db,
        read_only=read_only,
        read_buffer_pool_mb=settings.read_buffer_pool_mb,
        buffer_pool_mb=settings.buffer_pool_mb,
    )
