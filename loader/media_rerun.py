"""A Rerun recording of a take's frames: every camera, gaze and hands, the point cloud,
gaze depth, and each frame's scene graph (truth and a run's prediction) as graph and text.

Entities (all on the `frame` sequence timeline and the `time` timeline, in seconds):

    cameras/<source>             image (JPEG unless raw images are asked for)
    cameras/<role>/gaze          Points2D, 1 point, in the image's pixels
    cameras/<role>/hands         Points2D, the valid of the 8 hand points
    room/point_cloud             Points3D, metres, z up, with colours
    gaze_depth/<role>            Scalars, metres (left out when unknown)
    scene_graph/truth            GraphNodes + GraphEdges: entity nodes and one node per
                                 triplet labelled with its relation (edges s -> r -> o)
    scene_graph/truth_text       TextDocument, one triplet per line
    scene_graph/predicted[_text] the same for a stored run's prediction (missed/extra marked)

rerun-sdk comes from the optional `media` extra and is imported only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from orgraph.core.vocabulary import EGO_ROLES, FPS
from orgraph.loader.media import TakeMedia
from orgraph.loader.media_draw import GAZE_COLOUR, HAND_COLOURS
from orgraph.loader.media_frame import FrameMedia, read_frame_media
from orgraph.loader.optional_deps import require

Triplet = tuple[str, str, str]
APPLICATION_ID = "orgraph"
HAND_POINT_COLOURS = [HAND_COLOURS[0]] * 2 + [HAND_COLOURS[1]] * 2 + [HAND_COLOURS[2]] * 4


@dataclass(frozen=True)
class RerunReport:
    """What the recording holds."""

    frames: int
    images: int
    points: int
    edges: int


def rerun_module() -> Any:
    """rerun-sdk, or a one-line error naming the `media` extra."""
    return require("rerun", "rerun-sdk", "the Rerun export")


def graph_parts(triplets: list[Triplet]) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(node ids, labels, edges) of a scene graph: entities, and a relation node per triplet."""
    ids: list[str] = []
    labels: list[str] = []
    edges: list[tuple[str, str]] = []
    for s, _, o in triplets:
        for name in (s, o):
            if name not in ids:
                ids.append(name)
                labels.append(name)
    for i, (s, r, o) in enumerate(triplets):
        rel = f"{i}:{s}|{r}|{o}"
        ids.append(rel)
        labels.append(r)
        edges += [(s, rel), (rel, o)]
    return ids, labels, edges


def _text(triplets: list[Triplet], other: list[Triplet] | None, mark: str) -> str:
    if not triplets:
        return "(no triplets)"
    known = set(other) if other is not None else None
    lines = []
    for t in triplets:
        flag = f"  [{mark}]" if known is not None and t not in known else ""
        lines.append(" ".join(t) + flag)
    return "\n".join(lines)


class RerunWriter:
    """Logs frames of one take into a recording stream."""

    def __init__(self, rec: Any, media: TakeMedia, raw_images: bool = False, jpeg: int = 90):
        self.rr = rerun_module()
        self.rec = rec
        self.media = media
        self.raw_images = raw_images
        self.jpeg = jpeg
        self.counts = {"frames": 0, "images": 0, "points": 0, "edges": 0}
        rec.log("room", self.rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True)

    def _images(self, fm: FrameMedia) -> None:
        rr = self.rr
        for source, bgr in fm.images.items():
            if fm.is_blank(bgr):
                self.rec.log(f"cameras/{source}", rr.Clear(recursive=False))
                continue
            image = rr.Image(np.ascontiguousarray(bgr[..., ::-1]), color_model="RGB")
            if not self.raw_images:
                image = image.compress(jpeg_quality=self.jpeg)
            self.rec.log(f"cameras/{source}", image)
            self.counts["images"] += 1

    def _ego(self, fm: FrameMedia) -> None:
        rr = self.rr
        for role in EGO_ROLES:
            if role not in fm.images:
                continue
            xy = fm.gaze.get(role)
            if xy is not None:
                self.rec.log(
                    f"cameras/{role}/gaze", rr.Points2D([xy], colors=[GAZE_COLOUR], radii=3.0)
                )
            else:
                self.rec.log(f"cameras/{role}/gaze", rr.Clear(recursive=False))
            hands = fm.hands.get(role)
            ok = np.isfinite(hands).all(axis=1) if hands is not None else np.zeros(0, bool)
            if ok.any():
                colours = [c for c, keep in zip(HAND_POINT_COLOURS, ok, strict=True) if keep]
                self.rec.log(
                    f"cameras/{role}/hands", rr.Points2D(hands[ok], colors=colours, radii=2.0)
                )
            else:
                self.rec.log(f"cameras/{role}/hands", rr.Clear(recursive=False))
            depth = fm.gaze_depth.get(role)
            if depth is not None:
                self.rec.log(f"gaze_depth/{role}", rr.Scalars(depth))

    def _cloud(self, fm: FrameMedia) -> None:
        cloud = fm.point_cloud
        if cloud is None:
            return
        colours = None
        if cloud.colors is not None:
            colours = np.round(np.clip(cloud.colors, 0, 1) * 255).astype(np.uint8)
        self.rec.log(
            "room/point_cloud", self.rr.Points3D(cloud.coordinates, colors=colours, radii=0.012)
        )
        self.counts["points"] += cloud.points

    def _graph(self, path: str, triplets: list[Triplet], other: list[Triplet] | None, mark: str):
        rr = self.rr
        ids, labels, edges = graph_parts(triplets)
        self.rec.log(
            path,
            rr.GraphNodes(ids, labels=labels),
            rr.GraphEdges(edges, graph_type=rr.GraphType.Directed),
        )
        self.rec.log(f"{path}_text", rr.TextDocument(_text(triplets, other, mark)))
        return len(edges)

    def frame(
        self, index: int, truth: list[Triplet], predicted: list[Triplet] | None = None
    ) -> None:
        """Log one frame's every modality and its scene graph(s)."""
        self.rec.set_time("frame", sequence=index)
        self.rec.set_time("time", duration=index / FPS)
        fm = read_frame_media(self.media, index, audio=False)
        self._images(fm)
        self._ego(fm)
        self._cloud(fm)
        self.counts["edges"] += self._graph("scene_graph/truth", truth, predicted, "missed")
        if predicted is not None:
            self._graph("scene_graph/predicted", predicted, truth, "extra")
        self.counts["frames"] += 1

    def report(self) -> RerunReport:
        return RerunReport(**self.counts)


def export_rerun(
    media: TakeMedia,
    first: int,
    last: int,
    truth: dict[int, list[Triplet]],
    predicted: dict[int, list[Triplet]] | None,
    path: str,
    raw_images: bool = False,
) -> RerunReport:
    """Write frames first..last of the take to an .rrd file at `path`."""
    rr = rerun_module()
    rec = rr.RecordingStream(APPLICATION_ID, recording_id=f"{media.take.key}#{first}-{last}")
    rec.save(path)
    writer = RerunWriter(rec, media, raw_images)
    for index in range(first, last + 1):
        pred = None if predicted is None else predicted.get(index, [])
        writer.frame(index, truth.get(index, []), pred)
    rec.flush()
    rec.disconnect()
    return writer.report()
