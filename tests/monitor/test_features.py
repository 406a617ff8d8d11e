"""Structure features: cycles, money in then out, flow-through, ego network and peer ranks.

Each is checked on a hand-made ledger whose value is known, and all of them together must not move
when every amount is multiplied by 100 or the time axis is stretched four times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from sever.monitor.features import (
    FEATURE_WORDS,
    SCALE_BOUND,
    account_features,
    describe_feature,
)
from sever.monitor.inputs import prepare
from sever.monitor.structure import STRUCTURE_FEATURES, peer_percentiles
from sever.tables.contracts import ACCOUNTS, PARTIES, TRANSACTIONS, conform
from sever.tables.engine import connect

if TYPE_CHECKING:
    from conftest import Ledger

DAY_H = 24


def features(book: Ledger, *, scale: float = 1.0, stretch: float = 1.0) -> pd.DataFrame:
    """Account features of the ledger, amounts multiplied, time stretched from the first payment."""
    frames = book.frames()
    tx = frames["transactions"].copy()
    tx["amount"] = tx["amount"] * scale
    when = pd.to_datetime(tx["timestamp"])
    tx["timestamp"] = when.min() + (when - when.min()) * stretch
    engine = connect("duckdb")
    inputs = prepare(
        engine,
        conform(engine.table(tx), TRANSACTIONS, "<tx>"),
        accounts=conform(engine.table(frames["accounts"]), ACCOUNTS, "<accounts>"),
        parties=conform(engine.table(frames["parties"]), PARTIES, "<parties>"),
    )
    return account_features(engine, inputs).set_index("account_id")


def test_a_time_ordered_cycle_counts_for_each_account_on_it(ledger: Ledger) -> None:
    ledger.pay("CA", "CB", 5_000, 100)
    ledger.pay("CB", "CC", 4_900, 110)
    ledger.pay("CC", "CA", 4_800, 120)
    # The same three accounts the other way round, but out of order in time: no cycle.
    ledger.pay("DA", "DB", 5_000, 300)
    ledger.pay("DB", "DC", 4_900, 290)
    ledger.pay("DC", "DA", 4_800, 310)
    found = features(ledger)
    assert [found.cycles[a] for a in ("CA", "CB", "CC")] == [1, 1, 1]
    assert [found.cycles[a] for a in ("DA", "DB", "DC")] == [0, 0, 0]


def test_a_cycle_that_closes_too_late_is_not_a_cycle(ledger: Ledger) -> None:
    # The background spans about 90 days, so a cycle must close within about 3.7 days.
    ledger.pay("LA", "LB", 5_000, 100)
    ledger.pay("LB", "LC", 4_900, 100 + 2 * DAY_H)
    ledger.pay("LC", "LA", 4_800, 100 + 10 * DAY_H)
    ledger.pay("QA", "QB", 5_000, 400)
    ledger.pay("QB", "QC", 4_900, 401)
    ledger.pay("QC", "QD", 4_800, 402)
    ledger.pay("QD", "QA", 4_700, 403)
    found = features(ledger)
    assert found.cycles["LA"] == 0
    assert [found.cycles[a] for a in ("QA", "QB", "QC", "QD")] == [1, 1, 1, 1]


def quiet_life(book: Ledger, account: str) -> None:
    """An account paid every ten days, paying a bill five days after each pay day."""
    for k in range(8):
        book.pay("EMP-BG", account, 2_000, k * 10 * DAY_H + 3)
        book.pay(account, "SHOP0", 500, k * 10 * DAY_H + 5 * DAY_H)


def test_money_out_soon_after_money_in_is_a_motif_relative_to_the_account(
    ledger: Ledger,
) -> None:
    quiet_life(ledger, "MULE")
    quiet_life(ledger, "SAVER")
    ledger.pay("BG001", "MULE", 9_000, 30 * DAY_H + 1)
    ledger.pay("MULE", "BG002", 8_500, 30 * DAY_H + 3)
    found = features(ledger)
    assert found.quick_out_share["MULE"] == pytest.approx(8_500 / (8_500 + 8 * 500))
    assert found.quick_out_share["SAVER"] == 0
    # Each bill is paid one typical gap (five days) after the pay that came in.
    assert found.in_out_gap["SAVER"] == pytest.approx(1.0, rel=0.01)


def test_flow_through_is_the_share_received_that_leaves_in_the_same_window(
    ledger: Ledger,
) -> None:
    ledger.pay("BG003", "PASS", 1_000, 200)
    ledger.pay("PASS", "BG004", 900, 202)
    ledger.pay("BG005", "KEEP", 1_000, 200)
    found = features(ledger)
    assert found.flow_through["PASS"] == pytest.approx(0.9)
    assert found.flow_through["KEEP"] == 0


def test_ego_network_reciprocity_and_first_contact(ledger: Ledger) -> None:
    ledger.pay("EGO", "FRIEND", 100, 10)
    ledger.pay("FRIEND", "EGO", 100, 20)
    ledger.pay("EGO", "STRANGER", 300, 30)
    ledger.pay("EGO", "FRIEND", 100, 40)
    found = features(ledger)
    assert found.counterparties["EGO"] == 2
    assert found.reciprocity["EGO"] == pytest.approx(0.5)
    # First contact: 100 to FRIEND and 300 to STRANGER out of 500 sent.
    assert found.first_contact_share["EGO"] == pytest.approx(400 / 500)


def test_peer_ranks_compare_accounts_only_with_their_own_group() -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d"],
            "holder_type": ["person", "person", "company", "company"],
            "account_country": ["US", "US", "US", "US"],
            "usd_in": [10.0, 20.0, 1_000.0, 5.0],
        }
    )
    ranks = peer_percentiles(accounts).set_index("account_id")
    assert ranks.pct_usd_in.to_dict() == {"a": 0.5, "b": 1.0, "c": 1.0, "d": 0.5}


def test_no_feature_measures_how_long_an_account_has_been_active(ledger: Ledger) -> None:
    found = features(ledger)
    for name in ("active_days", "per_day", "age_days", "first_t", "opened_t"):
        assert name not in found.columns


@pytest.mark.parametrize(("scale", "stretch"), [(100.0, 1.0), (0.01, 1.0), (1.0, 4.0)])
def test_structure_features_do_not_depend_on_scale(
    ledger: Ledger, scale: float, stretch: float
) -> None:
    ledger.pay("CA", "CB", 5_000, 100)
    ledger.pay("CB", "CC", 4_900, 110)
    ledger.pay("CC", "CA", 4_800, 120)
    quiet_life(ledger, "MULE")
    ledger.pay("BG001", "MULE", 9_000, 30 * DAY_H + 1)
    ledger.pay("MULE", "BG002", 8_500, 30 * DAY_H + 3)
    base = features(ledger)
    moved = features(ledger, scale=scale, stretch=stretch).loc[base.index]
    invariant = [*STRUCTURE_FEATURES, *(f"pct_{c}" for c in SCALE_BOUND)]
    for name in invariant:
        np.testing.assert_allclose(
            moved[name].to_numpy(float), base[name].to_numpy(float), rtol=0.02, atol=1e-6,
            err_msg=name,
        )  # fmt: skip


def test_every_account_feature_has_words_for_the_analyst(ledger: Ledger) -> None:
    for name in features(ledger).columns:
        assert name.removeprefix("pct_") in FEATURE_WORDS, name
    assert describe_feature("pct_usd_in").endswith("money received (USD)")
    assert describe_feature("src_cycles").startswith("sender's ")
