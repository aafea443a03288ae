"""What a training run directory holds, by name, and the published scores runs are shown beside.

Torch-free on purpose: the dashboard reads runs through these names without importing the
trainer (gnn.run_files writes and loads the files themselves).
"""

from __future__ import annotations

CONFIG = "config.json"
METRICS = "metrics.jsonl"
CHECKPOINT = "checkpoint.pt"
MODELS = "models.pt"
CARD = "MODEL_CARD.md"
EVALUATION = "evaluation.json"
"""Where `orgraph evaluate RUN --json > RUN/evaluation.json` and the Model page's
"Save into the run" write the evaluation."""

PUBLISHED: tuple[tuple[str, float], ...] = (
    ("ORacle (published, real EgoExOR)", 0.69),
    ("MM2SG (published, real EgoExOR)", 0.72),
    ("EgoExOR baseline (published, real EgoExOR)", 0.79),
)
"""Overall macro F1 on the real EgoExOR test split."""

PUBLISHED_NOTE = (
    "Published numbers are overall macro F1 on the real EgoExOR test split (multimodal LLMs "
    "with pretrained vision encoders). Scores on generated data are not the real benchmark "
    "and are not comparable with them."
)
"""Why the published numbers and scores on generated data must not be compared."""
