"""This process's place in a torchrun job, and every distributed step training takes.

Training asks this object instead of testing the world size itself: a single process is a
world of one, where every step below is a no-op (or the identity), so one code path serves
both. Under torchrun (WORLD_SIZE > 1) it starts a gloo process group.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


@dataclass(frozen=True)
class Ddp:
    """Rank and world size of this process; rank 0 is the one that writes files."""

    rank: int = 0
    world: int = 1

    @classmethod
    def start(cls) -> Ddp:
        """A world of one, or (under torchrun) this rank of a started gloo process group."""
        world = int(os.environ.get("WORLD_SIZE", "1"))
        if world == 1:
            return cls()
        if not dist.is_initialized():
            dist.init_process_group("gloo")
        return cls(dist.get_rank(), world)

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        """Whether this process writes the run directory and shows progress (rank 0)."""
        return self.rank == 0

    def wrap(self, net: nn.Module) -> nn.Module:
        """The module to train: DistributedDataParallel around `net` when distributed."""
        return DistributedDataParallel(net) if self.distributed else net

    def shard(self, order: torch.Tensor) -> torch.Tensor:
        """This rank's share of `order`; the tail that does not divide evenly is dropped."""
        n = len(order)
        return order[: n - n % self.world][self.rank :: self.world]

    def sum_over_ranks(self, tensor: torch.Tensor) -> None:
        """Add every rank's `tensor` in place (all-reduce); nothing to do alone."""
        if self.distributed:
            dist.all_reduce(tensor)

    @contextmanager
    def main_first(self) -> Iterator[None]:
        """Run the body on rank 0 first, then on the others (e.g. so only rank 0 builds caches)."""
        if self.distributed and not self.is_main:
            dist.barrier()
        yield
        if self.distributed and self.is_main:
            dist.barrier()

    def finish(self) -> None:
        """Wait for every rank, then end the process group."""
        if self.distributed:
            dist.barrier()
            dist.destroy_process_group()
