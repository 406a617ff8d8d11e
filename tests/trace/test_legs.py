"""Bridge, swap and mixer legs matched by time and value carry the stolen value through the
service instead of diluting it in the service's pool."""

from __future__ import annotations

import pytest

from tests.trace.trace_chain import Chain, addr, traced


def busy_bridge(chain: Chain) -> None:
    """A bridge with heavy legitimate traffic both ways; the thief crosses ETH -> BTC."""
    chain.tag("bridge_eth", "Bridge", "bridge")
    chain.tag("bridge_btc", "Bridge", "bridge")
    chain.tag("deposit", "Kraken", "exchange")
    for user in range(30):
        chain.send(f"user{user}", "bridge_eth", 50, 0.2 + user * 0.01)
        chain.send("bridge_btc", f"buyer{user}", 2.4, 3 + user * 0.01, asset="BTC")
    chain.send("thief", "bridge_eth", 100, 1)  # 300,000 USD
    chain.send("bridge_btc", "btc_wallet", 4.975, 1.5, asset="BTC")  # x 0.995, 30 min later
    chain.send("btc_wallet", "deposit", 4.975, 5, asset="BTC")


def test_without_matching_haircut_dilutes_a_bridge_crossing(chain: Chain) -> None:
    busy_bridge(chain)
    result = chain.trace("thief")
    assert traced(result, "deposit") < 1.0


def test_matched_bridge_legs_carry_the_value_to_the_other_chain(chain: Chain) -> None:
    busy_bridge(chain)
    result = chain.trace("thief", match_legs=True)
    assert traced(result, "deposit") == pytest.approx(4.975)
    assert all(traced(result, f"buyer{user}") == 0.0 for user in range(30))
    assert set(result.matches.kind) == {"bridge"}
    assert any(p.name == "bridge_in" for p in result.patterns)


def test_a_payout_outside_the_window_or_tolerance_is_not_matched(chain: Chain) -> None:
    chain.tag("bridge_eth", "Bridge", "bridge")
    chain.tag("bridge_btc", "Bridge", "bridge")
    chain.send("thief", "bridge_eth", 100, 1)
    chain.send("bridge_btc", "too_late", 4.975, 9, asset="BTC")  # 8 hours later
    chain.send("bridge_btc", "too_small", 4.0, 1.5, asset="BTC")  # 20 % off
    result = chain.trace("thief", match_legs=True)
    assert result.matches.empty


def test_swap_legs_in_one_transaction_are_matched(chain: Chain) -> None:
    chain.tag("router", "Uniswap", "swap")
    for user in range(10):
        chain.send(f"user{user}", "router", 10, 0.5)
    tx = chain.send("thief", "router", 10, 1)
    chain.send("router", "thief2", 30_000, 1, asset="USDT", tx=tx, log_index=1)
    chain.send("thief2", "cashout", 30_000, 2, asset="USDT")
    result = chain.trace("thief", match_legs=True)
    assert traced(result, "cashout") == pytest.approx(30_000)
    assert result.matches.kind.tolist() == ["swap", "swap"]


def test_mixer_deposits_are_matched_to_the_withdrawal_of_their_total(chain: Chain) -> None:
    chain.tag("mixer", "Tornado", "mixer")
    for user in range(20):
        chain.send(f"user{user}", "mixer", 10, 0.5)
    for deposit in range(3):
        chain.send("thief", "mixer", 10, 1 + deposit)
    chain.send("mixer", "fresh", 30, 48)
    chain.send("mixer", "someone", 10, 49)
    result = chain.trace("thief", match_legs=True)
    assert traced(result, "fresh") == pytest.approx(30)
    assert traced(result, "someone") == 0.0
    assert addr("mixer") in {a.lower() for a in result.addresses.address}
