"""Drawing a frame: gaze and hands on egocentric views, tiles, a mosaic and a caption.

Works on RGB uint8 arrays; Pillow (from the optional `media` extra) draws the marks and
the text, and is imported only when something is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from orgraph.loader.media_frame import FrameMedia
from orgraph.loader.optional_deps import require

GAZE_COLOUR = (255, 40, 40)
HAND_COLOURS = ((0, 220, 255), (255, 220, 0), (255, 255, 255))
"""Left wrist and palm, right wrist and palm, finger tips."""
_LEFT, _RIGHT = (0, 1), (2, 3)
LABEL_HEIGHT = 14


def _pil():
    return require("PIL.Image", "Pillow", "drawing frames"), require(
        "PIL.ImageDraw", "Pillow", "drawing frames"
    )


def upscale(rgb: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement by a whole factor."""
    if factor <= 1:
        return rgb
    return rgb.repeat(factor, axis=0).repeat(factor, axis=1)


def factor_for(width: int, target: int) -> int:
    """The whole factor that brings `width` pixels to at least `target`."""
    return max(1, -(-target // max(1, width)))


def draw_marks(
    rgb: np.ndarray,
    factor: int,
    gaze: tuple[float, float] | None,
    hands: np.ndarray | None,
) -> np.ndarray:
    """A copy of the (already enlarged) image with gaze as a red ring and hand points as dots."""
    image_mod, draw_mod = _pil()
    image = image_mod.fromarray(np.ascontiguousarray(rgb))
    draw = draw_mod.Draw(image)
    r = max(3, factor * 2)
    if gaze is not None:
        x, y = gaze[0] * factor, gaze[1] * factor
        draw.ellipse((x - 2 * r, y - 2 * r, x + 2 * r, y + 2 * r), outline=GAZE_COLOUR, width=2)
        draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=GAZE_COLOUR)
    if hands is not None:
        for i, (hx, hy) in enumerate(np.asarray(hands, dtype=np.float64)):
            if not (np.isfinite(hx) and np.isfinite(hy)):
                continue
            colour = HAND_COLOURS[0 if i in _LEFT else 1 if i in _RIGHT else 2]
            x, y = hx * factor, hy * factor
            draw.ellipse(
                (x - r / 2, y - r / 2, x + r / 2, y + r / 2), fill=colour, outline=(0, 0, 0)
            )
    return np.asarray(image)


def camera_image(
    media: FrameMedia,
    source: str,
    factor: int = 1,
    overlays: bool = True,
    colour_map: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """One camera as RGB, enlarged, with gaze and hands drawn on an egocentric view.

    `colour_map` (e.g. a .cube LUT) is applied to the image before drawing, when given.
    """
    rgb = np.ascontiguousarray(media.images[source][..., ::-1])
    if colour_map is not None:
        rgb = colour_map(rgb)
    rgb = upscale(rgb, factor)
    if overlays and media.is_ego(source):
        rgb = draw_marks(rgb, factor, media.gaze.get(source), media.hands.get(source))
    return rgb


def label(rgb: np.ndarray, text: str) -> np.ndarray:
    """The image with a dark strip on top holding `text`."""
    image_mod, draw_mod = _pil()
    h, w = rgb.shape[:2]
    out = np.zeros((h + LABEL_HEIGHT, w, 3), np.uint8)
    out[LABEL_HEIGHT:] = rgb
    image = image_mod.fromarray(out)
    draw_mod.Draw(image).text((3, 1), text, fill=(235, 235, 235))
    return np.asarray(image)


def mosaic(tiles: Sequence[np.ndarray], columns: int) -> np.ndarray:
    """Tiles of one size on a grid, row by row; empty cells are black."""
    h, w = tiles[0].shape[:2]
    rows = -(-len(tiles) // columns)
    out = np.zeros((rows * h, columns * w, 3), np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        out[r * h : (r + 1) * h, c * w : (c + 1) * w] = tile[:h, :w]
    return out


def caption(rgb: np.ndarray, lines: Sequence[str], height: int) -> np.ndarray:
    """The image with `height` pixels of text lines below it (lines that do not fit are cut)."""
    image_mod, draw_mod = _pil()
    h, w = rgb.shape[:2]
    out = np.zeros((h + height, w, 3), np.uint8)
    out[:h] = rgb
    image = image_mod.fromarray(out)
    draw = draw_mod.Draw(image)
    for i, line in enumerate(lines):
        y = h + 3 + 12 * i
        if y + 11 > h + height:
            break
        draw.text((4, y), line, fill=(235, 235, 235))
    return np.asarray(image)


def write_png(rgb: np.ndarray, path) -> None:
    """Save an RGB array as PNG."""
    image_mod, _ = _pil()
    image_mod.fromarray(np.ascontiguousarray(rgb)).save(path, format="PNG")
