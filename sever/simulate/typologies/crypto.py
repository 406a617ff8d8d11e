"""Laundering of stolen crypto (TYPOLOGIES.md section D), after the Bybit, Ronin and Atomic cases.

A theft from an exchange hot wallet or a bridge; the loot split over many wallets within hours;
each share then peeled down a chain, mixed, or bridged from Ethereum to Bitcoin; what is left is
consolidated and cashed out through exchange deposit addresses and OTC brokers, over hours to weeks.
"""

from __future__ import annotations

import numpy as np

from sever.simulate.background import USD_PER_UNIT
from sever.simulate.plant import Plant
from sever.simulate.typologies.registry import typology

MIXER_DENOMINATIONS = (1.0, 10.0, 100.0)
BRIDGE_FEE = 0.995


def _service(plant: Plant, chain: str, kind: str) -> str:
    """An address of an existing service (exchange hot wallet, bridge, mixer) on ``chain``."""
    pop = plant.world.wallet_pops[f"{chain}:{kind}"]
    return str(plant.world.wallets["address"][int(pop.draw(plant.rng, 1)[0])])


def _attacker(plant: Plant) -> tuple[str, str | None]:
    """The first receiving wallet: a real DPRK-attributed Ethereum address if the lists have one."""
    wallets = [w for w in (plant.sanctioned.wallets if plant.sanctioned else []) if w[1] == "ETH"]
    if wallets:
        address, _, holder = wallets[int(plant.rng.integers(0, len(wallets)))]
        return plant.wallet("theft_receiver", address=address.lower()), holder
    return plant.wallet("theft_receiver"), None


def _deposit_address(plant: Plant, chain: str) -> str:
    """A fresh deposit address at an exchange, opened for the launderers (a cash-out point)."""
    address = plant.wallet("cash_out_deposit", chain)
    exchanges = plant.world.party_ids_of("exchange")
    plant.tag_wallet(
        address,
        chain,
        str(exchanges[int(plant.rng.integers(0, len(exchanges)))]),
        "exchange_deposit",
    )
    return address


def _peel(plant: Plant, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """A peel chain: each hop sends a small slice to an exchange and the rest to a new wallet."""
    hops = int(plant.rng.integers(plant.scheme.peel_hops[0], plant.scheme.peel_hops[1] + 1))
    for _ in range(hops):
        when = plant.later(when, 0.2, 6)
        peel = eth * float(plant.rng.uniform(0.02, 0.06))
        plant.transfer(
            when, wallet, _deposit_address(plant, "ethereum"), peel, "ETH", "ethereum", "peel"
        )
        following = plant.wallet("peel_hop")
        eth -= peel
        plant.transfer(
            when + 30, wallet, following, eth * 0.9995, "ETH", "ethereum", "peel_forward"
        )
        wallet, eth = following, eth * 0.9995
    return wallet, eth, when


def _mix(plant: Plant, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """Deposits into a mixer in fixed denominations; withdrawals later to a fresh wallet."""
    mixer = _service(plant, "ethereum", "mixer")
    out = plant.wallet("mixer_withdrawal")
    denomination = max(d for d in MIXER_DENOMINATIONS if d <= max(eth / 3, 1.0))
    deposits = max(1, int(eth // denomination))
    for _ in range(min(deposits, 30)):
        when = plant.later(when, 0.1, 3)
        plant.transfer(when, wallet, mixer, denomination, "ETH", "ethereum", "mixer_deposit")
    mixed = denomination * min(deposits, 30)
    when = plant.later(when, 12, 24 * 5)
    plant.transfer(when, mixer, out, mixed, "ETH", "ethereum", "mixer_withdrawal")
    return out, mixed, when


def _bridge(plant: Plant, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """ETH sent into a cross-chain bridge and BTC paid out on Bitcoin minutes later."""
    when = plant.later(when, 0.05, 2)
    plant.transfer(
        when, wallet, _service(plant, "ethereum", "bridge"), eth, "ETH", "ethereum", "bridge_in"
    )
    btc_wallet = plant.wallet("bridge_out", "bitcoin")
    btc = eth * USD_PER_UNIT["ETH"] / USD_PER_UNIT["BTC"] * BRIDGE_FEE
    when = plant.later(when, 0.1, 1)
    plant.transfer(
        when, _service(plant, "bitcoin", "bridge"), btc_wallet, btc, "BTC", "bitcoin", "bridge_out"
    )
    return btc_wallet, btc, when


def _cash_out(
    plant: Plant, chain: str, asset: str, wallets: list[tuple[str, float, int]], end: int
) -> None:
    """Consolidate the remaining balances on ``chain``, then cash out to exchanges and OTC desks."""
    if not wallets:
        return
    hub = plant.wallet("consolidation", chain)
    total, when = 0.0, max(w[2] for w in wallets)
    for address, value, at in wallets:
        plant.transfer(plant.later(at, 0.5, 12), address, hub, value, asset, chain, "consolidation")
        total += value
    when = plant.later(when, 13, 24)
    end = max(end, when + 86_400)
    otc_ids = plant.world.party_ids_of("otc")
    desk = plant.wallet("otc_broker", chain)
    plant.tag_wallet(desk, chain, str(otc_ids[int(plant.rng.integers(0, len(otc_ids)))]), "otc")
    legs = int(plant.rng.integers(3, 8))
    for index in range(legs):
        target = desk if index % 3 == 2 else _deposit_address(plant, chain)
        at = int(when + (end - when) * index / legs)
        plant.transfer(at, hub, target, total / legs * 0.999, asset, chain, "cash_out")


@typology("crypto_laundering", "crypto", expected_tx=0, expected_transfers=160)
def crypto_laundering(plant: Plant) -> None:
    """Stolen crypto split, peeled, mixed, bridged to Bitcoin, cashed out at exchanges and OTC."""
    span = float(plant.rng.uniform(*plant.scheme.laundering_days))
    t0 = plant.start_second(span + 2)
    victim_kind = "exchange_hot" if plant.rng.random() < 0.7 else "bridge"
    victim = _service(plant, "ethereum", victim_kind)
    attacker, holder = _attacker(plant)
    usd = float(np.exp(plant.rng.uniform(*np.log(plant.scheme.theft_usd))))
    eth = usd / USD_PER_UNIT["ETH"]
    plant.transfer(t0, victim, attacker, eth, "ETH", "ethereum", "theft")
    splits = int(
        plant.rng.integers(plant.scheme.split_wallets[0], plant.scheme.split_wallets[1] + 1)
    )
    eth_out: list[tuple[str, float, int]] = []
    btc_out: list[tuple[str, float, int]] = []
    paths = {"peel": 0, "mixer": 0, "bridge": 0}
    for _ in range(splits):
        share = eth / splits * float(plant.rng.uniform(0.97, 1.0))
        wallet = plant.wallet("split")
        when = plant.later(t0, 0.1, 6)
        plant.transfer(when, attacker, wallet, share, "ETH", "ethereum", "split")
        path = ("peel", "mixer", "bridge")[int(plant.rng.choice(3, p=[0.35, 0.25, 0.4]))]
        paths[path] += 1
        if path == "bridge":
            btc_out.append(_bridge(plant, wallet, share, when))
        elif path == "mixer":
            eth_out.append(_mix(plant, wallet, share, when))
        else:
            eth_out.append(_peel(plant, wallet, share, when))
    end = t0 + int(span * 86_400)
    _cash_out(plant, "ethereum", "ETH", eth_out, end)
    _cash_out(plant, "bitcoin", "BTC", btc_out, end)
    plant.params.update(
        victim=victim,
        victim_kind=victim_kind,
        attacker=attacker,
        listed_holder=holder,
        stolen_usd=round(usd, 2),
        splits=splits,
        paths=paths,
        span_days=round(span, 2),
    )
