"""Progress: a bar only on a terminal; in a log, a few short lines and a closing one."""

from __future__ import annotations

import io
import os
import pty

from orgraph.core.progress import Progress


def test_log_gets_short_lines_per_note_and_tenth() -> None:
    out = io.StringIO()
    with Progress(1000, "synth", "frame", stream=out) as bar:
        for take in range(4):
            for _ in range(250):
                bar.update(1, note=f"take {take}")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert 4 <= len(lines) <= 20, lines
    assert all(len(line) < 120 for line in lines)
    assert lines[0] == "synth: 1/1000 frame (take 0)"
    assert lines[-1].startswith("synth: 1000/1000 frame in ")


def test_disabled_writes_nothing() -> None:
    out = io.StringIO()
    with Progress(3, "reading", "take", enabled=False, stream=out) as bar:
        bar.update(3, note="x")
    assert out.getvalue() == ""


def test_terminal_gets_a_bar() -> None:
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as tty:
        with Progress(5, "writing", "take", stream=tty) as bar:
            for i in range(5):
                bar.update(1, note=f"MISS/1/{i}")
        tty.flush()
    seen = os.read(leader, 65536).decode(errors="replace")
    os.close(leader)
    assert "writing" in seen and "\r" in seen
