"""A password inside a Neo4j URI never shows: not in messages, --help or logs.

Such a URI is refused (the driver would not use the credentials, and a URI travels through
command lines, logs and messages); the refusal names NEO4J_USER / NEO4J_PASSWORD. Every
message that shows a URI shows it through core.settings.redact_uri. The dashboard's
side is in tests/dashboard/test_uri_secret_page.py.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import exceptions as nx

from orgraph.cli import build_parser
from orgraph.core.errors import ConfigError
from orgraph.core.settings import Settings, load_settings, redact_text, redact_uri
from orgraph.core.store.neo4j_store import Neo4jStore
from tests.support.core import SECRET, URI

COMMANDS = [  # every command that opens the store, with the arguments it needs
    ["stats"],
    ["load", "missing.h5"],
    ["cypher", "MATCH (t:Take) RETURN t.key"],
    ["query", "dataset_overview"],
    ["export-eventlog", "log.csv"],
    ["export", "out"],
    ["evaluate", "--predictions", "p.json"],
    ["dashboard", "--port", "8709"],
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "ORGRAPH_CONFIG", "ORGRAPH_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    "uri, shown",
    [
        (URI, "bolt://***@127.0.0.1:1"),
        (f"neo4j+s://{SECRET}@db.example:7687", "neo4j+s://***@db.example:7687"),
        (f"bolt://u:pa/{SECRET}@host", "bolt://***@host"),  # unescaped '/' in the password
        (f"bolt://u:a@{SECRET}@host", "bolt://***@host"),  # unescaped '@'
        (f"u:{SECRET}@host:7687", "***@host:7687"),  # no scheme
        ("bolt://127.0.0.1:7687", "bolt://127.0.0.1:7687"),
    ],
)
def test_redact_uri(uri: str, shown: str) -> None:
    assert redact_uri(uri) == shown
    if "://" in uri:  # in free text only a URI with a scheme can be recognised
        assert SECRET not in redact_text(f"driver said: Given URI: '{uri}'.")


def test_settings_refuse_credentials_in_the_uri(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refused(**overrides: object) -> str:
        with pytest.raises(ConfigError) as err:
            load_settings(**overrides)
        text = str(err.value)
        assert SECRET not in text and "someone" not in text
        return text

    assert "NEO4J_USER / NEO4J_PASSWORD" in refused(neo4j_uri=URI)
    monkeypatch.setenv("NEO4J_URI", URI)
    assert "bolt://***@127.0.0.1:1" in refused()
    monkeypatch.delenv("NEO4J_URI")
    (tmp_path / "orgraph.toml").write_text(f'neo4j_uri = "{URI}"\n')
    refused()
    assert "must start with bolt://" in refused(neo4j_uri=f"http://someone:{SECRET}@host")


def test_store_refuses_before_the_driver_sees_it(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as err:
        Neo4jStore(Settings(backend="neo4j", neo4j_uri=URI))  # built without validation
    assert SECRET not in str(err.value) and SECRET not in caplog.text


def test_driver_messages_are_redacted() -> None:
    """A driver error that quotes a URI with userinfo is shown without it."""
    store = Neo4jStore.__new__(Neo4jStore)
    store.uri, store.shown_uri, store.user = URI, redact_uri(URI), "neo4j"
    exc = nx.ConfigurationError(f"URI userinfo is not supported. Given URI: '{URI}'.")
    for error in (exc, RuntimeError(f"failed on {URI}")):
        text = str(store._friendly(error))
        assert SECRET not in text and "***@127.0.0.1:1" in text


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orgraph.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ORGRAPH_CACHE": str(Path.cwd() / "cache"), **env},
    )


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_cli_errors_never_show_the_secret(args: list[str]) -> None:
    by_flag = _cli([*args, "--backend", "neo4j", "--uri", URI], {})
    by_env = _cli(args, {"ORGRAPH_BACKEND": "neo4j", "NEO4J_URI": URI})
    for done in (by_flag, by_env):
        output = done.stdout + done.stderr
        assert done.returncode != 0, output
        assert SECRET not in output and "someone" not in output
        assert "NEO4J_PASSWORD" in done.stderr, done.stderr
        assert "Traceback" not in output


def test_help_never_shows_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", URI)
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    texts = [parser.format_help()]
    texts += [p.format_help() for p in subparsers.choices.values()]  # type: ignore[union-attr]
    assert len(texts) > len(COMMANDS)
    assert all(SECRET not in t for t in texts)
