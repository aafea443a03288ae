"""Real loads for tests of readers that stay open across them: `orgraph load` in a subprocess.

`swap_in` replaces the database file the way a shadow-copy load does (a copy loaded
aside, then os.replace over the original), so readers face a file with a new inode.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orgraph.core.store.ladybug_store import database_file


def cli_load(files: list[Path], splits: Path, db: Path, *extra: str) -> str:
    """Run `orgraph load FILES --splits S --db DB [extra]` in its own process; its stdout."""
    cmd = [sys.executable, "-m", "orgraph.cli", "load", *map(str, files), "--splits", str(splits)]
    done = subprocess.run(
        [*cmd, "--db", str(db), "--quiet", "--workers", "1", *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def swap_in(db: Path, files: list[Path], splits: Path, *extra: str) -> None:
    """Load into a copy of db, then os.replace the copy's file over db's (a new inode)."""
    aside = db.parent / f"{db.name}.aside"
    shutil.rmtree(aside, ignore_errors=True)
    shutil.copytree(db, aside)
    cli_load(files, splits, aside, *extra)
    before = os.stat(database_file(db)).st_ino
    os.replace(database_file(aside), database_file(db))
    assert os.stat(database_file(db)).st_ino != before
    shutil.rmtree(aside)


_HOLDING_WRITER = """
import sys
import ladybug
db = ladybug.Database(sys.argv[1], auto_checkpoint=False)
conn = ladybug.Connection(db)
conn.execute(
    "CREATE (t:Take {key: 'MISS/9/9', surgery_type: 'MISS', procedure_id: 9, take_id: 9, "
    "split: 'train', frames: 1, annotated_frames: 0, triplets: 0})"
    "-[:HAS_FRAME]->(:Frame {key: 'MISS/9/9#0', take: 'MISS/9/9', idx: 0, annotated: false, "
    "triplets: 0})"
)
print("committed", flush=True)
sys.stdin.readline()
"""


@contextmanager
def commit_held_in_wal(db: Path) -> Iterator[None]:
    """A writer process commits one more take (a frame, no triplets) and stays open.

    The commit sits in the WAL, not checkpointed: the database file is unchanged, so only
    the data version (which covers the WAL) tells an open reader that there is more.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDING_WRITER, str(database_file(db))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "committed"
        yield
    finally:
        proc.communicate("\n", timeout=60)
