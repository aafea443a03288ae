"""The child process that runs embedded console queries: `python -m core.store.ladybug_worker DB`.

It opens the database read-only once, then answers requests read from stdin, one
at a time, on the stdout it was started with (the engine's own output goes to
stderr). An engine crash ends only this process. It ends when stdin closes or
when its parent process is gone.

Messages are pickled tuples with a 4-byte length prefix. Requests:
(cypher, params, timeout_s, row_limit). Replies: ("ready",) once open, then
("rows", columns, rows, truncated), ("stopped",) after the engine's timeout, or
("error", one-line message).
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

HEADER = struct.Struct("!I")
PARENT_CHECK_SECONDS = 0.5


def encode(message: tuple[Any, ...]) -> bytes:
    """One framed message: length prefix, then the pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def receive(stream: BinaryIO) -> tuple[Any, ...] | None:
    """Read one framed message, or None at end of input."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _send(stream: BinaryIO, message: tuple[Any, ...]) -> None:
    stream.write(encode(message))
    stream.flush()


def _watch_parent(parent: int) -> None:
    """End this process as soon as the process that started it is gone."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _answer(store: Any, request: tuple[Any, ...]) -> tuple[Any, ...]:
    from orgraph.core.errors import StoreError

    cypher, params, timeout, row_limit = request
    try:
        df = store.query(cypher, params, timeout=timeout, row_limit=row_limit)
    except StoreError as exc:
        text = str(exc)
        if text.strip().lower().startswith("interrupted"):
            return ("stopped",)
        return ("error", text)
    rows = df.to_numpy(dtype=object).tolist()
    return ("rows", list(df.columns), rows, bool(df.attrs.get("truncated", False)))


def main(db_dir: str) -> int:
    """Open the database, say ready, then answer until stdin closes."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray engine output -> stderr
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    from orgraph.core.errors import OrgraphError
    from orgraph.core.settings import load_settings
    from orgraph.core.store.ladybug_store import LadybugStore

    try:
        cache_mb = load_settings().read_buffer_pool_mb  # the same cap as the parent's reads
        store = LadybugStore(Path(db_dir), read_only=True, read_buffer_pool_mb=cache_mb)
    except OrgraphError as exc:
        _send(out, ("error", str(exc)))
        return 1
    _send(out, ("ready",))
    requests = sys.stdin.buffer
    while (request := receive(requests)) is not None:
        try:
            reply = _answer(store, request)
        except Exception as exc:  # any other failure is still one line for the caller
            reply = ("error", f"{type(exc).__name__}: {exc}".splitlines()[0])
        _send(out, reply)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
