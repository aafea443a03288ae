"""EgoExORSceneGraphs: the exported frame graphs of one split as a PyG InMemoryDataset."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch_geometric.data import Data, InMemoryDataset

from orgraph.core.errors import DataFormatError
from orgraph.core.vocabulary import SPLITS
from orgraph.gnn.export import MANIFEST, read_manifest


class EgoExORSceneGraphs(InMemoryDataset):
    r"""Per-frame operating-room scene graphs exported from an ORGraph store (EgoExOR layout).

    Each graph is one annotated frame: nodes are the entities of the frame's ground-truth
    triplets, edges are all ordered entity pairs, and :obj:`y` holds each pair's label
    (22 relations, index 22 = none). Node features (:obj:`x`) are the entity class and kind,
    the frame's position in its take, and each egocentric role's gaze, gaze depth, hand
    points and colour statistics read from HDF5 through the frame's media pointers; the
    layout is in ``raw/manifest.json``. Graphs keep temporal order within each take and
    carry their frame key (:obj:`surgery_type`, :obj:`procedure_id`, :obj:`take_id`,
    :obj:`frame`). :obj:`edge_gid` numbers every pair of the split, and :obj:`prev_gid`
    points to the same (subject, object) pair in the previous annotated frame of the take
    (-1 if absent), so models can feed back their own earlier predictions.

    The raw files are written by ``orgraph export`` (:func:`gnn.export.export`); processed
    files are named after the graph fingerprint, so a changed graph is processed anew.

    **STATISTICS** (generated ``small`` scale, seed 0; real EgoExOR: 84,553 frames):

    .. list-table::
        :header-rows: 1

        * - split
          - #graphs
          - #nodes/graph
          - #pairs/graph
          - #node features
          - #labels
        * - train / validation / test
          - 3,163 / 1,162 / 1,305
          - ~8
          - ~60
          - 87
          - 23

    Args:
        root: export directory (holds ``raw/`` from the export and ``processed/``).
        split: ``"train"``, ``"validation"`` or ``"test"``.
    """

    def __init__(self, root: str | Path, split: str = "train", **kwargs) -> None:
        if split not in SPLITS:
            raise DataFormatError(f"split {split!r} is not one of {', '.join(SPLITS)}")
        self.split = split
        self.manifest = read_manifest(Path(root))
        super().__init__(str(root), **kwargs)
        self.load(self.processed_paths[0])

    @property
    def raw_file_names(self) -> list[str]:
        takes = self.manifest["splits"][self.split]["takes"]
        return [MANIFEST, *(self.manifest["takes"][t]["chunk"] for t in takes)]

    @property
    def processed_file_names(self) -> list[str]:
        return [f"{self.split}-{self.manifest['fingerprint']}.pt"]

    def download(self) -> None:
        raise DataFormatError(
            f"{self.raw_dir}: export files missing; run `orgraph export {self.root}`"
        )

    def process(self) -> None:
        graphs: list[Data] = []
        for take in self.manifest["splits"][self.split]["takes"]:
            chunk = torch.load(
                Path(self.raw_dir) / self.manifest["takes"][take]["chunk"], weights_only=False
            )
            if chunk["meta"]["fingerprint"] != self.manifest["takes"][take]["fingerprint"]:
                raise DataFormatError(
                    f"{self.raw_dir}: chunk of {take} does not match the manifest; "
                    f"rerun `orgraph export {self.root}`"
                )
            graphs.extend(link_history(chunk["graphs"]))
        _number_pairs(graphs)
        for stale in Path(self.processed_dir).glob(f"{self.split}-*.pt"):
            stale.unlink()
        self.save(graphs, self.processed_paths[0])

    @property
    def info(self) -> dict:
        """Manifest summary of this split."""
        return {
            "split": self.split,
            **self.manifest["splits"][self.split],
            "fingerprint": self.manifest["fingerprint"],
        }

    def __repr__(self) -> str:
        return f"EgoExORSceneGraphs({len(self)}, split={self.split!r})"


def link_history(graphs: list[Data]) -> list[Data]:
    """Within one take (temporal order): each pair's local edge index in the previous graph."""
    prev: dict[tuple[int, int], int] | None = None
    for g in graphs:
        cls = g.node_class[g.edge_index]
        codes = (cls[0] * 64 + cls[1]).tolist()
        g.prev_local = torch.tensor(
            [prev.get(c, -1) if prev is not None else -1 for c in codes], dtype=torch.long
        )
        prev = {c: i for i, c in enumerate(codes)}
    return graphs


def _number_pairs(graphs: list[Data]) -> None:
    """Global pair ids over the split (edge_gid) and the previous frame's ids (prev_gid)."""
    offset = 0
    prev_offset = -1
    last_take = None
    for g in graphs:
        take = (g.surgery_type, int(g.procedure_id), int(g.take_id))
        n = g.y.numel()
        g.edge_gid = torch.arange(offset, offset + n)
        if take != last_take:
            prev_offset = -1
        local = g.prev_local
        g.prev_gid = torch.where(
            (local >= 0) & (prev_offset >= 0), local + prev_offset, torch.full_like(local, -1)
        )
        del g.prev_local
        prev_offset, last_take = offset, take
        offset += n


def manifest_text(root: Path) -> str:
    """The manifest as pretty JSON (for `orgraph export` output and docs)."""
    return json.dumps(read_manifest(root), indent=2)
