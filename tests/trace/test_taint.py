"""The three taint methods on small flows whose answers can be worked out by hand."""

from __future__ import annotations

import pytest

from sever.trace.taint import METHODS, describe
from tests.trace.trace_chain import Chain, traced


def mixed_wallet(chain: Chain) -> None:
    """W holds 6 clean ETH, then receives 4 stolen ETH, then pays 5 to X and 5 to Y."""
    chain.send("clean", "wallet", 6, 1)
    chain.send("thief", "wallet", 4, 2)
    chain.send("wallet", "x", 5, 3)
    chain.send("wallet", "y", 5, 4)


@pytest.mark.parametrize(
    ("method", "to_x", "to_y"),
    [
        ("haircut", 2.0, 2.0),  # each payment carries 40 % of the balance
        ("fifo", 0.0, 4.0),  # the 6 clean ETH go first: X gets clean, Y gets 1 clean + 4 stolen
        ("poison", 5.0, 5.0),  # a wallet with any stolen ETH pays only stolen ETH
    ],
)
def test_each_method_splits_a_mixed_wallet_as_documented(
    chain: Chain, method: str, to_x: float, to_y: float
) -> None:
    mixed_wallet(chain)
    result = chain.trace("thief", method=method)
    assert traced(result, "x") == pytest.approx(to_x)
    assert traced(result, "y") == pytest.approx(to_y)


def test_every_method_documents_its_assumptions_and_weakness() -> None:
    for name in METHODS:
        text = describe(name)
        assert "Assumptions" in text and "Known weakness" in text, name


def test_haircut_conserves_the_stolen_value(chain: Chain) -> None:
    """What endpoints received plus what wallets still hold equals what was stolen."""
    chain.tag("exchange", "Binance", "exchange")
    chain.send("thief", "a", 10, 1)
    chain.send("clean", "a", 30, 1.5)
    chain.send("a", "b", 20, 2)
    chain.send("a", "exchange", 15, 3)
    chain.send("b", "exchange", 7, 4)
    result = chain.trace("thief")
    rows = result.addresses
    at_endpoints = rows[rows.role == "endpoint"].traced_value.sum()
    held = rows[rows.role != "source"].held_value.sum()
    assert at_endpoints + held == pytest.approx(10.0)


def test_funds_cannot_leave_before_they_arrive(chain: Chain) -> None:
    chain.send("a", "early", 3, 1)  # before the stolen funds reach a: not followed
    chain.send("thief", "a", 10, 2)
    chain.send("a", "late", 3, 3)
    result = chain.trace("thief", method="poison")
    assert traced(result, "early") == 0.0
    assert traced(result, "late") == 3.0


def test_hops_bound_stops_the_trace(chain: Chain) -> None:
    for hop, (src, dst) in enumerate([("thief", "h1"), ("h1", "h2"), ("h2", "h3"), ("h3", "h4")]):
        chain.send(src, dst, 10, hop + 1)
    result = chain.trace("thief", hops=2)
    assert traced(result, "h2") == 10.0
    assert traced(result, "h3") == 0.0


def test_time_window_and_minimum_amount(chain: Chain) -> None:
    chain.send("thief", "before", 10, 1)
    chain.send("thief", "after", 10, 30)
    chain.send("thief", "dust", 0.0001, 31)
    since = int(chain_time(24))
    result = chain.trace("thief", since=since, min_usd=5.0)
    assert traced(result, "before") == 0.0
    assert traced(result, "after") == 10.0
    assert traced(result, "dust") == 0.0
    assert result.written_off_usd > 0


def chain_time(hours: float) -> float:
    from tests.trace.trace_chain import T0

    return T0.timestamp() + hours * 3600


def test_exchanges_absorb_the_funds_they_receive(chain: Chain) -> None:
    """A deposit address sweeps to the exchange's hot wallet; the trace stops at the deposit,
    where the exchange can freeze the customer's account."""
    chain.tag("deposit", "Huobi", "exchange")
    chain.send("thief", "deposit", 10, 1)
    chain.send("deposit", "hot", 10, 2)
    result = chain.trace("thief")
    assert traced(result, "deposit") == 10.0
    assert traced(result, "hot") == 0.0
    row = result.addresses[result.addresses.service == "Huobi"].iloc[0]
    assert row.role == "endpoint" and row.share == pytest.approx(1.0) and row.min_hops == 1


def test_a_theft_transaction_starts_the_trace_at_its_receiver(chain: Chain) -> None:
    chain.send("victim", "other", 99, 0.5)  # the victim's other payments are not stolen
    theft = chain.send("victim", "thief", 40, 1)
    chain.send("thief", "mule", 40, 2)
    result = chain.trace(theft)
    assert result.stolen_usd == pytest.approx(40 * 3000)
    assert traced(result, "mule") == 40.0
    assert traced(result, "other") == 0.0


def test_backward_trace_attributes_a_deposit_to_its_sources(chain: Chain) -> None:
    chain.send("thief", "mule", 8, 1)
    chain.send("salary", "mule", 2, 1.5)
    chain.send("mule", "deposit", 10, 2)
    chain.send("unrelated", "elsewhere", 5, 1)
    result = chain.trace("deposit", direction="backward")
    assert traced(result, "thief") == pytest.approx(8.0)
    assert traced(result, "salary") == pytest.approx(2.0)
    assert traced(result, "unrelated") == 0.0


def test_a_mixer_pays_each_denomination_from_its_own_pool(chain: Chain) -> None:
    """Stolen 10 ETH notes taint the 10 ETH withdrawals only: the 1 ETH pool, used by others,
    pays clean notes (as Tornado Cash's pools are separate contracts). A value the mixer took
    or paid only once or twice is no pool and shares the mixer's common balance."""
    chain.tag("mixer", "Tornado", "mixer")
    for hour, user in ((1, "u1"), (2, "u2"), (3, "u3")):
        chain.send(user, "mixer", 1, hour)
    for hour in (4, 5, 6):
        chain.send("thief", "mixer", 10, hour)
    for hour, (value, receiver) in enumerate(
        [(1, "w1"), (1, "w2"), (1, "w3"), (10, "s1"), (10, "s2"), (10, "s3")], start=10
    ):
        chain.send("mixer", receiver, value, hour)
    result = chain.trace("thief")
    assert traced(result, "w1") + traced(result, "w2") + traced(result, "w3") == 0.0
    assert traced(result, "s1") + traced(result, "s2") + traced(result, "s3") == pytest.approx(30)
