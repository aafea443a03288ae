"""gnn.ddp: a world of one changes nothing; each rank's share of an epoch is equal and disjoint."""

from __future__ import annotations

import torch
from torch import nn

from orgraph.gnn.ddp import Ddp


def test_a_world_of_one_is_the_identity(monkeypatch) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    ddp = Ddp.start()
    assert (ddp.rank, ddp.world, ddp.is_main, ddp.distributed) == (0, 1, True, False)
    order = torch.randperm(7)
    assert torch.equal(ddp.shard(order), order)
    net = nn.Linear(2, 2)
    assert ddp.wrap(net) is net
    t = torch.arange(3.0)
    ddp.sum_over_ranks(t)
    assert torch.equal(t, torch.arange(3.0))
    ran = []
    with ddp.main_first():
        ran.append(1)
    assert ran == [1]
    ddp.finish()


def test_ranks_get_equal_disjoint_shares() -> None:
    order = torch.randperm(11, generator=torch.Generator().manual_seed(0))
    shares = [Ddp(rank, 3).shard(order) for rank in range(3)]
    assert [len(s) for s in shares] == [3, 3, 3]
    together = torch.cat(shares)
    assert len(set(together.tolist())) == 9
    assert set(together.tolist()) == set(order[:9].tolist())
    assert not Ddp(1, 3).is_main and Ddp(0, 3).is_main
