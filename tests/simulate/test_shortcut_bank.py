"""The shortcut check on the bank side: plain per-account aggregates must not find the planted.

DESIGN.md "Evaluation": a depth-3 tree on payment count, activity span, channel mix, share
abroad, account age, holder type and median amount, cross-validated, scores F1 <= 0.3 on a
realistic world. ``bench/simulate_bench.py`` reports the same figure on a medium world.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sever.simulate import SimulationParams, simulate
from tests.simulate.shortcut import BANK_FEATURES, account_aggregates, shortcut

SHORTCUT_F1_CEILING = 0.3


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory, home) -> Path:
    """The small preset with every typology planted."""
    out = tmp_path_factory.mktemp("small-bank")
    simulate(SimulationParams(seed=2), out, home=home)
    return out


def test_aggregates_cover_every_active_account_once(world, world_dir: Path) -> None:
    frame = account_aggregates(world_dir)
    tx = world["transactions"]
    active = set(tx["src_account"]) | set(tx["dst_account"])
    assert set(frame.index) == active and frame.index.is_unique
    sent = tx.groupby("src_account").size()
    received = tx[tx["src_account"] != tx["dst_account"]].groupby("dst_account").size()
    expected = sent.add(received, fill_value=0)
    assert (frame["payments"] == expected.reindex(frame.index)).all()
    shares = frame[[c for c in BANK_FEATURES if c.endswith("_share")]]
    assert ((shares >= 0) & (shares <= 1)).all().all()
    assert set(frame["business"]) <= {0, 1}
    assert frame["planted"].sum() == len(
        set(world["labels/accounts"]["account_id"]) & set(frame.index)
    )


def test_the_check_catches_planted_accounts_that_give_themselves_away() -> None:
    rng = np.random.default_rng(0)
    n, planted = 5_000, 60
    frame = pd.DataFrame({name: rng.random(n) for name in BANK_FEATURES})
    frame["span_days"] = rng.uniform(30, 365, n)
    frame["planted"] = False
    frame.loc[: planted - 1, "planted"] = True
    frame.loc[: planted - 1, "span_days"] = rng.uniform(0, 3, planted)
    result = shortcut(frame, BANK_FEATURES)
    assert result["f1"] > 0.9
    assert result["splits"][0] == "span_days"


def test_a_shallow_tree_on_plain_account_aggregates_cannot_find_the_planted(small_world) -> None:
    frame = account_aggregates(small_world)
    assert frame["planted"].sum() >= 10
    result = shortcut(frame, BANK_FEATURES)
    assert result["f1"] <= SHORTCUT_F1_CEILING, result
