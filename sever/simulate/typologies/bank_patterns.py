"""Bank-side laundering patterns of the AML literature, played by mule accounts.

Fan-in, fan-out, scatter-gather, gather-scatter, cycles, bipartite flows, stacks of layers,
structuring below the reporting threshold and rapid movement through newly opened accounts.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from sever.simulate.calendar import DAY
from sever.simulate.plant import AccountRef, Plant
from sever.simulate.typologies.registry import typology

MULE_COUNTRIES = ("US", "US", "GB", "DE", "HK", "CN", "AE", "SG", "RU", "TH", "VN", "KR")


def _count(plant: Plant, bounds: tuple[int, int]) -> int:
    return int(plant.rng.integers(bounds[0], bounds[1] + 1))


def mules(
    plant: Plant,
    n: int,
    role: str,
    *,
    company: bool = False,
    country: str | None = None,
    opened_day: int | None = None,
) -> list[AccountRef]:
    """``n`` new parties with one account each, all labelled with ``role``."""
    out = []
    for _ in range(n):
        where = country or MULE_COUNTRIES[int(plant.rng.integers(0, len(MULE_COUNTRIES)))]
        holder = plant.company(role, where) if company else plant.person(role, where)
        kind = "business" if company else "personal"
        out.append(plant.account(holder, role, where, kind=kind, opened_day=opened_day))
    return out


def _usd(plant: Plant, low: float, high: float) -> float:
    return float(np.exp(plant.rng.uniform(np.log(low), np.log(high))))


@typology("fan_in", "bank", expected_tx=14)
def fan_in(plant: Plant) -> None:
    """Many accounts pay one collector within a short window (fan-in)."""
    k = _count(plant, plant.scheme.mules)
    window = plant.scheme.window_days
    (collector,) = mules(plant, 1, "collector")
    t0 = plant.start_second(window)
    for source in mules(plant, k, "source"):
        when = t0 + int(plant.rng.uniform(0, window * DAY))
        plant.pay(when, source, collector, _usd(plant, 1500, 9500), "fan_in_payment")
    plant.params.update(sources=k, window_days=window)


@typology("fan_out", "bank", expected_tx=14)
def fan_out(plant: Plant) -> None:
    """One account pays many recipients within a short window (fan-out)."""
    k = _count(plant, plant.scheme.mules)
    window = plant.scheme.window_days
    (distributor,) = mules(plant, 1, "distributor")
    t0 = plant.start_second(window)
    for target in mules(plant, k, "recipient"):
        when = t0 + int(plant.rng.uniform(0, window * DAY))
        plant.pay(when, distributor, target, _usd(plant, 1500, 9500), "fan_out_payment")
    plant.params.update(recipients=k, window_days=window)


@typology("scatter_gather", "bank", expected_tx=28)
def scatter_gather(plant: Plant) -> None:
    """One origin scatters funds over intermediaries that all pay one destination."""
    k = _count(plant, plant.scheme.mules)
    (origin,) = mules(plant, 1, "origin")
    (destination,) = mules(plant, 1, "destination")
    t0 = plant.start_second(plant.scheme.window_days)
    total = _usd(plant, 50_000, 500_000)
    for middle in mules(plant, k, "intermediary"):
        amount = total / k * plant.rng.uniform(0.85, 1.15)
        out = plant.later(t0, 0, 24)
        plant.pay(out, origin, middle, amount, "scatter")
        plant.pay(
            plant.later(out, 6, 24 * plant.scheme.window_days / 2),
            middle,
            destination,
            amount * plant.rng.uniform(0.95, 0.99),
            "gather",
        )
    plant.params.update(intermediaries=k, total_usd=round(total, 2))


@typology("gather_scatter", "bank", expected_tx=28)
def gather_scatter(plant: Plant) -> None:
    """Many sources pay one hub, which then pays many recipients."""
    k = _count(plant, plant.scheme.mules)
    m = _count(plant, plant.scheme.mules)
    window = plant.scheme.window_days
    (hub,) = mules(plant, 1, "hub")
    t0 = plant.start_second(window)
    received = 0.0
    for source in mules(plant, k, "source"):
        amount = _usd(plant, 2000, 9500)
        received += amount
        plant.pay(t0 + int(plant.rng.uniform(0, window * DAY / 2)), source, hub, amount, "gather")
    for target in mules(plant, m, "recipient"):
        when = t0 + int(plant.rng.uniform(window * DAY / 2, window * DAY))
        plant.pay(when, hub, target, received / m * plant.rng.uniform(0.9, 0.98), "scatter")
    plant.params.update(sources=k, recipients=m)


@typology("cycle", "bank", expected_tx=5)
def cycle(plant: Plant) -> None:
    """Money travels a closed loop of accounts and returns to where it started, in time order."""
    hops = int(plant.rng.integers(3, 9))
    ring = mules(plant, hops, "cycle_member", company=plant.rng.random() < 0.5)
    when = plant.start_second(hops * 2)
    amount = _usd(plant, 20_000, 400_000)
    for index, src in enumerate(ring):
        dst = ring[(index + 1) % hops]
        plant.pay(when, src, dst, amount, "cycle_hop", purpose="services")
        amount *= plant.rng.uniform(0.97, 0.995)
        when = plant.later(when, 2, 40)
    plant.params.update(hops=hops)


@typology("bipartite", "bank", expected_tx=40)
def bipartite(plant: Plant) -> None:
    """A set of payers pays a set of payees, each payer several of them (dense bipartite)."""
    m = _count(plant, (max(3, plant.scheme.mules[0] // 2), max(4, plant.scheme.mules[1] // 2)))
    n = _count(plant, (max(3, plant.scheme.mules[0] // 2), max(4, plant.scheme.mules[1] // 2)))
    payers = mules(plant, m, "payer")
    payees = mules(plant, n, "payee")
    t0 = plant.start_second(plant.scheme.window_days)
    for payer in payers:
        chosen = plant.rng.choice(n, size=max(2, n // 2), replace=False)
        for index in sorted(chosen.tolist()):
            when = t0 + int(plant.rng.uniform(0, plant.scheme.window_days * DAY))
            plant.pay(when, payer, payees[index], _usd(plant, 1000, 9000), "bipartite_payment")
    plant.params.update(payers=m, payees=n)


@typology("stack", "bank", expected_tx=40)
def stack(plant: Plant) -> None:
    """Layers of accounts, each paying every account of the next layer, later each time."""
    depth = _count(plant, plant.scheme.layers)
    width = int(plant.rng.integers(3, 6))
    layers = [mules(plant, width, f"layer_{i}", company=i == 0) for i in range(depth)]
    when = plant.start_second(plant.scheme.window_days)
    for upper, lower in pairwise(layers):
        when = plant.later(when, 12, 48)
        for src in upper:
            for dst in lower:
                plant.pay(
                    plant.later(when, 0, 6), src, dst, _usd(plant, 3000, 9000), "stack_payment"
                )
    plant.params.update(layers=depth, width=width)


@typology("structuring", "bank", expected_tx=15)
def structuring(plant: Plant) -> None:
    """Cash deposited in many amounts just below the reporting threshold, then wired away."""
    threshold = plant.scheme.reporting_threshold
    count = _count(plant, plant.scheme.structuring_deposits)
    (account,) = mules(plant, 1, "structurer", country="US")
    (beneficiary,) = mules(plant, 1, "beneficiary", company=True, country="HK")
    t0 = plant.start_second(plant.scheme.window_days)
    total = 0.0
    for day in np.sort(plant.rng.integers(0, plant.scheme.window_days, count)):
        amount = float(np.floor(threshold * plant.rng.uniform(0.88, 0.995)))
        total += amount
        when = t0 + int(day) * DAY + int(plant.rng.integers(0, 8 * 3600))
        plant.pay(
            when,
            account,
            account,
            amount,
            "structured_deposit",
            payment_format="cash",
            purpose="cash deposit",
            currency="USD",
        )
    end = t0 + plant.scheme.window_days * DAY + 3600
    plant.pay(
        end,
        account,
        beneficiary,
        total * 0.97,
        "consolidation",
        payment_format="swift",
        purpose="trade payment: electronics",
        currency="USD",
    )
    plant.params.update(deposits=count, threshold=threshold)


@typology("rapid_movement", "bank", expected_tx=5)
def rapid_movement(plant: Plant) -> None:
    """Funds pass within hours through a chain of accounts opened days before."""
    hops = int(plant.rng.integers(3, 7))
    t0 = plant.start_second(5)
    opened = t0 // DAY - int(plant.rng.integers(1, plant.scheme.new_account_days))
    chain = mules(plant, hops, "new_account", opened_day=opened)
    (origin,) = mules(plant, 1, "origin", company=True)
    amount = _usd(plant, 40_000, 600_000)
    plant.pay(t0, origin, chain[0], amount, "inflow", purpose="investment")
    when = t0
    for src, dst in pairwise(chain):
        when = plant.later(when, 0.5, 12)
        amount *= plant.rng.uniform(0.96, 0.995)
        plant.pay(when, src, dst, amount, "pass_through")
    plant.params.update(hops=hops, opened_days_before=int(t0 // DAY - opened))
