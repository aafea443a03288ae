"""Load EgoExOR takes into a graph store: read in parallel, validate all, then write.

Reading every take before writing anything means a file with bad content changes
nothing already stored. Each take is then written in its own transaction, so an
interruption leaves earlier takes complete and the failed one as it was; a rerun
skips takes whose fingerprint (input file, take, options) is already stored.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from orgraph.core.errors import ConfigError, DataFormatError, OrgraphError
from orgraph.core.progress import Progress
from orgraph.core.settings import test_knob
from orgraph.core.store import GraphStore, TakeGraph
from orgraph.core.store.schema import LAYOUT_VERSION
from orgraph.loader.reader import EgoExOR
from orgraph.loader.records import Validity, build_take_graph
from orgraph.loader.takes import TakeAnnotations, TakeInfo
from orgraph.loader.worker_pool import worker_pool


@dataclass
class LoadReport:
    """What a load did."""

    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    triplets: int = 0
    unknown: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadOptions:
    """How to read and turn takes into rows."""

    paths: tuple[Path, ...]
    splits: Path | None = None
    lenient: bool = False
    gap_tolerance: int = 0


def fingerprint(take: TakeInfo, opts: LoadOptions) -> str:
    """Identifies the input a take was loaded from; equal fingerprints mean nothing to do."""
    st = Path(take.file).stat()
    split_part = ""
    if opts.splits is not None:
        sp = Path(opts.splits).stat()
        split_part = f"{Path(opts.splits).resolve()}:{sp.st_size}:{sp.st_mtime_ns}"
    text = "|".join(
        [
            str(Path(take.file).resolve()),
            str(st.st_size),
            str(st.st_mtime_ns),
            take.group,
            split_part,
            f"gap={opts.gap_tolerance}",
            f"lenient={opts.lenient}",
            f"layout={LAYOUT_VERSION}",
            "media=absolute",  # stores loaded with relative media paths are rewritten once
        ]
    )
    return hashlib.sha1(text.encode()).hexdigest()[:16]


_worker_reader: EgoExOR | None = None
_worker_opts: LoadOptions | None = None


def _init_worker(opts: LoadOptions) -> None:
    global _worker_reader, _worker_opts
    _worker_opts = opts
    _worker_reader = EgoExOR(list(opts.paths), splits=opts.splits, lenient=opts.lenient)


@dataclass
class TakeRead:
    """One take as read and checked: compact arrays, turned into rows only when written."""

    annotations: TakeAnnotations
    validity: Validity
    fingerprint: str

    @property
    def key(self) -> str:
        return self.annotations.take.key

    def graph(self, gap_tolerance: int) -> TakeGraph:
        """The take's graph rows (built late: rows of every take at once need too much memory)."""
        return build_take_graph(self.annotations, self.validity, gap_tolerance, self.fingerprint)


def _build(key: str) -> TakeRead:
    """Read one take in a worker; what fails there reaches the parent as one OrgraphError."""
    assert _worker_reader is not None and _worker_opts is not None
    try:
        return read_one(_worker_reader, key, _worker_opts)
    except OrgraphError:
        raise
    except Exception as exc:  # never a _RemoteTraceback as the only message
        take = _worker_reader.take(key)
        raise DataFormatError(
            f"{take.file}:{take.group}: cannot be read ({type(exc).__name__}: {exc})"
        ) from None


def read_one(reader: EgoExOR, key: str, opts: LoadOptions) -> TakeRead:
    """Read and check one take's annotations and signal validity."""
    take = reader.take(key)
    reader.require_sound(take)
    return TakeRead(
        reader.read_annotations(take), reader.signal_validity(take), fingerprint(take, opts)
    )


def read_all(
    opts: LoadOptions, keys: Sequence[str], workers: int, progress: bool
) -> list[TakeRead]:
    """Read every take, in parallel processes when there are several takes.

    The workers end with this process, also when it is killed (loader.worker_pool).
    """
    out: list[TakeRead] = []
    with Progress(len(keys), "reading", "take", enabled=progress) as bar:
        if workers <= 1 or len(keys) <= 1:  # in this process, with a reader of its own
            with EgoExOR(list(opts.paths), splits=opts.splits, lenient=opts.lenient) as reader:
                for key in keys:
                    out.append(read_one(reader, key, opts))
                    bar.update(1, note=key)
        else:
            with worker_pool(workers, _init_worker, (opts,)) as pool:
                try:
                    for result in pool.map(_build, keys):
                        out.append(result)
                        bar.update(1, note=result.key)
                except BrokenProcessPool:
                    raise DataFormatError(
                        f"a reader process died while reading {', '.join(map(str, opts.paths))} "
                        "(the HDF5 library may have crashed on damaged data; nothing was "
                        "written: `orgraph inspect` on the files names the damage)"
                    ) from None
    return out


def resolved(opts: LoadOptions) -> LoadOptions:
    """The options with absolute, resolved file paths: the Frame and Take nodes store them,
    so media stay reachable from any working directory."""
    splits = Path(opts.splits).resolve() if opts.splits is not None else None
    return replace(opts, paths=tuple(Path(p).resolve() for p in opts.paths), splits=splits)


def load(
    store: GraphStore,
    opts: LoadOptions,
    *,
    force: bool = False,
    workers: int | None = None,
    progress: bool = True,
    on_written: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load every take of the files into the store; see the module docstring."""
    report = LoadReport()
    opts = resolved(opts)
    with EgoExOR(list(opts.paths), splits=opts.splits, lenient=opts.lenient) as reader:
        takes = list(reader.takes)
    store.ensure_schema()
    stored = {} if force else store.take_fingerprints()
    todo = []
    for take in takes:
        if stored.get(take.key) == fingerprint(take, opts):
            report.skipped.append(take.key)
        else:
            todo.append(take.key)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    built = read_all(opts, todo, workers, progress)
    with Progress(len(built), "writing", "take", enabled=progress) as bar:
        for group in write_groups(built, store.groups_takes):
            store.replace_takes([item.graph(opts.gap_tolerance) for item in group])
            for item in group:
                report.loaded.append(item.key)
                report.triplets += item.annotations.triplet_count
                for name, count in item.annotations.unknown.items():
                    report.unknown[name] = report.unknown.get(name, 0) + count
                if on_written is not None:
                    on_written(item.key)
                bar.update(1, note=item.key)
    return report


GROUP_TRIPLETS = 150_000
"""Embedded engine: takes written per transaction, up to about this many triplets."""

GROUP_TRIPLETS_ENV = "ORGRAPH_LOAD_GROUP_TRIPLETS"
"""Overrides GROUP_TRIPLETS: tests lower it to get several write groups from a small dataset."""


def group_triplets() -> int:
    """Triplets per embedded write group: $ORGRAPH_LOAD_GROUP_TRIPLETS, else GROUP_TRIPLETS."""
    raw = test_knob(GROUP_TRIPLETS_ENV)
    if not raw:
        return GROUP_TRIPLETS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"{GROUP_TRIPLETS_ENV} must be a whole number > 0, got {raw!r}")
    return value


def write_groups(built: list[TakeRead], grouped: bool) -> list[list[TakeRead]]:
    """Takes grouped for writing: a few at a time for a store that writes a group in one
    transaction (embedded, GraphStore.groups_takes), else one per group."""
    if not grouped:
        return [[item] for item in built]
    limit = group_triplets()
    groups: list[list[TakeRead]] = [[]]
    size = 0
    for item in built:
        n = item.annotations.triplet_count
        if groups[-1] and size + n > limit:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += n
    return [g for g in groups if g]
