"""The dashboard's read-only store, reopened when the stored data changes (a load ran).

Store calls take no lock here: the stores are safe across threads themselves. The lock
below only guards which store is current and how many calls use it, so that a reopen on
one thread closes the old store only after the calls still running on it have returned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from orgraph.core.store import GraphStore

CHECK_INTERVAL_S = 1.0


@dataclass
class _Open:
    """One opened store, the data version it was opened at, and its calls in flight."""

    store: GraphStore
    version: str
    users: int = 0
    retired: bool = False


class LiveStore:
    """One store per process; `check()` reopens it when `data_version()` changed."""

    def __init__(self, opener: Callable[[], GraphStore]) -> None:
        self._opener = opener
        self._lock = threading.Lock()  # bookkeeping only, never held around a store call
        self._reopening = threading.Lock()
        store = opener()
        self._current = _Open(store, store.data_version())
        self._checked = time.monotonic()
        self.generation = 0
        """Reopens so far; part of every cache key, so answers of an old store are not reused."""
        self.changes = 0
        """Reopens that found the data changed; sessions show a notice when it moves on."""

    @contextmanager
    def use(self) -> Iterator[GraphStore]:
        """The current store, kept open until this block ends even if a reopen happens."""
        with self._lock:
            entry = self._current
            entry.users += 1
        try:
            yield entry.store
        finally:
            with self._lock:
                entry.users -= 1
                close_now = entry.retired and entry.users == 0
            if close_now:
                entry.store.close()

    def check(self, force: bool = False) -> bool:
        """Reopen if the data version changed (looked at once a second), or always if forced.

        Returns True when the data had changed.
        """
        with self._lock:
            now = time.monotonic()
            if not force and now - self._checked < CHECK_INTERVAL_S:
                return False
            self._checked = now
            seen = self._current
        version = seen.store.data_version()
        changed = version != seen.version
        if changed or force:
            self._reopen(seen, version, changed)
        return changed

    def replace_stale(self, store: GraphStore) -> bool:
        """Reopen because `store` found its data changed, unless that was done already.

        Returns True when this call reopened (the caller then forgets cached answers).
        """
        with self._lock:
            seen = self._current
        if seen.store is not store:
            return False
        self._reopen(seen, store.data_version(), changed=True)
        return True

    def _reopen(self, seen: _Open, version: str, changed: bool) -> None:
        """Open a new store first (an old one keeps serving if that fails), then swap."""
        with self._reopening:
            if self._current is not seen:  # another thread reopened meanwhile
                return
            fresh = _Open(self._opener(), version)
            with self._lock:
                old, self._current = self._current, fresh
                self.generation += 1
                self.changes += int(changed)
                old.retired = True
                close_now = old.users == 0
            if close_now:
                old.store.close()

    def close(self) -> None:
        """Close the current store (when the process ends)."""
        with self._lock:
            entry = self._current
            entry.retired = True
            close_now = entry.users == 0
        if close_now:
            entry.store.close()
