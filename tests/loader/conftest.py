"""Loader tests: generated files, and stores of both backends."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory):
    """A tiny generated dataset: per-procedure files plus splits.h5."""
    from orgraph.loader.synth import generate

    return generate(tmp_path_factory.mktemp("tiny"), scale="tiny", seed=3, rgb=None, progress=False)


@pytest.fixture(scope="session")
def tiny_merged(tmp_path_factory: pytest.TempPathFactory):
    """The same tiny dataset written as one merged file."""
    from orgraph.loader.synth import generate

    out: Path = tmp_path_factory.mktemp("tiny_merged")
    return generate(out, scale="tiny", seed=3, merged=True, rgb=None, progress=False)
