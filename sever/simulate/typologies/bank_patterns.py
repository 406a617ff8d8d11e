"""Bank-side laundering patterns of the AML literature, played by recruited mule accounts.

Fan-in, fan-out, scatter-gather, gather-scatter, cycles, bipartite flows, stacks of layers,
structuring below the reporting threshold and rapid movement through newly opened accounts.
Every member is an existing account with an ordinary life; the members of one scheme mostly live
in one country. Sizes, windows, amounts and pace are drawn per instance from the wide ranges of
the world's difficulty, so some schemes stay below any usual threshold.
"""

from __future__ import annotations

from itertools import pairwise

from sever.simulate.calendar import DAY
from sever.simulate.plant import AccountRef, Plant
from sever.simulate.typologies.registry import typology


def mules(plant: Plant, n: int, role: str, near: str, kind: str = "person") -> list[AccountRef]:
    """``n`` recruited accounts of ``kind`` near ``near``, each labelled with ``role``."""
    return [plant.recruit(role, kind, near=near) for _ in range(n)]


def _window(plant: Plant) -> tuple[int, int]:
    """The start and length in seconds of one pattern's window."""
    days = plant.span(plant.scheme.window_days)
    return plant.start_second(days), int(days * DAY)


def _within(plant: Plant, start: int, length: int) -> int:
    """A moment within ``length`` seconds of ``start``."""
    return start + int(plant.rng.uniform(0, length))


@typology("fan_in", "bank", expected_tx=14)
def fan_in(plant: Plant) -> None:
    """Many accounts pay one collector within a window (fan-in)."""
    k = plant.count(plant.scheme.mules)
    collector = plant.recruit("collector")
    t0, length = _window(plant)
    for source in mules(plant, k, "source", collector.country):
        when = _within(plant, t0, length)
        plant.pay(
            source, collector, plant.amount(plant.scheme.mule_usd), "fan_in_payment", earliest=when
        )
    plant.params.update(sources=k, window_days=round(length / DAY, 1))


@typology("fan_out", "bank", expected_tx=14)
def fan_out(plant: Plant) -> None:
    """One account pays many recipients within a window (fan-out)."""
    k = plant.count(plant.scheme.mules)
    distributor = plant.recruit("distributor")
    t0, length = _window(plant)
    for target in mules(plant, k, "recipient", distributor.country):
        when = _within(plant, t0, length)
        plant.pay(
            distributor,
            target,
            plant.amount(plant.scheme.mule_usd),
            "fan_out_payment",
            earliest=when,
        )
    plant.params.update(recipients=k, window_days=round(length / DAY, 1))


@typology("scatter_gather", "bank", expected_tx=28)
def scatter_gather(plant: Plant) -> None:
    """One origin scatters funds over intermediaries that all pay one destination."""
    k = plant.count(plant.scheme.mules)
    origin = plant.recruit("origin")
    destination = plant.recruit("destination", near=origin.country)
    t0, length = _window(plant)
    total = plant.amount(plant.scheme.flow_usd)
    for middle in mules(plant, k, "intermediary", origin.country):
        amount = total / k * plant.rng.uniform(0.85, 1.15)
        out = plant.pay(origin, middle, amount, "scatter", earliest=_within(plant, t0, length // 2))
        back = _within(plant, out + 3600, length // 2)
        plant.pay(
            middle, destination, amount * plant.rng.uniform(0.95, 0.99), "gather", earliest=back
        )
    plant.params.update(intermediaries=k, total_usd=round(total, 2))


@typology("gather_scatter", "bank", expected_tx=28)
def gather_scatter(plant: Plant) -> None:
    """Many sources pay one hub, which then pays many recipients."""
    k = plant.count(plant.scheme.mules)
    m = plant.count(plant.scheme.mules)
    hub = plant.recruit("hub")
    t0, length = _window(plant)
    received, last = 0.0, t0
    for source in mules(plant, k, "source", hub.country):
        amount = plant.amount(plant.scheme.mule_usd)
        received += amount
        when = plant.pay(
            source,
            hub,
            amount,
            "gather",
            earliest=_within(plant, t0, length // 2),
            latest=t0 + length // 2,
        )
        last = max(last, when)
    for target in mules(plant, m, "recipient", hub.country):
        when = _within(plant, last + 3600, length // 2)
        plant.pay(
            hub, target, received / m * plant.rng.uniform(0.9, 0.98), "scatter", earliest=when
        )
    plant.params.update(sources=k, recipients=m)


@typology("cycle", "bank", expected_tx=5)
def cycle(plant: Plant) -> None:
    """Money travels a closed loop of accounts and returns to where it started, in time order."""
    hops = int(plant.rng.integers(3, 9))
    kind = "company" if plant.rng.random() < 0.5 else "person"
    first = plant.recruit("cycle_member", kind)
    ring = [first, *mules(plant, hops - 1, "cycle_member", first.country, kind)]
    when = plant.start_second(hops * plant.scheme.bank_hop_hours[1] / 24 + 2)
    amount = plant.amount(plant.scheme.flow_usd)
    for index, src in enumerate(ring):
        dst = ring[(index + 1) % hops]
        when = plant.pay(src, dst, amount, "cycle_hop", earliest=when)
        amount *= plant.rng.uniform(0.97, 0.995)
        when += int(plant.span(plant.scheme.bank_hop_hours) * 3600)
    plant.params.update(hops=hops, members=kind)


@typology("bipartite", "bank", expected_tx=40)
def bipartite(plant: Plant) -> None:
    """A set of payers pays a set of payees, each payer several of them (dense bipartite)."""
    low, high = plant.scheme.mules
    half = (max(2, low // 2), max(2, high // 2))
    m, n = plant.count(half), plant.count(half)
    first = plant.recruit("payer")
    payers = [first, *mules(plant, m - 1, "payer", first.country)]
    payees = mules(plant, n, "payee", first.country)
    t0, length = _window(plant)
    for payer in payers:
        chosen = plant.rng.choice(n, size=max(1, (n + 1) // 2), replace=False)
        for index in sorted(chosen.tolist()):
            when = _within(plant, t0, length)
            plant.pay(
                payer,
                payees[index],
                plant.amount(plant.scheme.mule_usd),
                "bipartite_payment",
                earliest=when,
            )
    plant.params.update(payers=m, payees=n)


@typology("stack", "bank", expected_tx=40)
def stack(plant: Plant) -> None:
    """Layers of accounts, each paying every account of the next layer, later each time."""
    depth = plant.count(plant.scheme.layers)
    width = int(plant.rng.integers(2, 6))
    first = plant.recruit("layer_0")
    layers = [[first, *mules(plant, width - 1, "layer_0", first.country)]]
    layers += [mules(plant, width, f"layer_{i}", first.country) for i in range(1, depth)]
    when = plant.start_second(depth * 3)
    for upper, lower in pairwise(layers):
        when = plant.later(when, 12, 48)
        done = when
        for src in upper:
            for dst in lower:
                moment = plant.pay(
                    src, dst, plant.amount(plant.scheme.mule_usd), "stack_payment", earliest=when
                )
                done = max(done, moment)
        when = done
    plant.params.update(layers=depth, width=width)


@typology("structuring", "bank", expected_tx=15)
def structuring(plant: Plant) -> None:
    """Cash deposited in amounts below the reporting threshold, then passed on."""
    threshold = plant.scheme.reporting_threshold
    count = plant.count(plant.scheme.structuring_deposits)
    account = plant.recruit("structurer")
    beneficiary = plant.recruit("beneficiary", near=account.country)
    t0, length = _window(plant)
    total, last = 0.0, t0
    low, high = plant.scheme.structuring_band
    for _ in range(count):
        usd = threshold * plant.rng.uniform(low, high)
        total += usd
        when = plant.pay(
            account,
            account,
            usd,
            "structured_deposit",
            earliest=_within(plant, t0, length),
            kind="cash",
        )
        last = max(last, when)
    plant.pay(
        account,
        beneficiary,
        total * plant.rng.uniform(0.9, 0.99),
        "consolidation",
        earliest=last + 3600,
        latest=last + 3 * DAY,
    )
    plant.params.update(deposits=count, threshold=threshold, window_days=round(length / DAY, 1))


@typology("rapid_movement", "bank", expected_tx=5)
def rapid_movement(plant: Plant) -> None:
    """Funds pass quickly through a chain of accounts that ordinary people opened days before."""
    hops = int(plant.rng.integers(3, 7))
    origin = plant.recruit("origin")
    t0 = plant.start_second(hops * plant.scheme.bank_hop_hours[1] / 24 + 2)
    opened = t0 // DAY - int(plant.rng.integers(1, plant.scheme.new_account_days))
    holders = [
        plant.recruit("account_holder", near=origin.country, label_account=False)
        for _ in range(hops)
    ]
    chain = [plant.account(holder, "new_account", opened) for holder in holders]
    amount = plant.amount(plant.scheme.flow_usd)
    when = plant.pay(origin, chain[0], amount, "inflow", earliest=t0)
    for src, dst in pairwise(chain):
        when += int(plant.span(plant.scheme.bank_hop_hours) * 3600)
        amount *= plant.rng.uniform(0.96, 0.995)
        when = plant.pay(src, dst, amount, "pass_through", earliest=when)
    plant.params.update(hops=hops, opened_days_before=int(t0 // DAY - opened))
