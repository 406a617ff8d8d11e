"""Training: what is learned from account labels, payment labels, both or none; the fair split."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from sever.errors import InputError
from sever.monitor.rule import Inputs
from sever.monitor.scorer import Scorer, fit_anomaly
from sever.monitor.split import Cuts, Labels, slice_labels, time_cuts
from sever.monitor.training import MODEL_FILES, load_scorer, train_scorers
from sever.tables.engine import Engine
from tests.monitor.mules import bound, mule_world

if TYPE_CHECKING:
    from conftest import Ledger


@pytest.fixture
def world(new_ledger: type[Ledger]) -> tuple[Engine, Inputs, list, Labels]:
    book = new_ledger()
    labels = mule_world(book)
    return (*bound(book), labels)


def only(labels: Labels, *, accounts: bool, tx: bool) -> Labels:
    return Labels(
        accounts=labels.accounts if accounts else None,
        tx=labels.tx if tx else None,
        account_start=labels.account_start if accounts else {},
    )


@pytest.mark.parametrize(
    ("accounts", "tx", "kinds"),
    [
        (True, False, {"account": "lightgbm"}),
        (False, True, {"transaction": "lightgbm"}),
        (True, True, {"account": "lightgbm", "transaction": "lightgbm"}),
        (False, False, {"account": "isolation_forest"}),
    ],
)
def test_each_label_mode_trains_the_models_its_labels_allow(
    world: tuple, tmp_path: Path, accounts: bool, tx: bool, kinds: dict[str, str]
) -> None:
    engine, inputs, alerts, labels = world
    report = train_scorers(engine, inputs, alerts, only(labels, accounts=accounts, tx=tx), tmp_path)
    assert {level: r["kind"] for level, r in report.items()} == kinds
    for level, name in MODEL_FILES.items():
        assert (tmp_path / name).exists() == (level in kinds)
    for level, r in report.items():
        shares = [f["share"] for f in r["top_features"]]
        assert 0 < len(shares) <= 5 and sum(shares) <= 1.0 + 1e-6
        assert shares == sorted(shares, reverse=True)
        assert ("tested" in r) == (accounts or tx)
        saved = load_scorer(tmp_path, level)
        assert saved is not None and saved.importance == r["top_features"]


def test_a_mode_without_its_labels_is_refused(world: tuple, tmp_path: Path) -> None:
    engine, inputs, alerts, labels = world
    with pytest.raises(InputError, match="--mode transactions needs payment labels"):
        train_scorers(
            engine, inputs, alerts, only(labels, accounts=True, tx=False), tmp_path,
            mode="transactions",
        )  # fmt: skip


def test_training_again_in_another_mode_removes_the_older_level(
    world: tuple, tmp_path: Path
) -> None:
    engine, inputs, alerts, labels = world
    train_scorers(engine, inputs, alerts, labels, tmp_path)
    train_scorers(engine, inputs, alerts, only(labels, accounts=True, tx=False), tmp_path)
    assert load_scorer(tmp_path, "transaction") is None
    assert load_scorer(tmp_path, "account") is not None


def test_a_saved_forest_scores_the_same_after_loading(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(500, 4)), columns=["a", "b", "c", "d"])
    frame.loc[::7, "b"] = np.nan
    scorer = fit_anomaly(frame.iloc[:300], frame.iloc[300:], level="account", alert_share=0.01)
    loaded = Scorer.load(scorer.save(tmp_path / "forest.json"))
    np.testing.assert_allclose(loaded.score(frame), scorer.score(frame))
    assert loaded.threshold == pytest.approx(0.99)
    strange = frame.iloc[:1].assign(a=40.0, b=-40.0, c=40.0, d=-40.0)
    assert scorer.score(strange)[0] == 1.0
    odd = frame.iloc[1:2].assign(a=40.0)
    assert scorer.contributions(odd, top=1)[0][0]["feature"] == "a"


def test_the_cut_leaves_a_gap_before_the_test() -> None:
    times = pd.Series(range(0, 1_000_000, 10))
    cuts = time_cuts(times, test_share=0.3, gap_share=0.02)
    assert cuts.gap == pytest.approx(20_000, abs=10)
    (_, _, fit_end), (_, test_start, _) = cuts.bounds()
    assert fit_end == test_start - cuts.gap
    assert test_start == pytest.approx(700_000, abs=20)


def test_a_scheme_that_straddles_a_cut_counts_once_in_the_slice_where_it_began() -> None:
    ids = pd.Series(["early", "now", "later", "unknown", "clean"])
    starts = {"early": 50.0, "now": 150.0, "later": 250.0}
    positives = {"early", "now", "later", "unknown"}
    label, keep = slice_labels(ids, positives, starts, low=100, high=200)
    assert dict(zip(ids, keep, strict=True)) == {
        "early": False, "now": True, "later": True, "unknown": True, "clean": True,
    }  # fmt: skip
    # Before its scheme began an account was an ordinary one: a negative, not a positive.
    assert dict(zip(ids, label, strict=True)) == {
        "early": False, "now": True, "later": False, "unknown": True, "clean": False,
    }  # fmt: skip


def test_cuts_bound_every_slice() -> None:
    cuts = Cuts(test=800, gap=20)
    assert cuts.bounds() == [("fit", None, 780), ("test", 800, None)]
