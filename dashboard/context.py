"""What every page shares: settings from the environment, the live store, the sidebar.

`orgraph dashboard` passes its options as environment variables (ORGRAPH_BACKEND,
ORGRAPH_DB, NEO4J_URI, ORGRAPH_RUNS, ORGRAPH_MEDIA_ROOT), so each page reads them here,
through Settings like every other setting.
Each page run checks whether the stored data changed (a load ran) and if so reopens the
store and forgets the cached answers (see live_store.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import streamlit as st

from orgraph.core.errors import OrgraphError, StoreUnreachable
from orgraph.core.settings import Settings, load_settings
from orgraph.core.store import GraphStore, StoreChanged, open_store
from orgraph.dashboard import url_state
from orgraph.dashboard.live_store import LiveStore

log = logging.getLogger("orgraph.dashboard")
T = TypeVar("T")

RUNS_ENV = "ORGRAPH_RUNS"
MEDIA_ENV = "ORGRAPH_MEDIA_ROOT"
EMPTY_MESSAGE = (
    "The graph store is empty: no take is loaded yet. Load data with "
    "`orgraph load FILE.h5 ... --splits splits.h5` (same --backend/--db as the dashboard), "
    "or run `orgraph demo` for a generated dataset."
)
CHANGED_NOTICE = "The graph store changed on disk (a load ran); the data was reloaded."
BUSY_NOTICE = (
    "A load is writing the graph store right now: its data changed while this page read it. "
    "Press *Reload data* or refresh the page in a moment."
)
RETRY_PAUSES_S = (0.0, 0.3, 1.0)
"""Pauses before the reads of a page are tried again on a store opened afresh."""
_SEEN_CHANGES = "_store_changes_seen"


def settings() -> Settings:
    """The store settings given to `orgraph dashboard` (or the usual env/config)."""
    return load_settings()


def store_id(s: Settings) -> str:
    """A short name of the store in use; part of every cache key."""
    return f"{s.backend}:{s.where()}"


@st.cache_resource(show_spinner="Opening the graph store...")
def _open(sid: str) -> LiveStore:
    """Open the store once per process (a failure is not cached, so a retry reopens)."""
    return LiveStore(lambda: open_store(settings(), read_only=True))


def live_store() -> LiveStore:
    """The process's store for the current settings."""
    return _open(store_id(settings()))


def reload_store(force: bool = False) -> bool:
    """Reopen the store and forget cached answers if its data changed (or if forced)."""
    live = live_store()
    changed = live.check(force=force)
    if changed or force:
        st.cache_data.clear()
    return changed


def with_store(fn: Callable[[GraphStore], T]) -> T:
    """Call fn with the store; if the data changed under it, reopen and call it again.

    A load changes the file several times in a row (checkpoints, the swap of a copy), so
    a store opened in between can be outrun: a few tries, a little apart.
    """
    live = live_store()
    for pause in RETRY_PAUSES_S:
        with live.use() as store:
            try:
                return fn(store)
            except StoreChanged:
                stale = store
        if live.replace_stale(stale):
            st.cache_data.clear()
        time.sleep(pause)
    with live.use() as store:
        return fn(store)


def runs_dir() -> Path:
    """Where the Model page looks for training runs (sidebar, else the settings' runs:
    $ORGRAPH_RUNS or orgraph.toml, else runs/)."""
    return Path(st.session_state.get("runs_dir") or settings().runs)


def media_root() -> Path | None:
    """A directory that replaces the one recorded for moved HDF5 files, if set."""
    value = st.session_state.get("media_root") or ""
    return Path(value).expanduser() if value.strip() else settings().media_root


def media_root_notice() -> str | None:
    """A one-line notice when the media directory given does not exist (else None)."""
    root = media_root()
    if root is None or root.is_dir():
        return None
    what = "is not a directory" if root.exists() else "does not exist"
    return (
        f"The media directory {root} {what}; moved HDF5 files cannot be looked for there "
        "(files are opened where the graph recorded them)."
    )


def _sync(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key].strip()


def sidebar() -> None:
    """Where the data comes from, plus the two directories a user may need to remap."""
    s = settings()
    with st.sidebar:
        st.caption(f"Graph store: **{s.backend}** at `{s.where()}`")
        st.session_state.setdefault("media_root", str(s.media_root or ""))
        st.session_state.setdefault("runs_dir", str(s.runs))
        st.text_input(
            "Media directory (for moved HDF5 files)",
            value=st.session_state["media_root"],
            key="_media_root",
            on_change=_sync,
            args=("_media_root", "media_root"),
            help=f"Files named by the graph are looked for here by name; also ${MEDIA_ENV}.",
        )
        notice = media_root_notice()
        if notice:
            st.warning(notice)
        st.text_input(
            "Training runs directory",
            value=st.session_state["runs_dir"],
            key="_runs_dir",
            on_change=_sync,
            args=("_runs_dir", "runs_dir"),
            help=f"Also ${RUNS_ENV}.",
        )
        if st.button("Reload data", help="Reopen the graph store and forget cached results"):
            reload_store(force=True)


def store_problem(exc: OrgraphError) -> None:
    """Say clearly why the store could not be used, and what to do."""
    text = str(exc)
    if isinstance(exc, StoreUnreachable):
        st.error(
            f"**The Neo4j server is unreachable.** {text}. Check NEO4J_URI (or --uri) and "
            "that the server is up, then press *Reload data* or refresh the page."
        )
    else:
        st.error(f"**The graph store could not be used.** {text}")


def notice_if_changed() -> None:
    """Reopen on a data change (once a second at most); say so once in every session."""
    reload_store()
    changes = live_store().changes
    seen = st.session_state.setdefault(_SEEN_CHANGES, changes)
    if changes != seen:
        st.session_state[_SEEN_CHANGES] = changes
        st.info(CHANGED_NOTICE)


@contextmanager
def friendly_errors(title: str) -> Iterator[None]:
    """What goes wrong inside says so in the page (a line, no traceback); the log keeps it."""
    try:
        yield
    except StoreChanged:
        st.warning(BUSY_NOTICE)
    except OrgraphError as exc:
        store_problem(exc)
    except Exception as exc:  # never a traceback in the page; the log keeps the detail
        log.exception("dashboard page %s failed", title)
        st.error(f"Something went wrong on this page: {type(exc).__name__}: {exc}")


def run_page(title: str, render: Callable[[], None], needs_data: bool = True) -> None:
    """Render a page with the sidebar, the empty-store check and friendly errors only."""
    st.title(title)
    url_state.begin_visit(title)
    with friendly_errors(title):
        sidebar()
        notice_if_changed()
        if needs_data and with_store(lambda s: s.is_empty()):
            st.info(EMPTY_MESSAGE)
            return
        render()
