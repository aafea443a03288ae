"""Progress of long operations: a bar on a terminal, a few plain lines in a log.

A tqdm bar redraws itself with carriage returns, which a log file keeps as one line of tens
of thousands of characters. So the bar is drawn only when the stream is a terminal;
elsewhere a line is written when the step's note changes (a new take, a new epoch), when
another tenth of the work is done, or every LOG_EVERY_S seconds, and once at the end.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

LOG_EVERY_S = 10.0


class Progress:
    """Counts done units of a known total; use as a context manager, or call close()."""

    def __init__(
        self,
        total: int,
        desc: str,
        unit: str = "item",
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
    ) -> None:
        self.total, self.desc, self.unit = total, desc, unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self._note = ""
        self._start = self._last_line = time.monotonic()
        self._last_tenth = 0
        is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar = (
            tqdm(total=total, desc=desc, unit=unit, file=self.stream)
            if enabled and is_tty
            else None
        )

    def update(self, n: int = 1, note: str | None = None) -> None:
        """Count n more units done; `note` names what is being worked on (e.g. the take)."""
        self.done += n
        changed = note is not None and note != self._note
        if note is not None:
            self._note = note
        if self._bar is not None:
            if changed:
                self._bar.set_postfix_str(note or "", refresh=False)
            self._bar.update(n)
        elif self.enabled:
            self._maybe_log(changed)

    def note(self, text: str) -> None:
        """Name the current step without counting anything."""
        self.update(0, text)

    def _maybe_log(self, changed: bool) -> None:
        tenth = 10 * self.done // self.total if self.total else 10
        now = time.monotonic()
        if changed or tenth > self._last_tenth or now - self._last_line >= LOG_EVERY_S:
            self._last_tenth, self._last_line = tenth, now
            self._line()

    def _line(self, suffix: str = "") -> None:
        note = f" ({self._note})" if self._note else ""
        print(
            f"{self.desc}: {self.done}/{self.total} {self.unit}{note}{suffix}",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        """End the bar, or write the closing line in a log."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.enabled:
            self._note = ""
            self._line(f" in {time.monotonic() - self._start:.1f} s")
            self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
