"""Settings: precedence of flags, environment and config file; the password never shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orgraph.core.errors import ConfigError
from orgraph.core.settings import Secret, load_settings

SECRET = "s3cret-Pa55word"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "ORGRAPH_BACKEND",
        "ORGRAPH_DB",
        "NEO4J_URI",
        "NEO4J_USER",
        "NEO4J_PASSWORD",
        "NEO4J_DATABASE",
        "ORGRAPH_CONFIG",
        "ORGRAPH_QUERY_TIMEOUT",
        "ORGRAPH_ROW_LIMIT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ORGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def test_defaults_env_file_and_flags_in_that_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert load_settings().backend == "embedded"
    config = tmp_path / "orgraph.toml"
    config.write_text(
        '[orgraph]\nbackend = "neo4j"\nneo4j_uri = "neo4j://db.example:7687"\nrow_limit = 50\n'
    )
    s = load_settings()
    assert (s.backend, s.neo4j_uri, s.row_limit) == ("neo4j", "neo4j://db.example:7687", 50)
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:7999")
    assert load_settings().neo4j_uri == "bolt://127.0.0.1:7999"
    assert load_settings(neo4j_uri="neo4j+s://x.databases.example").neo4j_uri.startswith("neo4j+s")
    assert load_settings(backend="embedded", db="some/dir").db == Path("some/dir")


def test_password_is_hidden_everywhere_but_reveal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    s = load_settings()
    assert s.neo4j_password.reveal() == SECRET
    assert SECRET not in repr(s) and SECRET not in str(s) and SECRET not in f"{s.neo4j_password}"
    assert repr(Secret(SECRET)) == "Secret('***')"


def test_bad_values_are_config_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="unknown backend 'mysql'"):
        load_settings(backend="mysql")
    with pytest.raises(ConfigError, match="must start with bolt:// or neo4j://"):
        load_settings(neo4j_uri="http://localhost:7474")
    (tmp_path / "orgraph.toml").write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown keys: colour"):
        load_settings()
    monkeypatch.setenv("ORGRAPH_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="not a file"):
        load_settings()


def test_cli_never_prints_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    for args in (
        ["--help"],
        ["load", "--help"],
        ["stats", "--help"],
        ["stats", "--backend", "neo4j", "--uri", "bolt://127.0.0.1:9"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "orgraph.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert SECRET not in proc.stdout + proc.stderr, args
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
