"""Legitimate look-alikes: ordinary accounts that do what the schemes do, and carry no label.

Each test names the typology its look-alike imitates; a detector that flags them is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sever.simulate import SimulationParams, calendar, simulate
from sever.simulate.background import salaries
from sever.simulate.params import TYPOLOGY_NAMES
from sever.simulate.world import FX_PER_USD, LOOKALIKES, build_world, lookalike_table


@pytest.fixture(scope="module")
def cast():
    """The legitimate cast of a medium world (built, not written: a second or two)."""
    return build_world(SimulationParams(size=5_000_000, seed=4))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A world with no schemes planted: everything in it is legitimate."""
    out = tmp_path_factory.mktemp("clean")
    simulate(SimulationParams(size=60_000, seed=4, illicit_share=0.0), out)
    return out


def _read(root: Path, name: str) -> pd.DataFrame:
    frame = pd.read_parquet(root / f"{name}.parquet")
    if "amount" in frame:
        frame["usd"] = frame["amount"] / frame["currency"].map(FX_PER_USD)
    return frame


def test_every_lookalike_kind_has_accounts_and_names_a_known_typology(cast) -> None:
    table = pd.DataFrame(lookalike_table(cast))
    assert set(table["lookalike"]) == set(LOOKALIKES)
    assert set(table["imitates"]) <= set(TYPOLOGY_NAMES)
    sizes = table["lookalike"].value_counts()
    assert sizes["marketplace"] >= 2, "a few large platforms"
    assert (sizes.drop("marketplace") >= 100).all(), sizes.to_dict()
    assert set(table["account_id"]) <= set(cast.accounts.ids)


def test_registered_agent_addresses_are_shared_by_many_companies(cast) -> None:
    """Imitates front-company clusters (shared address, phone and director)."""
    companies = cast.parties["schema"] == "Company"
    addresses = pd.Series(cast.parties["address"][companies]).value_counts()
    assert addresses.iloc[0] >= 40
    assert (addresses >= 20).sum() >= 10
    directors = pd.Series(
        [d for text in cast.parties["directors"][companies] for d in json.loads(text)]
    ).value_counts()
    assert directors.iloc[0] >= 10, "a corporate secretary sits on many boards"


def test_company_groups_own_companies_through_chains_and_offshore_holdings(cast) -> None:
    """Imitates the ownership chains of OFAC's 50 % rule."""
    parties = cast.parties
    ids = parties["party_id"]
    kind_of = dict(zip(ids, parties["schema"], strict=True))
    country_of = dict(zip(ids, parties["country"], strict=True))
    parent = {}
    for party, text in zip(ids, parties["owners"], strict=True):
        owners = json.loads(text) if text else []
        assert not owners or abs(sum(o["share"] for o in owners) - 1.0) < 0.011
        for owner in owners:
            if kind_of[owner["owner_id"]] == "Company" and owner["share"] >= 0.5:
                parent[party] = owner["owner_id"]
    depth = {p: 1 + (parent[parent[p]] in parent if parent[p] in parent else 0) for p in parent}
    assert len(parent) > 500
    assert sum(d >= 2 for d in depth.values()) > 50, "groups reach two levels and more"
    offshore = {p for p, up in parent.items() if country_of[up] in ("VG", "KY", "MH", "SC")}
    assert len(offshore) > 30


def test_payroll_agencies_pass_client_money_on_as_salaries(cast) -> None:
    """Imitates IT-worker payroll and rapid movement: in from clients, out to many people."""
    payday = calendar.paydays(cast.params.start, cast.params.days)[3]
    cols = salaries(np.random.default_rng(0), cast, payday)
    pay = pd.DataFrame({k: cols[k] for k in ("src", "dst", "usd", "purpose", "payment_format")})
    funding = pay[pay["purpose"] == "payroll funding"]
    salary = pay[(pay["purpose"] == "salary") & pay["src"].isin(funding["dst"])]
    ratio = salary.groupby("src")["usd"].sum() / funding.groupby("dst")["usd"].sum()
    assert len(ratio.dropna()) >= 20
    assert 0.7 < ratio.median() < 1.0, "almost all of what clients pay in goes out as pay"
    assert salary.groupby("src")["dst"].nunique().max() >= 8
    assert (funding["payment_format"] == "swift").any(), "clients abroad fund by SWIFT"
    early = cols["seconds"][cols["purpose"] == "payroll funding"].max()
    assert early < cols["seconds"][cols["purpose"] == "salary"].min() + 86_400


def test_migrant_workers_send_most_of_their_pay_abroad_within_days(clean: Path) -> None:
    """Imitates IT-worker payroll forwarding (most of each salary abroad within 72 hours)."""
    tx = _read(clean, "transactions")
    salary = tx[tx["purpose"] == "salary"][["dst_account", "timestamp", "usd"]]
    sent = tx[(tx["purpose"] == "remittance") & (tx["src_country"] != tx["dst_country"])]
    pairs = salary.merge(
        sent[["src_account", "timestamp", "usd", "dst_country"]],
        left_on="dst_account",
        right_on="src_account",
        suffixes=("_in", "_out"),
    )
    hours = (pairs["timestamp_out"] - pairs["timestamp_in"]).dt.total_seconds() / 3600
    soon = pairs[(hours > 0) & (hours <= 72) & (pairs["usd_out"] >= 0.8 * pairs["usd_in"])]
    assert soon["src_account"].nunique() >= 5
    assert set(soon["dst_country"]) & {"CN", "HK", "RU"}


def test_cash_heavy_shops_deposit_just_under_the_threshold(clean: Path) -> None:
    """Imitates structuring: many cash deposits between 7,500 and 10,000 USD."""
    tx = _read(clean, "transactions")
    cash = tx[tx["payment_format"] == "cash"]
    near = cash[(cash["usd"] >= 7_500) & (cash["usd"] < 10_000)]
    per_account = near.groupby("src_account").size()
    assert (per_account >= 5).sum() >= 3


def test_charities_and_marketplaces_gather_from_many_and_pay_many(clean: Path) -> None:
    """Imitates fan-in (charities) and gather-scatter (marketplaces)."""
    tx = _read(clean, "transactions")
    gifts = tx[tx["purpose"] == "donation"].groupby("dst_account")["src_account"].nunique()
    assert gifts.max() >= 30
    market = tx[tx["purpose"].isin(["marketplace purchase", "marketplace payout"])]
    hubs = market[market["purpose"] == "marketplace payout"]["src_account"].unique()
    for hub in hubs[:2]:
        into = market[market["dst_account"] == hub]
        out = market[market["src_account"] == hub]
        assert into["src_account"].nunique() >= 5 and out["dst_account"].nunique() >= 5
        assert 0.3 < out["usd"].sum() / into["usd"].sum() < 1.5, "most of what comes in goes out"


def test_ordinary_trade_goes_to_china_russia_and_the_uae(clean: Path) -> None:
    """Imitates trade through the corridors front companies use."""
    tx = _read(clean, "transactions")
    trade = tx[tx["purpose"].str.startswith("trade payment")]
    assert trade["dst_country"].isin(["CN", "HK", "RU", "AE"]).mean() > 0.4
    groups = tx[tx["purpose"].isin(["dividend", "management fee", "intercompany loan"])]
    assert (groups["src_country"] != groups["dst_country"]).mean() > 0.2


def test_remote_staff_travel_share_vpn_exits_and_use_remote_desktops(clean: Path) -> None:
    """Imitates laptop farms (one IP, many workers) and IT workers abroad."""
    logins = pd.read_parquet(clean / "logins.parquet")
    employment = pd.read_parquet(clean / "employment.parquet").set_index("employee_id")
    people_per_ip = logins.groupby("ip")["employee_id"].nunique()
    assert people_per_ip.max() >= 5
    home = employment.loc[logins["employee_id"], "party_id"].to_numpy()
    parties = pd.read_parquet(clean / "parties.parquet").set_index("party_id")
    abroad = logins["ip_country"].to_numpy() != parties.loc[home, "country"].to_numpy()
    assert abroad.mean() > 0.04
    assert {"anydesk", "teamviewer"} <= set(logins["remote_tool"].dropna())
    assert (logins["session_hours"] > 12).sum() > 0
    assert np.isin(logins["ip_country"], ["CN", "RU"]).sum() > 0
