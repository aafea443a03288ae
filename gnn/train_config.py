"""TrainConfig: every setting that decides a training run, saved as the run's config.json.

Kept apart from training so code that only reads or writes a run's settings need not import
the trainer.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgraph.core.errors import ConfigError


@dataclass
class TrainConfig:
    """Everything that decides a run; saved as config.json."""

    data: str
    epochs: int = 30
    lr: float = 3e-3
    weight_decay: float = 1e-4
    hidden: int = 96
    head_hidden: int = 96
    """Width of the GNN's pair head (the MLP baseline keeps 2 x hidden)."""
    layers: int = 2
    heads: int = 4
    dropout: float = 0.1
    batch_graphs: int = 64
    hist_dropout: float = 0.3
    hist_noise: float = 0.2
    passes: int = 2
    seed: int = 0
    world_size: int = 1

    def check(self) -> None:
        """ConfigError naming the first bad value."""
        if self.epochs < 1 or self.batch_graphs < 1 or self.passes < 1:
            raise ConfigError("--epochs, batch size and passes must be >= 1")
        if not 0.0 <= self.hist_dropout <= 1.0:
            raise ConfigError(f"hist_dropout must be in [0, 1], got {self.hist_dropout}")
        if self.hidden % self.heads:
            raise ConfigError(f"hidden ({self.hidden}) must be a multiple of heads ({self.heads})")
