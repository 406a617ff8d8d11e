"""Patterns named with their evidence: splits, peel chains, consolidation, cash-out."""

from __future__ import annotations

from tests.trace.trace_chain import Chain, addr


def laundering(chain: Chain) -> None:
    """The Bybit shape in small: a split into 6 equal wallets, one peel chain of 4 hops to an
    exchange, and the rest consolidated and cashed out at an OTC desk."""
    chain.tag("exchange", "Binance", "exchange")
    chain.tag("otc", "Desk", "otc")
    for i in range(6):
        chain.send("thief", f"split{i}", 10, 1 + i * 0.1)
    wallet, value = "split0", 10.0
    for hop in range(4):
        chain.send(wallet, "exchange", value * 0.05, 2 + hop)
        chain.send(wallet, f"peel{hop}", value * 0.95, 2.1 + hop)
        wallet, value = f"peel{hop}", value * 0.95
    for i in range(1, 6):
        chain.send(f"split{i}", "hub", 10, 3)
    chain.send("hub", "otc", 50, 10)


def test_each_pattern_is_named_with_its_evidence(chain: Chain) -> None:
    laundering(chain)
    result = chain.trace("thief")
    named = {p.name: p for p in result.patterns}
    assert named["split"].evidence["wallets"] == 6
    assert "6 wallets of about" in named["split"].explanation
    assert named["peel_chain"].evidence["hops"] == 4
    assert named["peel_chain"].evidence["services"] == ["Binance"]
    assert named["consolidation"].addresses[0] == addr("hub")
    cash = {p.evidence["service"] for p in result.patterns if p.name == "cash_out"}
    assert cash == {"Binance", "Desk"}


def test_every_endpoint_gets_one_alert_explained_in_words(chain: Chain) -> None:
    laundering(chain)
    result = chain.trace("thief")
    assert len(result.alerts) == 2
    by_service = {a.subjects[0].label.split(" ")[0]: a for a in result.alerts}
    desk = by_service["Desk"]
    assert desk.typology == "crypto_laundering" and desk.severity == "critical"
    assert desk.accounts == tuple(result.addresses[result.addresses.service == "Desk"].address)
    assert "can freeze" in desk.explanation and "Desk" in desk.explanation
    assert desk.amount == 50 * 3000
