"""Each planted scheme instance has the structure its typology defines (TYPOLOGIES.md).

Checked on a tiny world with one instance of every typology at the default (realistic) difficulty:
structure is asserted against the realistic ranges, never against a rule's threshold.
"""

from __future__ import annotations

import json
from itertools import pairwise

import networkx as nx
import pandas as pd
import pytest

from sever.simulate.names import INDUSTRIES
from sever.simulate.params import DIFFICULTIES, TYPOLOGY_NAMES
from sever.simulate.typologies import REGISTRY
from sever.simulate.world import FX_PER_USD

DEFAULTS = DIFFICULTIES["realistic"]
SLACK = pd.Timedelta(days=2)
"""A planted payment moves to an hour its kind is made at: up to a day or so from its plan."""


@pytest.fixture(scope="module")
def world(every_typology):
    return every_typology


def _instances(world, typology: str) -> list[tuple[str, pd.DataFrame]]:
    labels = world["labels/transactions"]
    labels = labels[(labels["typology"] == typology) & (labels["table"] == "transactions")]
    tx = labels.merge(world["transactions"], on="tx_id")
    found = [(sid, frame.sort_values("timestamp")) for sid, frame in tx.groupby("scheme_id")]
    assert found, f"no {typology} instance planted"
    return found


def _params(world, scheme_id: str) -> dict:
    schemes = world["labels/schemes"].set_index("scheme_id")
    return json.loads(schemes.loc[scheme_id, "params"])


def _party_type(world) -> pd.Series:
    holders = world["accounts"].set_index("account_id")["holder_id"]
    types = world["parties"].set_index("party_id")["party_type"]
    return holders.map(types)


def test_every_contract_typology_is_registered_with_a_summary() -> None:
    assert set(REGISTRY) == set(TYPOLOGY_NAMES)
    for typology in REGISTRY.values():
        assert typology.summary


def test_fan_out_one_source_many_destinations_in_window(world) -> None:
    for _, tx in _instances(world, "fan_out"):
        assert tx["src_account"].nunique() == 1
        assert tx["dst_account"].nunique() >= DEFAULTS.mules[0]
        assert (
            tx["timestamp"].max() - tx["timestamp"].min()
            <= pd.Timedelta(days=DEFAULTS.window_days[1]) + SLACK
        )


def test_fan_in_many_sources_one_destination_in_window(world) -> None:
    for _, tx in _instances(world, "fan_in"):
        assert tx["dst_account"].nunique() == 1
        assert tx["src_account"].nunique() >= DEFAULTS.mules[0]
        assert (
            tx["timestamp"].max() - tx["timestamp"].min()
            <= pd.Timedelta(days=DEFAULTS.window_days[1]) + SLACK
        )


def test_scatter_gather_and_gather_scatter(world) -> None:
    for _, tx in _instances(world, "scatter_gather"):
        scatter, gather = tx[tx["role"] == "scatter"], tx[tx["role"] == "gather"]
        assert scatter["src_account"].nunique() == 1 and gather["dst_account"].nunique() == 1
        assert set(scatter["dst_account"]) == set(gather["src_account"])
    for _, tx in _instances(world, "gather_scatter"):
        gather, scatter = tx[tx["role"] == "gather"], tx[tx["role"] == "scatter"]
        (hub,) = set(gather["dst_account"])
        assert set(scatter["src_account"]) == {hub}
        assert gather["timestamp"].max() <= scatter["timestamp"].min()


def test_cycle_is_a_time_ordered_closed_path(world) -> None:
    for _, tx in _instances(world, "cycle"):
        hops = list(zip(tx["src_account"], tx["dst_account"], strict=True))
        assert hops[-1][1] == hops[0][0], "the last hop returns to the start"
        for (_, dst), (src, _) in pairwise(hops):
            assert dst == src, "each hop starts where the previous one ended"
        assert tx["timestamp"].is_monotonic_increasing
        assert len(hops) >= 3


def test_bipartite_and_stack(world) -> None:
    for _, tx in _instances(world, "bipartite"):
        assert not set(tx["src_account"]) & set(tx["dst_account"])
        assert tx["src_account"].nunique() >= 2 and tx["dst_account"].nunique() >= 2
    for sid, tx in _instances(world, "stack"):
        params = _params(world, sid)
        graph = nx.DiGraph(list(zip(tx["src_account"], tx["dst_account"], strict=True)))
        assert nx.is_directed_acyclic_graph(graph)
        assert nx.dag_longest_path_length(graph) == params["layers"] - 1
        assert len(tx) == (params["layers"] - 1) * params["width"] ** 2


def test_structuring_stays_below_the_threshold(world) -> None:
    threshold = DEFAULTS.reporting_threshold
    low = DEFAULTS.structuring_band[0]
    for _, tx in _instances(world, "structuring"):
        deposits = tx[tx["role"] == "structured_deposit"]
        usd = deposits["amount"] / deposits["currency"].map(FX_PER_USD)
        assert len(deposits) >= DEFAULTS.structuring_deposits[0]
        assert (usd < threshold).all()
        assert (usd >= 0.99 * low * threshold).all()
        assert (deposits["payment_format"] == "cash").all()
        assert (deposits["src_account"] == deposits["dst_account"]).all()
        (consolidation,) = tx[tx["role"] == "consolidation"].itertuples()
        assert consolidation.src_account == deposits["src_account"].iloc[0]


def test_rapid_movement_through_new_accounts(world) -> None:
    opened = world["accounts"].set_index("account_id")["opened"]
    for _, tx in _instances(world, "rapid_movement"):
        passing = tx[tx["role"] == "pass_through"]
        for account in passing["src_account"]:
            age = tx["timestamp"].min().date() - opened[account]
            assert age.days <= DEFAULTS.new_account_days
        gaps = tx["timestamp"].diff().dropna()
        assert (gaps <= pd.Timedelta(hours=DEFAULTS.bank_hop_hours[1]) + SLACK).all()


def test_payroll_is_forwarded_within_days_to_facilitator_msb_or_exchange(world) -> None:
    types = _party_type(world)
    facilitators = set(world["labels/accounts"].query("role == 'facilitator'")["account_id"])
    for typology in ("it_worker_payroll", "laptop_farm"):
        for _, tx in _instances(world, typology):
            salaries = tx[tx["role"] == "salary"]
            forwards = tx[tx["role"] == "forward"]
            assert len(salaries) >= DEFAULTS.payroll_months[0]
            assert (salaries["purpose"] == "salary").all()
            assert all(
                types[a] in ("msb", "exchange") or a in facilitators
                for a in forwards["dst_account"]
            )
            for _, credit in salaries.iterrows():
                window = forwards[
                    (forwards["src_account"] == credit["dst_account"])
                    & (forwards["timestamp"] > credit["timestamp"])
                    & (
                        forwards["timestamp"]
                        <= credit["timestamp"] + pd.Timedelta(hours=DEFAULTS.forward_hours[1])
                    )
                ]
                assert window["amount"].sum() >= DEFAULTS.forward_share[0] * credit["amount"] * 0.9


def test_laptop_farm_most_laptops_at_drop_addresses_and_one_ip(world) -> None:
    employment = world["employment"].set_index("employee_id")
    logins = world["logins"]
    for sid, _ in _instances(world, "laptop_farm"):
        params = _params(world, sid)
        staff = employment.loc[params["employees"]]
        assert staff["laptop_ship_address"].isin(params["ship_to"]).mean() >= 0.5
        farm = logins[logins["ip"] == params["farm_ip"]]
        assert farm["employee_id"].nunique() >= 0.5 * len(staff)
        theirs = logins[logins["employee_id"].isin(params["employees"])]
        assert theirs["device_id"].nunique() <= len(staff), "a device serves one or two identities"
        assert theirs["remote_tool"].isna().any() or len(theirs) < 20, "not every login is remote"


def test_laptop_farm_sessions_are_as_long_as_everybodys(world) -> None:
    """Farm laptops are worked in shifts: no more sessions of 12 hours and more than ordinary
    staff leave open (a farm whose sessions stand out would be found by their length alone)."""
    logins = world["logins"]
    for sid, _ in _instances(world, "laptop_farm"):
        theirs = logins[logins["employee_id"].isin(_params(world, sid)["employees"])]
        assert (theirs["session_hours"] >= 12).mean() < 0.25


def test_it_worker_laptops_do_not_all_ship_to_one_address(world) -> None:
    employment = world["employment"].set_index("employee_id")
    spread = []
    for sid, _ in _instances(world, "it_worker_payroll"):
        params = _params(world, sid)
        staff = employment.loc[params["employees"]]
        spread.append(staff["laptop_ship_address"].nunique() > 1 or len(staff) == 1)
    assert not spread or any(spread)


def test_it_workers_log_in_from_abroad_with_remote_tools(world) -> None:
    logins = world["logins"]
    for sid, _ in _instances(world, "it_worker_payroll"):
        theirs = logins[logins["employee_id"].isin(_params(world, sid)["employees"])]
        assert len(theirs)
        assert set(theirs["ip_country"]) <= {"CN", "RU", "KP"}
        assert theirs["remote_tool"].notna().any()


def test_front_companies_share_a_nominee_and_contacts(world) -> None:
    parties = world["parties"].set_index("party_id")
    labels = world["labels/parties"]
    for sid, _ in _instances(world, "front_company"):
        members = labels[(labels["scheme_id"] == sid) & (labels["role"] == "front_company")][
            "party_id"
        ]
        companies = parties.loc[members]
        assert len(companies) >= 2
        nominees = set(_params(world, sid)["nominee_directors"])
        for directors in companies["directors"].map(json.loads):
            assert len(set(directors) & nominees) == 1, "one of one or two nominee directors"
            assert len(directors) <= 2, "beside at most one director already on the board"
        assert max(companies[c].value_counts().max() for c in ("address", "phone", "email")) >= 2


def test_no_party_type_gives_the_designated_owner_away(world) -> None:
    assert "designated" not in set(world["parties"]["party_type"])


def _effective(owners: dict[str, list[dict]], blocked: set[str], company: str) -> float:
    return sum(o["share"] for o in owners[company] if o["owner_id"] in blocked)


def test_ownership_adds_up_to_fifty_percent_held_by_the_designated_party(world) -> None:
    registry = world["registry"].set_index("company_id")
    owners = {cid: json.loads(value) for cid, value in registry["owners"].items()}
    for sid, _ in _instances(world, "ownership_50pct"):
        params = _params(world, sid)
        blocked = {params["designated"]}
        changed = True
        while changed:  # OFAC 50 % rule, applied until nothing more is blocked
            changed = False
            for company in params["blocked"]:
                if company not in blocked and _effective(owners, blocked, company) >= 0.5:
                    blocked.add(company)
                    changed = True
        assert set(params["blocked"]) <= blocked
        direct = [_effective(owners, {params["designated"]}, c) for c in params["blocked"]]
        assert min(direct) < 0.5, "one company is blocked only through a chain or in aggregate"


def test_trade_mismatch_goods_do_not_fit_and_route_via_a_third_country(world) -> None:
    for sid, tx in _instances(world, "trade_mismatch"):
        industry = _params(world, sid)["payer_industry"]
        for purpose, src, dst in zip(
            tx["purpose"], tx["src_country"], tx["dst_country"], strict=True
        ):
            goods = purpose.split(":", 1)[1].strip()
            assert goods not in INDUSTRIES.get(industry, ())
            assert any(goods in known for known in INDUSTRIES.values()), "goods others trade"
            assert dst != src


def test_crypto_laundering_split_layer_consolidate_cash_out(world) -> None:
    labels = world["labels/transactions"].query("typology == 'crypto_laundering'")
    transfers = world["transfers"]
    wallet_tags = world["wallets"].set_index("address")["wallet_type"]
    for sid, frame in labels.groupby("scheme_id"):
        moves = frame.merge(transfers, left_on="tx_id", right_on="transaction_hash")
        roles = set(moves["role"])
        assert {"theft", "split", "consolidation", "cash_out"} <= roles
        assert roles & {"peel", "mixer_deposit", "bridge_in", "swap"}
        theft = moves[moves["role"] == "theft"].iloc[0]
        params = _params(world, sid)
        splits = moves[moves["role"] == "split"]
        assert (splits["from_address"] == theft["to_address"]).all()
        low, high = DEFAULTS.split_wallets
        assert low <= splits["to_address"].nunique() == params["splits"] <= high
        assert (moves["block_timestamp"] >= theft["block_timestamp"]).all()
        cash_out = moves[moves["role"] == "cash_out"]
        assert set(cash_out["to_address"].map(wallet_tags)) <= {"exchange_deposit", "otc"}
        if "bridge_in" in roles:
            assert "bitcoin" in set(moves["chain"])
        longest = DEFAULTS.laundering_days[1] + 30  # the last hops may outrun the planned span
        assert moves["block_timestamp"].max() - theft["block_timestamp"] <= pd.Timedelta(
            days=longest
        )
        assert sid in set(world["labels/wallets"]["scheme_id"])


@pytest.mark.parametrize("typology", ["sanctioned_alias", "ship_to_ship"])
def test_sanctioned_plants_use_listed_parties(world, typology: str) -> None:
    schemes = world["labels/schemes"].query("typology == @typology")
    if schemes.empty:
        pytest.skip("no DPRK entities in the store to plant")
    for params in schemes["params"].map(json.loads):
        assert params["listed_id"]
        if typology == "sanctioned_alias":
            assert params["spelled"].lower() != params["listed_name"].lower()
        else:
            tx = _instances(world, typology)
            assert any(
                params["shown"] in p or (params["imo"] or "~") in p
                for _, t in tx
                for p in t["purpose"]
            )
