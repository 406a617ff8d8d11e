"""``--describe`` reports the world's shape, and says so when a folder is not a world."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sever.errors import InputError
from sever.simulate.describe import describe, hill_alpha, plot, public, top_share


def test_hill_estimator_recovers_a_known_tail() -> None:
    rng = np.random.default_rng(0)
    pareto = 1 + rng.pareto(1.5, 200_000)
    assert hill_alpha(pareto) == pytest.approx(1.5, abs=0.15)
    normal = np.abs(rng.normal(100, 5, 200_000))
    assert hill_alpha(normal) > 10


def test_top_share() -> None:
    assert top_share(np.array([1.0] * 99 + [901.0])) == pytest.approx(0.901)


def test_describe_world(world_dir: Path, tmp_path: Path) -> None:
    stats = describe(world_dir)
    assert stats["counts"]["transactions"] == 20_000
    assert stats["amount_usd"]["top1pct_volume_share"] > 0.3
    assert sum(stats["weekday"].values()) == 20_000
    meta = json.loads((world_dir / "world.json").read_text())
    assert set(stats["schemes"]) == set(meta["schemes"])
    assert stats["difficulty"] == "realistic"
    assert stats["prevalence"]["labelled_accounts"] == meta["illicit_accounts"]
    assert 0 < stats["prevalence"]["share"] <= 0.01
    png = plot(stats, tmp_path / "world.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "_series" not in public(stats)


def test_describe_refuses_a_folder_that_is_not_a_world(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a simulated world"):
        describe(tmp_path)
