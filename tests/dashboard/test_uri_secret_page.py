"""The dashboard never shows a password given inside NEO4J_URI (page text or logs)."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.core import SECRET, URI
from tests.support.dashboard import APP


def test_dashboard_never_shows_the_secret(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ORGRAPH_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", URI)
    monkeypatch.setenv("NEO4J_PASSWORD", "not-this-one-either")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    shown = "\n".join(str(e.value) for e in [*at.error, *at.caption, *at.markdown, *at.info])
    assert "NEO4J_USER / NEO4J_PASSWORD" in shown
    assert SECRET not in shown and "someone" not in shown
    assert SECRET not in caplog.text
    for name in ("overview", "console", "frame_viewer"):
        at.switch_page(f"views/{name}.py").run()
        texts = "\n".join(str(e.value) for e in [*at.error, *at.caption, *at.markdown])
        assert SECRET not in texts and at.error
