"""The monitor benches measure what they say: the world cut in time, the transformed copies, the
degree baseline and the scores are checked here on a hand-written world."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

from monitor_eval import Flags, cut_in_time, degree_flags, load_world, measure, prf
from monitor_robustness import transform

T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """Ten days of payments: a busy merchant M receives from everyone; X1 -> X2 -> X3 launder
    on days 1 and 8."""
    path = tmp_path / "w"
    (path / "labels").mkdir(parents=True)
    rows = []
    for day in range(10):
        for n in range(5):
            rows.append((f"t{day}-{n}", T0 + timedelta(days=day, hours=n), f"C{n}", "M", 10.0 + n))
    for day in (1, 8):
        rows.append((f"x{day}a", T0 + timedelta(days=day, hours=9), "X1", "X2", 5000.0))
        rows.append((f"x{day}b", T0 + timedelta(days=day, hours=10), "X2", "X3", 4900.0))
    tx = pd.DataFrame(rows, columns=["tx_id", "timestamp", "src_account", "dst_account", "amount"])
    tx["currency"] = "USD"
    tx["amount_received"] = tx.amount
    tx.to_parquet(path / "transactions.parquet")
    ids = sorted({*tx.src_account, *tx.dst_account})
    pd.DataFrame(
        {"account_id": ids, "holder_id": ids, "opened": [date(2023, 12, 1)] * len(ids)}
    ).to_parquet(path / "accounts.parquet")
    pd.DataFrame({"party_id": ids, "schema": "Person", "name": ids}).to_parquet(
        path / "parties.parquet"
    )
    labelled = tx[tx.tx_id.str.startswith("x")]
    labelled[["tx_id"]].assign(scheme_id="S1", typology="cycle", role="r").to_parquet(
        path / "labels/transactions.parquet"
    )
    pd.DataFrame(
        {"account_id": ["X1", "X2", "X3"], "scheme_id": "S1", "typology": "cycle", "role": "r"}
    ).to_parquet(path / "labels/accounts.parquet")
    return path


def test_scores_count_only_what_was_flagged_right() -> None:
    assert prf({"a", "b", "c", "d"}, {"a", "b"}) == {
        "precision": 0.5, "recall": 1.0, "f1": 0.6667, "flagged": 4, "positives": 2,
    }  # fmt: skip
    assert prf(set(), {"a"})["f1"] == 0.0


def test_measure_scores_only_the_test_worlds_payments_and_accounts(world: Path) -> None:
    test = load_world(world)
    found = measure(Flags({"x1a", "elsewhere"}, {"X1", "X2", "M", "ghost"}), test)
    assert found["account"]["flagged"] == 3  # ghost has no payment here
    # two of the scheme's three accounts flagged; its one scheme counts as found
    assert found["account"]["typologies"] == {
        "cycle": {"recall": 0.6667, "n": 3, "scheme_recall": 1.0, "schemes": 1}
    }
    assert found["transaction"]["recall"] == 0.25


def test_degree_baseline_flags_the_busiest_accounts_k_true_accounts_of_them(world: Path) -> None:
    flags = degree_flags(load_world(world))
    assert len(flags.accounts) == 3
    assert "M" in flags.accounts
    assert not flags.accounts & {"X1", "X3"}  # two payments each: less busy than any customer


def test_a_world_cut_in_time_labels_each_part_by_its_own_payments(
    world: Path, tmp_path: Path
) -> None:
    tune, test = cut_in_time(world, tmp_path / "parts", share=0.5)
    older = pd.read_parquet(tune / "transactions.parquet")
    newer = pd.read_parquet(test / "transactions.parquet")
    assert older.timestamp.max() < newer.timestamp.min()
    assert set(pd.read_parquet(tune / "labels/transactions.parquet").tx_id) == {"x1a", "x1b"}
    assert set(pd.read_parquet(test / "labels/transactions.parquet").tx_id) == {"x8a", "x8b"}
    assert set(pd.read_parquet(test / "labels/accounts.parquet").account_id) == {"X1", "X2", "X3"}


def test_amounts_are_scaled_and_nothing_else_moves(world: Path, tmp_path: Path) -> None:
    out = transform(world, tmp_path / "cents", amount=0.01)
    before = pd.read_parquet(world / "transactions.parquet")
    after = pd.read_parquet(out / "transactions.parquet")
    assert after.amount.tolist() == pytest.approx((before.amount * 0.01).tolist())
    assert after.amount_received.tolist() == pytest.approx((before.amount * 0.01).tolist())
    assert (after.timestamp == before.timestamp).all()
    assert (after.tx_id == before.tx_id).all()


def test_time_is_stretched_from_the_first_payment(world: Path, tmp_path: Path) -> None:
    out = transform(world, tmp_path / "slow", time=4.0)
    before = pd.read_parquet(world / "transactions.parquet")
    after = pd.read_parquet(out / "transactions.parquet")
    start = before.timestamp.min()
    assert after.timestamp.min() == start
    assert ((after.timestamp - start) == (before.timestamp - start) * 4).all()
    assert (after.amount == before.amount).all()
    opened = pd.read_parquet(out / "accounts.parquet").opened.iloc[0]
    assert opened == (start - (start - pd.Timestamp("2023-12-01", tz="UTC")) * 4).date()
