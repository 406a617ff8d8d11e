"""Laundering of stolen crypto (TYPOLOGIES.md section D), after the Bybit, Ronin and Atomic cases.

A theft from an exchange hot wallet or a bridge; the loot split over wallets; each share then
peeled down a chain, mixed, or bridged from Ethereum to Bitcoin; what is left is consolidated and
cashed out through exchange deposit addresses and OTC brokers. Thefts differ in size (how much is
stolen, how much each wallet carries), in pace (minutes to days between hops, hours to weeks in
all) and in the mix of paths, each drawn per theft from the wide ranges of ``SchemeParams``.
Exchanges sweep the launderers' deposit addresses to their hot wallets as they sweep everyone's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sever.simulate.background import (
    BRIDGE_FEE,
    BRIDGE_WAIT_HOURS,
    MIXER_DEPOSIT_GAP_HOURS,
    MIXER_WAIT_HOURS,
    USD_PER_UNIT,
    mixer_deposits,
    sweep_delays,
)
from sever.simulate.plant import Plant
from sever.simulate.typologies.registry import typology

PATHS = ("peel", "mixer", "bridge")


@dataclass
class Theft:
    """One theft in progress: its plant and its pace (median hours between hops)."""

    plant: Plant
    pace: float

    def wait(self, when: int) -> int:
        """The moment of the next hop: around ``pace`` hours after ``when``, at least a minute."""
        hours = self.pace * float(np.exp(self.plant.rng.normal(0.0, 0.5)))
        return int(when + max(60.0, hours * 3600))


def _log_uniform(plant: Plant, bounds: tuple[float, float]) -> float:
    """A value between ``bounds`` whose every order of magnitude is as likely."""
    low, high = np.log(bounds)
    return float(np.exp(plant.rng.uniform(low, high)))


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


def _cash_in(
    plant: Plant, when: int, frm: str, value: float, asset: str, chain: str, role: str
) -> None:
    """Pay into a fresh deposit address at an exchange; the exchange sweeps it later."""
    address = plant.wallet("cash_out_deposit", chain)
    exchanges = plant.world.party_ids_of("exchange")
    exchange = str(exchanges[int(plant.rng.integers(0, len(exchanges)))])
    plant.tag_wallet(address, chain, exchange, "exchange_deposit")
    plant.transfer(when, frm, address, value, asset, chain, role)
    plant.world.chain.due.append(
        {
            "seconds": when + int(sweep_delays(plant.rng, 1)[0]),
            "from_address": address,
            "to_address": plant.world.chain.hot_wallet(plant.rng, chain, exchange),
            "usd": round(value, 8) * USD_PER_UNIT[asset],
            "asset": asset,
            "chain": chain,
        }
    )


def _peel(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """A peel chain: each hop sends a small slice to an exchange and the rest to a new wallet."""
    plant = theft.plant
    hops = int(plant.rng.integers(plant.scheme.peel_hops[0], plant.scheme.peel_hops[1] + 1))
    for _ in range(hops):
        when = theft.wait(when)
        peel = eth * float(plant.rng.uniform(0.02, 0.06))
        _cash_in(plant, when, wallet, peel, "ETH", "ethereum", "peel")
        following = plant.wallet("peel_hop")
        eth -= peel
        plant.transfer(
            when + 30, wallet, following, eth * 0.9995, "ETH", "ethereum", "peel_forward"
        )
        wallet, eth = following, eth * 0.9995
    return wallet, eth, when


def _mix(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """Deposits into a mixer in one of its pools; as many withdrawals to a fresh wallet later."""
    plant = theft.plant
    mixer = _service(plant, "ethereum", "mixer")
    out = plant.wallet("mixer_withdrawal")
    pools, counts = mixer_deposits(np.array([eth]), "ETH")
    denomination, deposits = float(pools[0]), int(counts[0])
    when = theft.wait(when)
    for _ in range(deposits):
        when = plant.later(when, *MIXER_DEPOSIT_GAP_HOURS)
        plant.transfer(when, wallet, mixer, denomination, "ETH", "ethereum", "mixer_deposit")
    last = when
    for _ in range(deposits):
        at = plant.later(last, *MIXER_WAIT_HOURS)
        plant.transfer(at, mixer, out, denomination, "ETH", "ethereum", "mixer_withdrawal")
        when = max(when, at)
    return out, denomination * deposits, when


def _bridge(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """ETH sent into a cross-chain bridge and BTC paid out on Bitcoin within the hour."""
    plant = theft.plant
    when = theft.wait(when)
    plant.transfer(
        when, wallet, _service(plant, "ethereum", "bridge"), eth, "ETH", "ethereum", "bridge_in"
    )
    btc_wallet = plant.wallet("bridge_out", "bitcoin")
    btc = eth * USD_PER_UNIT["ETH"] / USD_PER_UNIT["BTC"] * BRIDGE_FEE
    when = plant.later(when, *BRIDGE_WAIT_HOURS)
    plant.transfer(
        when, _service(plant, "bitcoin", "bridge"), btc_wallet, btc, "BTC", "bitcoin", "bridge_out"
    )
    return btc_wallet, btc, when


def _cash_out(
    theft: Theft, chain: str, asset: str, wallets: list[tuple[str, float, int]], end: int
) -> None:
    """Consolidate the remaining balances on ``chain``, then cash out to exchanges and OTC desks."""
    if not wallets:
        return
    plant = theft.plant
    hub = plant.wallet("consolidation", chain)
    total, when = 0.0, 0
    for address, value, at in wallets:
        arrived = theft.wait(at)
        plant.transfer(arrived, address, hub, value, asset, chain, "consolidation")
        total += value
        when = max(when, arrived)
    when = theft.wait(when)
    end = max(end, when + 86_400)
    otc_ids = plant.world.party_ids_of("otc")
    desk = plant.wallet("otc_broker", chain)
    plant.tag_wallet(desk, chain, str(otc_ids[int(plant.rng.integers(0, len(otc_ids)))]), "otc")
    legs = int(plant.rng.integers(3, 8))
    for index in range(legs):
        at = int(when + (end - when) * index / legs)
        value = total / legs * 0.999
        if index % 3 == 2:
            plant.transfer(at, hub, desk, value, asset, chain, "cash_out")
        else:
            _cash_in(plant, at, hub, value, asset, chain, "cash_out")


def _split_count(plant: Plant, usd: float) -> int:
    """Wallets the loot is split over: the theft over a per-wallet size, within the bounds."""
    per_wallet = _log_uniform(plant, plant.scheme.split_usd)
    low, high = plant.scheme.split_wallets
    return int(np.clip(round(usd / per_wallet), low, high))


@typology("crypto_laundering", "crypto", expected_tx=0, expected_transfers=280)
def crypto_laundering(plant: Plant) -> None:
    """Stolen crypto split, peeled, mixed, bridged to Bitcoin, cashed out at exchanges and OTC."""
    span = _log_uniform(plant, plant.scheme.laundering_days)
    theft = Theft(plant, _log_uniform(plant, plant.scheme.hop_hours))
    reach = (theft.pace * (plant.scheme.peel_hops[1] + 6) + MIXER_WAIT_HOURS[1]) / 24
    t0 = plant.start_second(span + reach + 2)
    victim_kind = "exchange_hot" if plant.rng.random() < 0.7 else "bridge"
    victim = _service(plant, "ethereum", victim_kind)
    attacker, holder = _attacker(plant)
    usd = _log_uniform(plant, plant.scheme.theft_usd)
    eth = usd / USD_PER_UNIT["ETH"]
    plant.transfer(t0, victim, attacker, eth, "ETH", "ethereum", "theft")
    splits = _split_count(plant, usd)
    mix = plant.rng.dirichlet(np.ones(len(PATHS)))
    eth_out: list[tuple[str, float, int]] = []
    btc_out: list[tuple[str, float, int]] = []
    paths = dict.fromkeys(PATHS, 0)
    for _ in range(splits):
        share = eth / splits * float(plant.rng.uniform(0.97, 1.0))
        wallet = plant.wallet("split")
        when = theft.wait(t0)
        plant.transfer(when, attacker, wallet, share, "ETH", "ethereum", "split")
        path = PATHS[int(plant.rng.choice(len(PATHS), p=mix))]
        paths[path] += 1
        if path == "bridge":
            btc_out.append(_bridge(theft, wallet, share, when))
        elif path == "mixer":
            eth_out.append(_mix(theft, wallet, share, when))
        else:
            eth_out.append(_peel(theft, wallet, share, when))
    end = t0 + int(span * 86_400)
    _cash_out(theft, "ethereum", "ETH", eth_out, end)
    _cash_out(theft, "bitcoin", "BTC", btc_out, end)
    plant.params.update(
        victim=victim,
        victim_kind=victim_kind,
        attacker=attacker,
        listed_holder=holder,
        stolen_usd=round(usd, 2),
        splits=splits,
        paths=paths,
        span_days=round(span, 2),
        pace_hours=round(theft.pace, 3),
    )
