"""Colour look-up tables in the .cube text format (3-D, or 1-D), applied to RGB images.

A .cube file has keyword lines (TITLE, LUT_3D_SIZE or LUT_1D_SIZE, DOMAIN_MIN, DOMAIN_MAX),
comments starting with #, then one "r g b" line per table entry, red varying fastest.
Colours are mapped by trilinear (3-D) or linear (1-D) interpolation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orgraph.core.errors import DataFormatError

MAX_3D_SIZE = 256
MAX_1D_SIZE = 65536


@dataclass(frozen=True)
class CubeLut:
    """A parsed table: `table` is [N, N, N, 3] indexed [b, g, r] (3-D) or [N, 3] (1-D)."""

    table: np.ndarray
    domain_min: np.ndarray
    domain_max: np.ndarray
    title: str = ""

    @property
    def is_3d(self) -> bool:
        return self.table.ndim == 4

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """An RGB uint8 image mapped through the table (same shape, uint8)."""
        x = rgb.astype(np.float32) / 255.0
        x = (x - self.domain_min) / np.maximum(self.domain_max - self.domain_min, 1e-12)
        x = np.clip(x, 0.0, 1.0)
        out = _trilinear(self.table, x) if self.is_3d else _linear(self.table, x)
        return np.clip(np.round(out * 255.0), 0, 255).astype(np.uint8)


def _linear(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    n = table.shape[0]
    pos = x * (n - 1)
    lo = np.minimum(np.floor(pos).astype(np.int64), n - 2)
    t = pos - lo
    out = np.empty_like(x)
    for c in range(3):
        out[..., c] = table[lo[..., c], c] * (1 - t[..., c]) + table[lo[..., c] + 1, c] * t[..., c]
    return out


def _trilinear(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    n = table.shape[0]
    pos = x * (n - 1)
    lo = np.minimum(np.floor(pos).astype(np.int64), n - 2)
    t = pos - lo
    r0, g0, b0 = lo[..., 0], lo[..., 1], lo[..., 2]
    tr, tg, tb = t[..., 0:1], t[..., 1:2], t[..., 2:3]
    out = np.zeros(x.shape, np.float32)
    for db in (0, 1):
        wb = tb if db else 1 - tb
        for dg in (0, 1):
            wg = tg if dg else 1 - tg
            for dr in (0, 1):
                wr = tr if dr else 1 - tr
                out += table[b0 + db, g0 + dg, r0 + dr] * (wr * wg * wb)
    return out


def _floats(parts: list[str], path: Path, lineno: int, count: int) -> list[float]:
    if len(parts) != count:
        raise DataFormatError(f"{path}:{lineno}: expected {count} numbers, got {len(parts)}")
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise DataFormatError(f"{path}:{lineno}: {' '.join(parts)!r} is not numbers") from None


def parse_cube(text: str, path: Path) -> CubeLut:
    """Parse .cube text; DataFormatError naming the file and line for anything malformed."""
    size3 = size1 = None
    lo, hi = [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]
    title = ""
    rows: list[list[float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, *rest = line.split()
        upper = key.upper()
        if upper == "TITLE":
            title = line[len(key) :].strip().strip('"')
        elif upper in ("LUT_3D_SIZE", "LUT_1D_SIZE"):
            value = _floats(rest, path, lineno, 1)[0]
            limit = MAX_3D_SIZE if upper == "LUT_3D_SIZE" else MAX_1D_SIZE
            if value != int(value) or not 2 <= value <= limit:
                raise DataFormatError(
                    f"{path}:{lineno}: {key} must be a whole number in 2..{limit}"
                )
            if upper == "LUT_3D_SIZE":
                size3 = int(value)
            else:
                size1 = int(value)
        elif upper == "DOMAIN_MIN":
            lo = _floats(rest, path, lineno, 3)
        elif upper == "DOMAIN_MAX":
            hi = _floats(rest, path, lineno, 3)
        elif upper.startswith("LUT_") or upper.isalpha():
            continue  # other keywords (e.g. LUT_3D_INPUT_RANGE) are not needed to apply it
        else:
            rows.append(_floats(line.split(), path, lineno, 3))
    if (size3 is None) == (size1 is None):
        raise DataFormatError(f"{path}: needs exactly one of LUT_3D_SIZE and LUT_1D_SIZE")
    expected = size3**3 if size3 is not None else size1
    if len(rows) != expected:
        raise DataFormatError(f"{path}: {len(rows)} table rows, expected {expected}")
    table = np.asarray(rows, np.float32)
    table = table.reshape(size3, size3, size3, 3) if size3 is not None else table
    return CubeLut(table, np.asarray(lo, np.float32), np.asarray(hi, np.float32), title)


def load_cube(path: Path) -> CubeLut:
    """Read and parse a .cube file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot read the LUT file ({exc.strerror})") from None
    return parse_cube(text, path)


def write_cube(path: Path, table: np.ndarray, title: str = "") -> None:
    """Write a 3-D table [N, N, N, 3] (indexed [b, g, r]) as a .cube file."""
    n = table.shape[0]
    lines = [f'TITLE "{title}"'] if title else []
    lines.append(f"LUT_3D_SIZE {n}")
    lines += [f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in table.reshape(-1, 3).tolist()]
    Path(path).write_text("\n".join(lines) + "\n")
