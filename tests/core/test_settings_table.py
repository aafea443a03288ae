"""The README's configuration table is Settings: same fields, variables and defaults.

Every field is accepted from the environment and from orgraph.toml, and no module but
core/settings.py reads ORGraph's configuration from the environment.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from orgraph.core.errors import ConfigError
from orgraph.core.settings import ENV_VARS, TEST_KNOBS, Settings, load_settings
from orgraph.core.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = ("core", "loader", "queries", "gnn", "dashboard", "orgraph")
SAMPLES: dict[str, tuple[str, object]] = {
    "backend": ("neo4j", "neo4j"),
    "db": ("some/graph", Path("some/graph")),
    "neo4j_uri": ("neo4j://db.example:7999", "neo4j://db.example:7999"),
    "neo4j_user": ("reader", "reader"),
    "neo4j_password": ("pw", "pw"),
    "neo4j_database": ("other", "other"),
    "query_timeout": ("2.5", 2.5),
    "row_limit": ("77", 77),
    "buffer_pool_mb": ("1024", 1024),
    "read_buffer_pool_mb": ("256", 256),
    "runs": ("my/runs", Path("my/runs")),
    "media_root": ("/data/h5", Path("/data/h5")),
    "threads": ("3", 3),
    "cache": ("/tmp/elsewhere", Path("/tmp/elsewhere")),
    "neo4j_port": ("17999", 17999),
}
"""A value of each field as written in the environment or the file, and as read back."""
OTHER_READS = {
    "JAVA_HOME": "core/neo4j_jars.py",  # the JDK to run Neo4j with, not an ORGraph setting
    "WORLD_SIZE": "gnn/ddp.py",  # set by torchrun for each worker
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [*ENV_VARS.values(), "ORGRAPH_CONFIG"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ORGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def readme_rows() -> list[tuple[str, str, str]]:
    """(variable, key, default) of each row of the README's configuration table."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1].strip("`"), cells[2]))
    return rows


def shown(value: object) -> str:
    """A default as the README writes it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_the_readme_table_lists_exactly_the_settings_fields() -> None:
    rows = readme_rows()
    fields = [f.name for f in dataclasses.fields(Settings)]
    assert [key for _, key, _ in rows] == fields
    assert {key: env for env, key, _ in rows} == ENV_VARS
    assert not set(TEST_KNOBS) & {env for env, _, _ in rows}


def test_the_readme_defaults_are_the_fields_defaults() -> None:
    defaults = Settings()
    for _, key, default in readme_rows():
        value = getattr(defaults, key)
        if default.startswith("`"):
            assert default.strip("`") == shown(value), key
        else:  # a phrase ("unset", "the local server's generated one") for an empty default
            assert value in (None, ""), f"{key}: README says {default!r}, field is {value!r}"


@pytest.mark.parametrize("key", list(ENV_VARS))
def test_every_field_is_read_from_the_environment_and_from_the_file(
    key: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    raw, expected = SAMPLES[key]
    monkeypatch.delenv(ENV_VARS[key], raising=False)
    (tmp_path / "orgraph.toml").write_text(f'{key} = "{raw}"\n')
    assert getattr(load_settings(), key) == expected
    (tmp_path / "orgraph.toml").unlink()
    monkeypatch.setenv(ENV_VARS[key], raw)
    assert getattr(load_settings(), key) == expected


def test_buffer_pool_mb_in_the_file_reaches_the_embedded_writer(tmp_path: Path) -> None:
    (tmp_path / "orgraph.toml").write_text("buffer_pool_mb = 1024\n")
    settings = load_settings(db=tmp_path / "db")
    assert settings.buffer_pool_mb == 1024
    with open_store(settings, read_only=False) as store:
        assert store._buffer_pool_bytes == 1024 * 1024 * 1024  # type: ignore[attr-defined]
        store.ensure_schema()
        assert store.is_empty()
    (tmp_path / "orgraph.toml").write_text("buffer_pool_mb = 8\n")
    with pytest.raises(ConfigError, match="ORGRAPH_BUFFER_POOL_MB must be 0"):
        load_settings()


def test_the_default_neo4j_uri_follows_the_local_port(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().neo4j_uri == "bolt://127.0.0.1:7687"
    monkeypatch.setenv("ORGRAPH_NEO4J_PORT", "17702")
    assert load_settings().neo4j_uri == "bolt://127.0.0.1:17702"
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    assert load_settings().neo4j_uri == "bolt://db.example:7687"
    monkeypatch.setenv("ORGRAPH_NEO4J_PORT", "http")
    with pytest.raises(ConfigError, match="ORGRAPH_NEO4J_PORT"):
        load_settings()


_ENV_READ = re.compile(r"os\.environ\.get\(\s*([^,)]+)|os\.getenv\(\s*([^,)]+)|os\.environ\[")


def test_only_settings_reads_configuration_from_the_environment() -> None:
    """Reads of os.environ elsewhere are copies for child processes or non-ORGraph variables."""
    found = []
    for folder in PACKAGE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "core/settings.py" or path.is_symlink() or "orgraph/core" in rel:
                continue
            for match in _ENV_READ.finditer(path.read_text()):
                name = (match.group(1) or match.group(2) or "").strip("\"' ")
                if OTHER_READS.get(name) != rel:
                    found.append(f"{rel}: {match.group(0)}")
    assert found == []
