"""Children that a test interrupts with Ctrl+C (SIGINT)."""

from __future__ import annotations

import signal


def interruptible() -> None:
    """Run in a child before exec: SIGINT acts as Ctrl+C in a terminal does, even when the
    test run itself was started in the background (a shell without job control starts
    background commands with SIGINT ignored, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
