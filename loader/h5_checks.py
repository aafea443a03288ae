"""Shape checks of a take's per-frame arrays: what `load` refuses and `inspect` warns about.

One function decides, so the two commands never disagree: every per-frame dataset must
have the frame count of frames/rgb on axis 0 (or, in a take without rgb, the take's
frame count, see loader.h5_takes.frame_count), gaze, depth and hands the same number of
egocentric columns and their documented widths, and a take must have at least one
frame. Only shapes and dtypes are read, never data.
"""

from __future__ import annotations

import h5py

from orgraph.core.errors import DataFormatError
from orgraph.loader.h5_takes import FRAME_COUNT_DATASETS
from orgraph.loader.h5_util import READ_FAILURES, h5_errors, where
from orgraph.loader.takes import TakeInfo

RGB, GAZE, DEPTH, HANDS = (
    "frames/rgb",
    "eye_gaze/coordinates",
    "eye_gaze_depth/values",
    "hand_tracking/positions",
)
OPTIONAL_PER_FRAME = ("audio/snippets", "point_cloud/coordinates", "point_cloud/colors")
REQUIRED = (GAZE, HANDS)
"""Read by every load (signal validity); the others are checked when present."""

EXPECTED = {
    RGB: "[F, n_cams, H, W, 3] uint8",
    GAZE: "[F, n_ego, 3] numbers",
    DEPTH: "[F, n_ego] numbers",
    HANDS: "[F, n_ego, 17] numbers",
}


def _node(take_group: h5py.Group, name: str, file: object) -> h5py.Dataset | None | str:
    """The dataset at `name`, None when absent, or a problem text when it is not a dataset."""
    try:
        node = take_group.get(name)
    except READ_FAILURES as exc:  # e.g. a link to a file that is not there
        text = str(exc).strip()
        return f"cannot be opened ({text.splitlines()[0] if text else type(exc).__name__})"
    if node is None or isinstance(node, h5py.Dataset):
        return node
    return f"is a {type(node).__name__} (expected a dataset)"


def _shape_problem(name: str, ds: h5py.Dataset, take: TakeInfo) -> str | None:
    """What is wrong with one known per-frame dataset's shape or dtype, or None."""
    shape, kind = ds.shape or (), ds.dtype.kind
    if name == RGB:
        ok = len(shape) == 5 and shape[4] == 3 and shape[1] == len(take.sources)
        ok = ok and ds.dtype.str.endswith("u1")
    elif name == DEPTH:
        ok = len(shape) == 2 and kind in "fiu"
    else:
        width = 3 if name == GAZE else 17
        ok = len(shape) == 3 and shape[2] == width and kind in "fiu"
    if ok:
        return None
    extra = f", {len(take.sources)} sources" if name == RGB else ""
    return f"has shape {shape} and dtype {ds.dtype} (expected {EXPECTED[name]}{extra})"


def take_problems(h5: h5py.File, take: TakeInfo) -> list[str]:
    """Every shape problem of one take, each as 'file:/path: what (expected ...)'."""
    file = take.file
    with h5_errors(file, take.group, "opening"):
        group = h5.get(take.group)
    if not isinstance(group, h5py.Group):
        return [f"{where(file, take.group)}: missing (expected a take group)"]
    out: list[str] = []
    if take.frames == 0:
        out.append(f"{where(file, take.group)}: take has 0 frames (expected at least one)")
    columns: dict[str, int] = {}
    frames, counted_by = _reference(group, take)
    for name in (RGB, GAZE, DEPTH, HANDS, *OPTIONAL_PER_FRAME):
        path = f"{take.group}/{name}"
        node = _node(group, name, file)
        if node is None:
            if name in REQUIRED:
                out.append(f"{where(file, path)}: missing (expected {EXPECTED[name]})")
            continue
        if isinstance(node, str):
            out.append(f"{where(file, path)}: {node}")
            continue
        shape = node.shape or ()
        problem = _shape_problem(name, node, take) if name in EXPECTED else None
        if problem is None and (not shape or shape[0] != frames):
            problem = (
                f"has {shape[0] if shape else 'no'} frames on axis 0 (expected {frames}, "
                f"the frame count of {counted_by})"
            )
        if problem is not None:
            out.append(f"{where(file, path)}: {problem}")
        elif name in (GAZE, DEPTH, HANDS):
            columns[name] = int(shape[1])
    if len(set(columns.values())) > 1:
        shown = ", ".join(f"{k} {v}" for k, v in columns.items())
        out.append(
            f"{where(file, take.group)}: egocentric columns differ ({shown}; expected "
            "one column per egocentric source in each)"
        )
    return out


def _reference(group: h5py.Group, take: TakeInfo) -> tuple[int, str]:
    """The frame count every per-frame dataset must have, and where it comes from."""
    node = _node(group, RGB, take.file)
    if isinstance(node, h5py.Dataset) and node.shape:
        return int(node.shape[0]), RGB
    return take.frames, next((n for n in FRAME_COUNT_DATASETS if n in group), "the take")


def require_sound(h5: h5py.File, take: TakeInfo) -> None:
    """DataFormatError with the first problem of take_problems (and how many more)."""
    problems = take_problems(h5, take)
    if problems:
        more = f" (and {len(problems) - 1} more; `orgraph inspect` lists them)"
        raise DataFormatError(problems[0] + (more if len(problems) > 1 else ""))
