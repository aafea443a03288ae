"""EgoExOR: read one merged file, or per-procedure files plus splits.h5, in the real layout.

Opening reads only metadata (vocabulary, take groups, sources, splits). Annotations
come through the low-level fast path (loader.h5_annotations); media stays lazy.
Thread safety: serialised. Every method that touches HDF5 holds loader.h5_util.HDF5_LOCK,
so one reader (and its TakeMedia) may be shared by threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import h5py
import numpy as np

from orgraph.core.errors import DataFormatError, UnknownNameError
from orgraph.loader.h5_annotations import NameLookup, read_take_annotations
from orgraph.loader.h5_checks import require_sound, take_problems
from orgraph.loader.h5_splits import assign_splits, read_split_rows
from orgraph.loader.h5_takes import find_takes
from orgraph.loader.h5_util import h5_errors, open_h5, serialised
from orgraph.loader.h5_vocabulary import (
    RawVocabulary,
    canonical_mapping,
    merge_vocabulary,
    read_vocabulary,
)
from orgraph.loader.media import TakeMedia, signal_validity
from orgraph.loader.takes import TakeAnnotations, TakeInfo


@dataclass
class UnknownReport:
    """Lenient mode: triplets skipped for unknown raw names, over every take read so far."""

    skipped: int = 0
    names: dict[str, int] = field(default_factory=dict)
    """Unknown raw name -> occurrences in skipped triplets."""
    by_take: dict[str, int] = field(default_factory=dict)
    """Take key -> triplets skipped in it."""

    def add(self, ann: TakeAnnotations) -> None:
        """Count the skips of one take's annotations."""
        if ann.skipped:
            self.skipped += ann.skipped
            self.by_take[ann.take.key] = self.by_take.get(ann.take.key, 0) + ann.skipped
            for name, n in ann.unknown.items():
                self.names[name] = self.names.get(name, 0) + n

    def __str__(self) -> str:
        if not self.skipped:
            return "no triplets skipped"
        names = ", ".join(f"{k!r} x{v}" for k, v in sorted(self.names.items()))
        return (
            f"skipped {self.skipped} triplets with unknown names in {len(self.by_take)} "
            f"take(s): {names}"
        )


class EgoExOR:
    """An open EgoExOR dataset: takes, vocabularies, annotations and lazy media."""

    @serialised
    def __init__(
        self, paths: Sequence[Path | str], splits: Path | str | None = None, lenient: bool = False
    ) -> None:
        if isinstance(paths, str | Path):
            paths = [paths]
        if not paths:
            raise DataFormatError("no EgoExOR HDF5 file given")
        self.lenient = lenient
        self.paths = [Path(p) for p in paths]
        self._files: dict[Path, h5py.File] = {}
        self._lookup = NameLookup()
        self._report = UnknownReport()
        try:
            self._open(Path(splits) if splits is not None else None)
        except BaseException:
            self.close()
            raise

    def _open(self, splits: Path | None) -> None:
        """Read every file's metadata, check it, and assign splits."""
        self.raw_vocabulary = RawVocabulary()
        self.canonical_mapping: dict[str, dict[str, str]] = {"entity": {}, "relation": {}}
        takes: dict[tuple[str, int, int], TakeInfo] = {}
        split_source: tuple[Path, dict] | None = None
        for path in self.paths:
            with h5_errors(path, "/", "reading metadata"):  # last resort: one line, no traceback
                self._read_file(path, takes)
                if splits is None and split_source is None and "splits" in self._files[path]:
                    split_source = (path, read_split_rows(path, self._files[path]))
        if splits is not None:
            h5 = open_h5(splits)
            try:
                with h5_errors(splits, "/splits", "reading splits"):
                    split_source = (splits, read_split_rows(splits, h5))
            finally:
                h5.close()
            if not split_source[1]:
                raise DataFormatError(
                    f"{splits}:/splits: missing (expected train, validation, test)"
                )
        ordered = [takes[k] for k in sorted(takes)]
        if split_source is not None:
            ordered = assign_splits(ordered, split_source[1], split_source[0])
        self.takes: list[TakeInfo] = ordered
        self._by_key = {t.key: t for t in ordered}

    def _read_file(self, path: Path, takes: dict[tuple[str, int, int], TakeInfo]) -> None:
        """Open one file, map its vocabulary and add its takes (each take once overall)."""
        h5 = self._files[path] = open_h5(path)
        if "splits" in h5 and "data" not in h5 and "metadata" not in h5:
            raise DataFormatError(
                f"{path}: holds only /splits, no /data: pass it with --splits {path}"
            )
        vocab = read_vocabulary(path, h5)
        for kind, mapping in canonical_mapping(vocab, str(path), self.lenient).items():
            self.canonical_mapping[kind].update(mapping)
        merge_vocabulary(self.raw_vocabulary, vocab)
        for t in find_takes(path, h5):
            key = (t.surgery_type, t.procedure_id, t.take_id)
            if key in takes:
                raise DataFormatError(
                    f"{path}:{t.group}: take {t.key} is also in "
                    f"{takes[key].file}:{takes[key].group} (expected each take once)"
                )
            takes[key] = t

    def __enter__(self) -> EgoExOR:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @serialised
    def close(self) -> None:
        """Close every HDF5 file opened by this reader."""
        for h5 in self._files.values():
            with suppress(Exception):  # closing a damaged file must not hide the real error
                h5.close()
        self._files.clear()

    def take(self, key: str | TakeInfo) -> TakeInfo:
        """The take for 'SURGERY/PROCEDURE/TAKE' (or a TakeInfo); UnknownNameError otherwise."""
        k = key.key if isinstance(key, TakeInfo) else str(key)
        if k not in self._by_key:
            raise UnknownNameError(
                f"no take {k!r} in {', '.join(map(str, self.paths))} "
                f"(takes are named SURGERY/PROCEDURE/TAKE, e.g. {self.takes[0].key})"
            )
        return self._by_key[k]

    def _h5(self, take: TakeInfo) -> h5py.File:
        """The open file holding a take."""
        if take.file not in self._files:
            raise DataFormatError(f"{take.file}: reader is closed or does not hold this file")
        return self._files[take.file]

    @serialised
    def read_annotations(self, take: str | TakeInfo) -> TakeAnnotations:
        """All annotations of one take, columnar, as canonical vocabulary indices."""
        info = self.take(take)
        with h5_errors(info.file, f"{info.group}/annotations", "reading annotations"):
            ann = read_take_annotations(self._h5(info), info, self.lenient, self._lookup)
        self._report.add(ann)
        return ann

    def iter_annotations(
        self, takes: Iterable[str | TakeInfo] | None = None
    ) -> Iterator[TakeAnnotations]:
        """Annotations take by take (all takes, in order, by default)."""
        for t in self.takes if takes is None else takes:
            yield self.read_annotations(t)

    def unknown_report(self) -> UnknownReport:
        """Totals of triplets skipped in lenient mode so far (str() gives one line)."""
        return self._report

    @serialised
    def take_problems(self, take: str | TakeInfo) -> list[str]:
        """Shape problems of a take's per-frame arrays (inspect warns, load refuses)."""
        info = self.take(take)
        with h5_errors(info.file, info.group, "checking shapes"):
            return take_problems(self._h5(info), info)

    @serialised
    def require_sound(self, take: str | TakeInfo) -> None:
        """DataFormatError naming the first shape problem of a take, if it has any."""
        info = self.take(take)
        with h5_errors(info.file, info.group, "checking shapes"):
            require_sound(self._h5(info), info)

    @serialised
    def media(self, take: str | TakeInfo) -> TakeMedia:
        """Lazy media access for one take (rgb, gaze, gaze_depth, hands per frame)."""
        info = self.take(take)
        return TakeMedia(self._h5(info), info)

    @serialised
    def signal_validity(self, take: str | TakeInfo) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Role -> (gaze_valid, hands_valid) bool[F] arrays of one take; never reads rgb."""
        info = self.take(take)
        with h5_errors(info.file, info.group, "reading gaze and hands"):
            return signal_validity(self._h5(info), info)
