"""The legitimate world looks like a real one: heavy tails, daily and weekly cycles, many places."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sever.simulate.calendar import UTC_OFFSETS
from sever.simulate.describe import hill_alpha, top_share


def test_amounts_are_heavy_tailed(world) -> None:
    usd = world["transactions"].query("currency == 'USD'")["amount"].to_numpy()
    assert top_share(usd) > 0.3, "the top 1 % of payments should carry a large share of volume"
    alpha = hill_alpha(usd)
    assert alpha is not None and alpha < 2.0


def test_account_degrees_are_heavy_tailed(world) -> None:
    tx = world["transactions"]
    in_degree = tx.groupby("dst_account").size().to_numpy().astype(float)
    assert in_degree.max() > 20 * np.median(in_degree)
    assert top_share(in_degree) > 0.1
    alpha = hill_alpha(in_degree, tail=0.05)
    assert alpha is not None and alpha < 3.0


def test_daily_cycle_in_local_time(world) -> None:
    tx = world["transactions"]
    offsets = tx["src_country"].map(UTC_OFFSETS).fillna(0).astype(int)
    local = (tx["timestamp"].dt.hour + offsets) % 24
    card = local[tx["payment_format"] == "card"].value_counts()
    assert (
        card.reindex(range(10, 21), fill_value=0).mean()
        > 4 * card.reindex(range(1, 6), fill_value=0).mean()
    )
    wires = local[tx["payment_format"].isin(["wire", "swift"])].value_counts()
    assert (
        wires.reindex(range(9, 17), fill_value=0).mean()
        > 3 * wires.reindex(range(0, 6), fill_value=0).mean()
    )


def test_weekly_cycle(world) -> None:
    tx = world["transactions"]
    per_weekday = tx["timestamp"].dt.day_of_week.value_counts().sort_index()
    assert per_weekday[[5, 6]].mean() < 0.85 * per_weekday[[0, 1, 2, 3, 4]].mean()
    business = tx[tx["purpose"].str.startswith("INV-")]
    weekend_share = business["timestamp"].dt.day_of_week.isin([5, 6]).mean()
    assert weekend_share < 0.15


def test_salaries_come_monthly(world) -> None:
    salary = world["transactions"].query("purpose == 'salary'")
    days = salary["timestamp"].dt.strftime("%Y-%m").value_counts()
    assert len(days) >= 11  # one payday a month; the last may fall after the period
    assert salary.groupby("dst_account").size().median() >= 10


def test_several_currencies_banks_and_countries(world) -> None:
    tx = world["transactions"]
    assert {"USD", "CNY", "RUB", "AED", "KRW", "THB", "VND"} <= set(tx["currency"])
    assert tx["src_bank"].nunique() >= 15
    parties = world["parties"]
    assert {"CN", "RU", "AE", "SG", "TH", "VN", "KR"} <= set(parties["country"])
    types = set(parties["party_type"])
    assert {"person", "merchant", "employer", "msb", "exchange", "otc"} <= types


def test_many_distinct_korean_and_chinese_names(world) -> None:
    people = world["parties"].query("schema == 'Person'")
    korean = people[people["country"] == "KR"]["name"]
    chinese = people[people["country"] == "CN"]["name"]
    assert korean.nunique() > 0.9 * len(korean)
    assert chinese.nunique() > 0.9 * len(chinese)
    assert people["name"].str.contains(r"\bKim\b|\bPark\b|\bLee\b").sum() > 10


def test_chain_transfers_use_services_and_several_chains(world) -> None:
    transfers = world["transfers"]
    assert {"ethereum", "bitcoin", "tron"} <= set(transfers["chain"])
    assert {"ETH", "BTC", "USDT"} <= set(transfers["asset"])
    wallets = world["wallets"]
    kinds = wallets.set_index("address")["wallet_type"]
    to_kind = transfers["to_address"].map(kinds)
    assert {"exchange_deposit", "defi_router", "bridge", "mixer"} <= set(to_kind.dropna())
    swaps = transfers.groupby("transaction_hash").size()
    assert (swaps == 2).sum() > 0, "DeFi swaps write two legs under one hash"


def test_legitimate_remittances_and_exchange_use_add_false_positive_pressure(world) -> None:
    tx = world["transactions"]
    labelled = set(world["labels/transactions"]["tx_id"])
    legit = tx[~tx["tx_id"].isin(labelled)]
    assert (legit["purpose"] == "remittance").sum() > 100
    assert (legit["purpose"] == "exchange deposit").sum() > 100
    cash = legit[legit["payment_format"] == "cash"]["amount"]
    assert isinstance(cash, pd.Series) and len(cash) > 100


def test_some_accounts_open_during_the_period_and_none_is_used_before_it_opens(world) -> None:
    accounts = world["accounts"].set_index("account_id")["opened"]
    assert (accounts >= pd.Timestamp("2024-03-01").date()).sum() > 10, "new customers join"
    tx = world["transactions"]
    legit = tx[~tx["tx_id"].isin(set(world["labels/transactions"]["tx_id"]))]
    day = legit["timestamp"].dt.tz_localize(None).dt.normalize()
    for side in ("src_account", "dst_account"):
        opened = pd.to_datetime(legit[side].map(accounts))
        assert (day >= opened).all(), side
    young = (day - pd.to_datetime(legit["src_account"].map(accounts))).dt.days < 30
    assert young.sum() > 0, "payments from accounts opened days before"
