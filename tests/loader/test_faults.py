"""Fault injection: seeded mutations of a valid generated file (tests/loader/mutations.py).

For each, `orgraph inspect` and `orgraph load` (with reader workers) either succeed, and
then the loaded graph's stats equal inspect, or fail with exactly one `error:` line naming
the file and nothing else on stderr (no traceback, no HDF5 diagnostics); a take inspect
warns about is one load refuses; and a store loaded from the valid file before is unchanged
by every failed load. A failing case reproduces from its name: the seed is `kind:n`.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from orgraph.cli import main
from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.loader.synth import generate
from orgraph.queries.stats import graph_summary
from tests.loader.damage import copy_store, snapshot
from tests.loader.mutations import MUTATIONS

pytestmark = pytest.mark.faults

SEEDS = {"truncate": 3, "flip_annotation_bytes": 3, "flip_any_bytes": 3, "flip_header_bytes": 4}
CASES = [f"{kind}:{n}" for kind in MUTATIONS for n in range(SEEDS.get(kind, 2))]


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings, tuple]:
    """A valid generated file, a store loaded from it, and what that store holds."""
    out = tmp_path_factory.mktemp("faults")
    ds = generate(out / "h5", scale="tiny", seed=7, merged=True, rgb=(12, 16), progress=False)
    settings = Settings(backend="embedded", db=out / "db")
    argv = ["load", str(ds.files[0]), "--db", str(settings.db), "--quiet", "--workers", "1"]
    assert main(argv) == 0
    return ds.files[0], settings, snapshot(settings)


def _run(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    """`orgraph ARGV` in this process: exit code, stdout, stderr lines (fd level, so HDF5's
    own diagnostics would show; an uncaught exception fails the test)."""
    code = main(argv)
    out, err = capfd.readouterr()
    return code, out, [line for line in err.splitlines() if line.strip()]


def _one_line(err: list[str], file: Path) -> None:
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert str(file) in err[0] or file.name in err[0], err[0]


@pytest.mark.parametrize("case", CASES)
def test_mutation_is_loaded_whole_or_refused_in_one_line(
    case: str, tmp_path: Path, valid, capfd: pytest.CaptureFixture[str]
) -> None:
    base, settings, before = valid
    bad = tmp_path / "mutated.h5"
    shutil.copyfile(base, bad)
    MUTATIONS[case.split(":")[0]](bad, random.Random(case))
    store = copy_store(settings, tmp_path / "db")

    code_i, out, err_i = _run(["inspect", str(bad), "--json"], capfd)
    warned = [line for line in err_i if line.startswith("warning: ")]
    if code_i == 0:
        assert warned == err_i, err_i
        summary = json.loads(out)
    else:
        _one_line(err_i, bad)

    code_l, _, err_l = _run(["load", str(bad), "--db", str(store.db), "--quiet"], capfd)
    if code_l != 0:
        _one_line(err_l, bad)
        assert snapshot(store) == before, "a refused load changed the store"
        return
    assert err_l == [] and not warned, (err_l, warned)  # load accepts what inspect accepts
    assert code_i == 0, f"load accepted what inspect refused: {err_i}"
    with open_store(store) as reader:
        assert graph_summary(reader) == summary
