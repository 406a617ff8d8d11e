"""The engine against a plain implementation of the same haircut trace on a busy random world.

The engine finds reachable addresses on DuckDB with hashed keys, fetches numbers only, and moves
value in one numpy pass; a slip in any of those (a key mixed up, a row out of order, a balance
off by one event) changes what some address receives. The reference below does the same trace
the obvious way, in dictionaries, one transfer at a time.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.trace.trace_chain import Chain, addr, traced

HOPS = 6


def plain_haircut(
    rows: list[tuple[str, str, float]], source: str, exchanges: set[str], hops: int
) -> dict[str, float]:
    """What each address receives of the source's payments, for ``rows`` (sender, receiver,
    value) in time order, one transfer per moment: reach hop by hop in time order, then haircut
    over the reached addresses' transfers."""
    arrival, hop_of, frontier = {source: -1}, {source: 0}, {source: -1}
    for hop in range(1, hops + 1):
        step: dict[str, int] = {}
        for at, (a, b, _) in enumerate(rows):
            if a in frontier and a not in exchanges and frontier[a] <= at < step.get(b, 1 << 62):
                step[b] = at
        frontier = {b: t for b, t in step.items() if t < arrival.get(b, 1 << 62)}
        for b, t in frontier.items():
            arrival[b] = t
            hop_of.setdefault(b, hop)
    walked = set(arrival) - exchanges
    balance: dict[str, float] = {}
    tainted: dict[str, float] = {}
    received: dict[str, float] = {}
    for a, b, value in rows:
        if a not in walked and b not in walked:
            continue
        have = balance.get(a, 0.0)
        paid = min(value, have)
        moved = 0.0
        if a == source:
            moved = value
        elif have > 0:
            moved = paid * min(1.0, tainted.get(a, 0.0) / have)
            tainted[a] = max(0.0, min(tainted.get(a, 0.0) - moved, have - paid))
        balance[a] = max(0.0, have - value)
        balance[b] = balance.get(b, 0.0) + value
        if moved > 0 and hop_of.get(a, hops) < hops:
            received[b] = received.get(b, 0.0) + moved
            if b not in exchanges and b != source:
                tainted[b] = tainted.get(b, 0.0) + moved
    return received


def test_haircut_on_a_busy_world_matches_the_plain_implementation(chain: Chain) -> None:
    rng = np.random.default_rng(7)
    users = [f"user{i}" for i in range(150)]
    exchanges = [f"deposit{i}" for i in range(8)]
    for name in exchanges:
        chain.tag(name, "Exchange", "exchange")
    rows = []
    for i in range(1500):
        src = users[rng.zipf(1.6) % len(users)]
        dst = exchanges[rng.integers(8)] if rng.random() < 0.2 else users[rng.integers(150)]
        if i % 100 == 50:
            src, dst = "thief", users[rng.integers(150)]
        if src != dst:
            rows.append((src, dst, round(float(np.exp(rng.normal(0, 1.5))), 6)))
    for at, (src, dst, value) in enumerate(rows):
        chain.send(src, dst, value, at * 0.01)
    result = chain.trace("thief", hops=HOPS)
    expected = plain_haircut(
        [(addr(a), addr(b), v) for a, b, v in rows], addr("thief"), set(map(addr, exchanges)), HOPS
    )
    assert len(expected) > 20
    for name in {*users, *exchanges}:
        assert traced(result, name) == pytest.approx(expected.get(addr(name), 0.0), rel=1e-9), name
