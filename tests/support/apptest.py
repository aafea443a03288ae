"""Helpers of the dashboard's AppTest tests (tests/dashboard): the app on an embedded
store, switching to a page, and what a run sent to the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.dashboard import APP


def app(monkeypatch: pytest.MonkeyPatch, db: Path, runs: Path | None = None) -> AppTest:
    """The app on an embedded store (settings through the environment, as `orgraph dashboard`)."""
    monkeypatch.setenv("ORGRAPH_BACKEND", "embedded")
    monkeypatch.setenv("ORGRAPH_DB", str(db))
    monkeypatch.delenv("ORGRAPH_MEDIA_ROOT", raising=False)
    if runs is not None:
        monkeypatch.setenv("ORGRAPH_RUNS", str(runs))
    return AppTest.from_file(str(APP), default_timeout=120)


def page(at: AppTest, name: str, **query: str) -> AppTest:
    """Switch to a page (with URL query parameters) and run it."""
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def player_frames(at: AppTest) -> dict:
    """Frame -> data URL of the mosaics sent to the frame viewer's player this run."""
    import json

    comps = [e for e in at.main if getattr(e, "type", "") == "component_instance"]
    return json.loads(comps[0].proto.json_args)["frames"] if comps else {}
