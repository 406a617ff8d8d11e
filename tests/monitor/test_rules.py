"""Each rule of the DPRK pack as a specification: the planted pattern raises it, a near miss not.

Every world here carries the same quiet background (salaried people paying shops), so a rule that
fires on ordinary life fails its negative case.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from sever.monitor import run_pack
from sever.monitor.settings import PackSettings

if TYPE_CHECKING:
    from conftest import Ledger


def alerts_of(result, rule_id: str) -> list:
    return [alert for alert in result.alerts if alert.rule_id == rule_id]


def run(book: Ledger, rule: str, hits: pd.DataFrame | None = None, **settings):
    frames = book.frames()
    return run_pack(
        frames["transactions"],
        accounts=frames["accounts"],
        parties=frames["parties"],
        hits=hits,
        settings=PackSettings(rules=(rule,), thresholds={rule: settings}),
    )


def test_background_alone_raises_nothing(ledger: Ledger) -> None:
    frames = ledger.frames()
    result = run_pack(
        frames["transactions"], accounts=frames["accounts"], parties=frames["parties"]
    )
    assert result.alerts == []


@pytest.mark.parametrize(("receivers", "expected"), [(12, 1), (3, 0)])
def test_fan_out_of_many_transfers_within_a_day(ledger: Ledger, receivers: int, expected: int):
    """A fan-out of 12 transfers within 24 h raises fan_out; 3 transfers do not."""
    for i in range(receivers):
        ledger.pay("HUB", f"M{i}", 2_500, 1 + i)
    found = alerts_of(run(ledger, "fan_out"), "fan_out")
    assert len(found) == expected
    if found:
        assert found[0].evidence["focus"] == "HUB"
        assert len(found[0].tx_ids) == receivers
        assert "distinct receivers in the window, the pack's default" in found[0].explanation
        assert ": 12 (at least 10)" in found[0].explanation


@pytest.mark.parametrize(("senders", "expected"), [(10, 1), (4, 0)])
def test_fan_in_from_many_senders(ledger: Ledger, senders: int, expected: int) -> None:
    for i in range(senders):
        ledger.pay(f"S{i}", "COLLECTOR", 3_000, 24 * i)
    assert len(alerts_of(run(ledger, "fan_in"), "fan_in")) == expected


def test_fan_out_by_an_employer_is_its_trade_not_a_fan(ledger: Ledger) -> None:
    """The background employer pays 30 people each month: exempt by holder type."""
    assert alerts_of(run(ledger, "fan_out"), "fan_out") == []


def test_cycle_in_time_order_is_found_once(ledger: Ledger) -> None:
    ids = [
        ledger.pay("C1", "C2", 50_000, 0),
        ledger.pay("C2", "C3", 49_000, 10),
        ledger.pay("C3", "C4", 48_500, 30),
        ledger.pay("C4", "C1", 48_000, 50),
    ]
    found = alerts_of(run(ledger, "cycle"), "cycle")
    assert len(found) == 1
    assert set(found[0].tx_ids) == set(ids)
    assert found[0].accounts == ("C1", "C2", "C3", "C4")


def test_loop_out_of_time_order_is_not_a_cycle(ledger: Ledger) -> None:
    """The same loop, but no way round it keeps time order: money cannot have come back."""
    ledger.pay("C1", "C2", 50_000, 60)
    ledger.pay("C2", "C3", 49_000, 10)
    ledger.pay("C3", "C4", 48_500, 70)
    ledger.pay("C4", "C1", 48_000, 80)
    assert alerts_of(run(ledger, "cycle"), "cycle") == []


def test_two_hop_round_trip_is_below_the_minimum_loop(ledger: Ledger) -> None:
    ledger.pay("C1", "C2", 50_000, 0)
    ledger.pay("C2", "C1", 49_000, 10)
    assert alerts_of(run(ledger, "cycle"), "cycle") == []


@pytest.mark.parametrize(("amount", "expected"), [(9_500, 1), (2_000, 0)])
def test_structuring_just_under_the_threshold(ledger: Ledger, amount: float, expected: int):
    """Eight cash deposits of 9,500 USD in two weeks raise structuring; of 2,000 USD they do not."""
    for day in range(8):
        ledger.pay("STRUCT", "STRUCT", amount, 24 * day + 2, payment_format="cash")
    assert len(alerts_of(run(ledger, "structuring"), "structuring")) == expected


@pytest.mark.parametrize(("delay_hours", "expected"), [(3, 1), (24 * 5, 0)])
def test_rapid_movement_through_an_account(ledger: Ledger, delay_hours: float, expected: int):
    """50,000 in and 49,000 out three hours later raises rapid_movement; five days later not."""
    ledger.pay("ORIGIN", "PASS", 50_000, 5)
    ledger.pay("PASS", "ONWARD", 49_000, 5 + delay_hours)
    assert len(alerts_of(run(ledger, "rapid_movement"), "rapid_movement")) == expected


@pytest.mark.parametrize(("share", "expected"), [(0.92, 1), (0.2, 0)])
def test_payroll_forwarded_to_a_money_service_business(ledger: Ledger, share: float, expected):
    """Salary forwarded at 92 % to a Chinese MSB within two days raises payroll_forwarding."""
    employer = ledger.account("EMP-X", kind="employer")
    msb = ledger.account("MSB-CN", kind="msb", country="CN")
    worker = ledger.account("WORKER", opened=date(2024, 1, 20))
    for month in range(3):
        ledger.pay(employer, worker, 9_000, 720 * month, purpose="salary")
        ledger.pay(worker, msb, 9_000 * share, 720 * month + 40, purpose="remittance")
    found = alerts_of(run(ledger, "payroll_forwarding"), "payroll_forwarding")
    assert len(found) == expected
    if found:
        assert found[0].typology == "it_worker_payroll"
        assert found[0].evidence["focus"] == "WORKER"


def test_salaries_of_several_employers_pooled_in_one_account(ledger: Ledger) -> None:
    pool = ledger.account("POOL")
    for i in range(4):
        employer = ledger.account(f"EMP{i}", kind="employer")
        ledger.pay(employer, pool, 8_000, 24 * i, purpose="salary")
    found = alerts_of(run(ledger, "payroll_pooling"), "payroll_pooling")
    assert [a.evidence["focus"] for a in found] == ["POOL"]


def test_scatter_gather_through_intermediaries(ledger: Ledger) -> None:
    for i in range(6):
        ledger.pay("ORIGIN", f"MID{i}", 20_000, i)
        ledger.pay(f"MID{i}", "DEST", 19_500, 30 + i)
    found = alerts_of(run(ledger, "scatter_gather"), "scatter_gather")
    assert len(found) == 1
    assert {"ORIGIN", "DEST"} <= set(found[0].accounts)
    assert len(found[0].tx_ids) == 12


def test_gather_then_scatter_through_a_hub(ledger: Ledger) -> None:
    for i in range(6):
        ledger.pay(f"SRC{i}", "HUB", 5_000, i)
    for i in range(6):
        ledger.pay("HUB", f"DST{i}", 4_800, 100 + i)
    found = alerts_of(run(ledger, "gather_scatter"), "gather_scatter")
    assert [a.evidence["focus"] for a in found] == ["HUB"]


def test_bipartite_payers_and_payees(ledger: Ledger) -> None:
    for p in range(4):
        for q in range(4):
            ledger.pay(f"PAYER{p}", f"PAYEE{q}", 3_000, 10 * p + q)
    found = alerts_of(run(ledger, "bipartite"), "bipartite")
    assert found and all(a.typology == "bipartite" for a in found)


def test_stack_of_layers(ledger: Ledger) -> None:
    layers = [[f"L{i}_{j}" for j in range(3)] for i in range(3)]
    for i, (upper, lower) in enumerate(itertools.pairwise(layers)):
        for src in upper:
            for dst in lower:
                ledger.pay(src, dst, 5_000, 30 * i + 1)
    found = alerts_of(run(ledger, "stack"), "stack")
    assert found
    assert {a.evidence["focus"] for a in found} <= set(layers[1])


@pytest.mark.parametrize(("formed", "expected"), [(date(2024, 2, 20), 1), (date(2015, 1, 1), 0)])
def test_payments_to_a_newly_formed_company(ledger: Ledger, formed: date, expected: int) -> None:
    ledger.account("NEWCO", kind="company", country="HK", opened=formed, formed=formed)
    ledger.pay("BUYER", "NEWCO", 30_000, 10)
    assert len(alerts_of(run(ledger, "new_counterparty"), "new_counterparty")) == expected


def test_any_payment_touching_north_korea(ledger: Ledger) -> None:
    ledger.account("KP-ACC", country="KP", kind="company")
    ledger.pay("BUYER", "KP-ACC", 500, 10)
    found = alerts_of(run(ledger, "dprk_corridor"), "dprk_corridor")
    assert [a.evidence["focus"] for a in found] == ["BUYER"]
    assert found[0].severity == "critical"


def test_payments_with_a_screened_party_by_alias(ledger: Ledger) -> None:
    ledger.account("ALIAS-ACC", kind="company", country="RU")
    ledger.pay("BUYER", "ALIAS-ACC", 12_000, 10)
    hits = pd.DataFrame(
        [
            {
                "party_id": "P-ALIAS-ACC",
                "entity_id": "NK-123",
                "score": 0.91,
                "match": True,
                "explanation": "alias 'Ri Song Hyok' matched 'Ri Songhyok'",
            }
        ]
    )
    found = alerts_of(run(ledger, "screened_counterparty", hits=hits), "screened_counterparty")
    assert [a.evidence["focus"] for a in found] == ["ALIAS-ACC"]
    assert found[0].accounts == ("ALIAS-ACC", "BUYER")
    assert all(a.evidence["metrics"]["entity_id"] == "NK-123" for a in found)


def test_one_alert_on_the_screened_party_names_all_its_counterparties(ledger: Ledger) -> None:
    """The matched party's account is the subject; those who paid it or were paid by it are
    named, not alerted one by one."""
    ledger.account("ALIAS-ACC", kind="company", country="RU")
    ledger.pay("BUYER", "ALIAS-ACC", 12_000, 10)
    ledger.pay("ALIAS-ACC", "SELLER", 9_000, 12)
    ledger.pay("BUYER", "ALIAS-ACC", 4_000, 14)
    hits = pd.DataFrame(
        [{"party_id": "P-ALIAS-ACC", "entity_id": "NK-9", "score": 0.88, "match": True,
          "explanation": "name"}]
    )  # fmt: skip
    found = alerts_of(run(ledger, "screened_counterparty", hits=hits), "screened_counterparty")
    assert [a.evidence["focus"] for a in found] == ["ALIAS-ACC"]
    assert found[0].accounts == ("ALIAS-ACC", "BUYER", "SELLER")
    assert found[0].evidence["metrics"]["counterparties"] == 2
    assert found[0].evidence["metrics"]["total"] == 25_000


def test_screening_rule_is_skipped_without_hits(ledger: Ledger) -> None:
    result = run(ledger, "screened_counterparty")
    assert "screened_counterparty" in result.skipped


def test_tainted_money_cashed_out_at_an_exchange(ledger: Ledger) -> None:
    ledger.account("KP-SRC", country="KP")
    ledger.account("EXCH", kind="exchange", country="SG")
    ledger.pay("KP-SRC", "MULE", 40_000, 10)
    ledger.pay("MULE", "EXCH", 38_000, 30)
    found = alerts_of(run(ledger, "exchange_cashout"), "exchange_cashout")
    assert [a.evidence["focus"] for a in found] == ["MULE"]


def test_payment_for_banned_goods(ledger: Ledger) -> None:
    ledger.pay("TRADER", "BROKER", 90_000, 10, purpose="trade payment: iron ore; port: Nampo, KP")
    found = alerts_of(run(ledger, "watched_goods"), "watched_goods")
    assert len(found) == 1 and found[0].typology == "trade_mismatch"


def test_payments_naming_a_vessel(ledger: Ledger) -> None:
    for i in range(3):
        ledger.pay("CHARTERER", "SHIPMGR", 120_000, 48 * i, purpose="charter hire: MV SAEBYOL")
    found = alerts_of(run(ledger, "vessel_payment"), "vessel_payment")
    assert len(found) == 1 and found[0].typology == "ship_to_ship"


def test_a_listed_vessels_imo_number_named_once_is_enough(ledger: Ledger, loaded_home) -> None:
    """YU SONG 12 (IMO 9096791) is on the DPRK lists of the built-in snapshot; an ordinary
    vessel's number, and the listed name spelled another way without its number, are not."""
    for i, (src, dst, vessel) in enumerate(
        [
            ("CHARTERER", "SHIPMGR", "MV Yusong-12 (IMO 9096791)"),
            ("FORWARDER", "WAREHOUSE", "MV Ocean Star (IMO 9321483)"),
            ("TRADER", "SHIPMGR", "MV Yusong 12"),
        ]
    ):
        ledger.pay(src, dst, 90_000, 10 + i, purpose=f"INV-{i}: warehousing; vessel {vessel}")
    frames = ledger.frames()
    result = run_pack(
        frames["transactions"],
        accounts=frames["accounts"],
        settings=PackSettings(rules=("listed_vessel_payment",)),
        home=loaded_home,
    )
    found = alerts_of(result, "listed_vessel_payment")
    assert [a.evidence["focus"] for a in found] == ["CHARTERER"]
    assert found[0].evidence["metrics"]["term"] == "IMO 9096791"
    assert found[0].severity == "critical" and found[0].typology == "ship_to_ship"


def test_the_listed_vessel_rule_says_it_needs_lists(ledger: Ledger, home) -> None:
    ledger.pay("CHARTERER", "SHIPMGR", 90_000, 10, purpose="vessel IMO 9096791")
    frames = ledger.frames()
    result = run_pack(
        frames["transactions"], settings=PackSettings(rules=("listed_vessel_payment",)), home=home
    )
    assert "listed vessels" in result.skipped["listed_vessel_payment"]
    given = run(ledger, "listed_vessel_payment", listed_imo=("9096791",))
    assert len(alerts_of(given, "listed_vessel_payment")) == 1
