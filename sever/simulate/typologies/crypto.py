"""Laundering of stolen crypto (TYPOLOGIES.md section D), after the Bybit, Ronin and Atomic cases.

A theft from an exchange hot wallet or a bridge; the loot split over wallets; each share then
peeled down a chain, mixed, bridged from Ethereum to Bitcoin, or swapped to USDT at a DeFi
router; what is left is consolidated and cashed out through exchange deposit addresses and OTC
desks. Thefts differ in size (how much is stolen, how much each wallet carries), in pace (minutes
to days between hops, hours to weeks in all) and in the mix of paths, each drawn per theft from
the wide ranges of ``SchemeParams``.

Nothing the launderers touch carries stolen funds alone, as on real chains:

- their wallets also take part in ordinary traffic (:func:`_ordinary`): gas bought at an
  exchange before a wallet's first move, payments from and to ordinary users and exchange
  deposit addresses in the days around its use; these rows are not labelled (they are not
  laundering) and are written with the background;
- the mixers, bridges and DeFi routers are the world's own, used by legitimate users in the same
  pools and both ways;
- the cash-out points are several exchanges and the world's own OTC desks; a theft reuses a few
  deposit accounts of its own, and also pays into deposit addresses of existing customers
  (recruited account holders), which keep receiving their owners' ordinary deposits;
- exchanges sweep every deposit address to their hot wallets as they sweep everyone's;
- legitimate holders move large sums the same ways (:data:`LOOKALIKE_WALLETS`): a fund or a
  whale withdraws from an exchange or a bridge, spreads the money over fresh wallets, spends some
  down in peel-like steps, mixes, bridges or swaps some for privacy or trading, gathers the rest
  and pays it into exchanges and OTC desks. These flows are drawn by the same code with their own
  sizes, pace and moments, and written unlabelled with the background, so that what the
  launderers' wallets look like (how busy, how long used, how many counterparties, how large
  their transfers) is what many legitimate wallets look like too; only where the money came from
  (the theft) tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sever.simulate import calendar
from sever.simulate.background import (
    BRIDGE_FEE,
    BRIDGE_WAIT_HOURS,
    MIXER_DEPOSIT_GAP_HOURS,
    MIXER_WAIT_HOURS,
    USD_PER_UNIT,
    mixer_deposits,
    sweep_delays,
)
from sever.simulate.identifiers import chain_addresses
from sever.simulate.plant import Plant
from sever.simulate.typologies.registry import typology
from sever.simulate.world import USER_USD_MEDIAN, USER_USD_SIGMA

PATHS = ("peel", "mixer", "bridge", "swap")

ORDINARY_TRANSFERS = (0.2, 8.0)
"""Ordinary payments a laundering wallet receives, and as many it sends, on average (Poisson),
the mean drawn log-uniform per wallet: most are nearly fresh, a few are busy; sized as ordinary
users' payments."""
ORDINARY_DAYS = (0.5, 60.0)
"""Ordinary payments fall within this many days (log-uniform per wallet) before a wallet's first
laundering move and as many after its last: a wallet made for one theft, or one in long use."""
GAS_USD = (5.0, 150.0)
"""An Ethereum wallet's gas, bought at an exchange shortly before its first move (log-uniform)."""
RECRUITED_SHARE = 0.4
"""Share of cash-ins paid to existing customers' deposit addresses rather than the theft's own."""
OWN_DEPOSITS = (2, 6)
"""Deposit accounts a theft opens at exchanges, each reused for several cash-ins."""
LOOKALIKE_WALLETS = 4
"""Legitimate flows of the same shape are written with each theft (unlabelled, each with its own
moment, paths and wallets) until they use this many wallets per wallet of the theft. Real chains
hold far more such whales, funds and privacy users than thefts; a small world needs them to bring
the launderers' wallets down to a realistic share of the busy ones."""
LOOKALIKE_SPREAD = 0.7
"""A look-alike flow's size, pace and duration are the theft's times a log-normal factor of this
sigma (most within a factor of two), and its mix of paths is drawn around the theft's
(``LOOKALIKE_MIX``): as busy, as long-lived and as often through mixers, bridges and routers as
the theft's wallets, not copies of them."""
LOOKALIKE_MIX = 10.0
SPLIT_EVENNESS = 8.0
"""Dirichlet concentration of the shares a theft is split into: near, not exactly, equal."""


@dataclass
class Theft:
    """One theft in progress: its plant, its pace (median hours between hops), the moments each
    of its wallets was used (for their ordinary traffic) and its own deposit accounts.

    A ``legitimate`` one is a holder moving their own funds the same way (see
    ``LOOKALIKE_WALLETS``): its transfers go to the background stream and nothing is labelled.
    """

    plant: Plant
    pace: float
    legitimate: bool = False
    used: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    accounts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def wait(self, when: int) -> int:
        """The moment of the next hop: around ``pace`` hours after ``when``, at least a minute."""
        hours = self.pace * float(np.exp(self.plant.rng.normal(0.0, 0.5)))
        return int(when + max(60.0, hours * 3600))

    def transfer(
        self,
        when: int,
        frm: str,
        to: str,
        value: float,
        asset: str,
        chain: str,
        role: str,
        *,
        tx_hash: str | None = None,
        log_index: int = 0,
    ) -> None:
        """A laundering transfer (or, for a legitimate flow, a background one); the movers' own
        wallets on either side are remembered."""
        if self.legitimate:
            usd = round(float(value), 8) * USD_PER_UNIT[asset]
            self.plant.world.chain.due.append(_row(self.plant, when, frm, to, usd, asset, chain))
        else:
            self.plant.transfer(
                when, frm, to, value, asset, chain, role, tx_hash=tx_hash, log_index=log_index
            )
        for address in (frm, to):
            if (address, chain) in self.used:
                self.used[(address, chain)].append(when)

    def wallet(self, role: str, chain: str = "ethereum", address: str | None = None) -> str:
        """A new (or the given) address the flow uses as ``role``: labelled for a theft only."""
        if self.legitimate:
            return address or str(chain_addresses(self.plant.rng, chain, 1)[0])
        return self.plant.wallet(role, chain, address=address)

    def own(self, role: str, chain: str = "ethereum") -> str:
        """A new wallet of the movers, labelled with ``role`` for a theft."""
        address = self.wallet(role, chain)
        self.used[(address, chain)] = []
        return address


def _log_uniform(plant: Plant, bounds: tuple[float, float]) -> float:
    """A value between ``bounds`` whose every order of magnitude is as likely."""
    low, high = np.log(bounds)
    return float(np.exp(plant.rng.uniform(low, high)))


def _index(plant: Plant, chain: str, kind: str) -> int:
    """The wallet index of an existing service or user of ``kind`` on ``chain``."""
    return int(plant.world.wallet_pops[f"{chain}:{kind}"].draw(plant.rng, 1)[0])


def _service(plant: Plant, chain: str, kind: str) -> str:
    """An address of an existing service (exchange hot wallet, bridge, mixer) on ``chain``."""
    return str(plant.world.wallets["address"][_index(plant, chain, kind)])


def _attacker(theft: Theft) -> tuple[str, str | None]:
    """The first receiving wallet: a real DPRK-attributed Ethereum address if the lists have one
    (a new wallet for a legitimate flow)."""
    plant = theft.plant
    wallets = [w for w in (plant.sanctioned.wallets if plant.sanctioned else []) if w[1] == "ETH"]
    if wallets and not theft.legitimate:
        address, _, holder = wallets[int(plant.rng.integers(0, len(wallets)))]
        address = plant.wallet("theft_receiver", address=address.lower())
        theft.used[(address, "ethereum")] = []
        return address, holder
    return theft.own("theft_receiver"), None


def _swept(
    plant: Plant, when: int, deposit: str, hot: str, value: float, asset: str, chain: str
) -> None:
    """The exchange empties a deposit address into its hot wallet a while after a payment."""
    plant.world.chain.due.append(
        {
            "seconds": when + int(sweep_delays(plant.rng, 1)[0]),
            "from_address": deposit,
            "to_address": hot,
            "usd": round(value, 8) * USD_PER_UNIT[asset],
            "asset": asset,
            "chain": chain,
        }
    )


def _deposit_account(theft: Theft, chain: str) -> tuple[str, str]:
    """Where a cash-in goes, and the hot wallet that sweeps it: an existing customer's deposit
    address (a recruited account holder, whose own deposits go on arriving there), or one of the
    few accounts the theft opened at exchanges, reused."""
    plant = theft.plant
    wallets = plant.world.wallets
    if plant.rng.random() < RECRUITED_SHARE:
        index = _index(plant, chain, "exchange_deposit")
        address = theft.wallet("cash_out_deposit", chain, address=str(wallets["address"][index]))
        return address, str(wallets["address"][plant.world.chain.hot[index]])
    accounts = theft.accounts.setdefault(chain, [])
    low, high = OWN_DEPOSITS
    if len(accounts) < high and (len(accounts) < low or plant.rng.random() < 0.3):
        address = theft.wallet("cash_out_deposit", chain)
        exchanges = plant.world.party_ids_of("exchange")
        exchange = str(exchanges[int(plant.rng.integers(0, len(exchanges)))])
        plant.tag_wallet(address, chain, exchange, "exchange_deposit")
        accounts.append((address, plant.world.chain.hot_wallet(plant.rng, chain, exchange)))
    return accounts[int(plant.rng.integers(0, len(accounts)))]


def _cash_in(
    theft: Theft, when: int, frm: str, value: float, asset: str, chain: str, role: str
) -> None:
    """Pay into a deposit address at an exchange; the exchange sweeps it later."""
    address, hot = _deposit_account(theft, chain)
    theft.transfer(when, frm, address, value, asset, chain, role)
    _swept(theft.plant, when, address, hot, value, asset, chain)


def _peel(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """A peel chain: each hop sends a small slice to an exchange and the rest to a new wallet."""
    plant = theft.plant
    hops = int(plant.rng.integers(plant.scheme.peel_hops[0], plant.scheme.peel_hops[1] + 1))
    for _ in range(hops):
        when = theft.wait(when)
        peel = eth * float(plant.rng.uniform(0.02, 0.06))
        _cash_in(theft, when, wallet, peel, "ETH", "ethereum", "peel")
        following = theft.own("peel_hop")
        eth -= peel
        theft.transfer(
            when + 30, wallet, following, eth * 0.9995, "ETH", "ethereum", "peel_forward"
        )
        wallet, eth = following, eth * 0.9995
    return wallet, eth, when


def _mix(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """Deposits into a mixer in one of its pools; as many withdrawals to a fresh wallet later."""
    plant = theft.plant
    mixer = _service(plant, "ethereum", "mixer")
    out = theft.own("mixer_withdrawal")
    pools, counts = mixer_deposits(np.array([eth]), "ETH")
    denomination, deposits = float(pools[0]), int(counts[0])
    when = theft.wait(when)
    for _ in range(deposits):
        when = plant.later(when, *MIXER_DEPOSIT_GAP_HOURS)
        theft.transfer(when, wallet, mixer, denomination, "ETH", "ethereum", "mixer_deposit")
    last = when
    for _ in range(deposits):
        at = plant.later(last, *MIXER_WAIT_HOURS)
        theft.transfer(at, mixer, out, denomination, "ETH", "ethereum", "mixer_withdrawal")
        when = max(when, at)
    return out, denomination * deposits, when


def _bridge(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """ETH sent into a cross-chain bridge and BTC paid out on Bitcoin within the hour."""
    plant = theft.plant
    when = theft.wait(when)
    theft.transfer(
        when, wallet, _service(plant, "ethereum", "bridge"), eth, "ETH", "ethereum", "bridge_in"
    )
    btc_wallet = theft.own("bridge_out", "bitcoin")
    btc = eth * USD_PER_UNIT["ETH"] / USD_PER_UNIT["BTC"] * BRIDGE_FEE
    when = plant.later(when, *BRIDGE_WAIT_HOURS)
    theft.transfer(
        when, _service(plant, "bitcoin", "bridge"), btc_wallet, btc, "BTC", "bitcoin", "bridge_out"
    )
    return btc_wallet, btc, when


def _swap(theft: Theft, wallet: str, eth: float, when: int) -> tuple[str, float, int]:
    """ETH swapped to USDT at a DeFi router: both legs in one transaction, the router's payout
    to the same wallet at the pool's rate less fees."""
    plant = theft.plant
    when = theft.wait(when)
    router = _service(plant, "ethereum", "defi_router")
    tx_hash = str(plant.rng.bytes(32).hex())
    usdt = eth * USD_PER_UNIT["ETH"] * float(plant.rng.uniform(0.993, 0.998))
    theft.transfer(when, wallet, router, eth, "ETH", "ethereum", "swap", tx_hash="0x" + tx_hash)
    theft.transfer(
        when,
        router,
        wallet,
        usdt,
        "USDT",
        "ethereum",
        "swap",
        tx_hash="0x" + tx_hash,
        log_index=1,
    )
    return wallet, usdt, when


def _cash_out(
    theft: Theft, chain: str, asset: str, wallets: list[tuple[str, float, int]], end: int
) -> None:
    """Consolidate the remaining balances of ``asset``, then cash out at exchanges and OTC desks."""
    if not wallets:
        return
    plant = theft.plant
    hub = theft.own("consolidation", chain)
    total, when = 0.0, 0
    for address, value, at in wallets:
        arrived = theft.wait(at)
        theft.transfer(arrived, address, hub, value, asset, chain, "consolidation")
        total += value
        when = max(when, arrived)
    when = theft.wait(when)
    end = max(end, when + 86_400)
    legs = int(plant.rng.integers(3, 8))
    for index in range(legs):
        at = int(when + (end - when) * index / legs)
        value = total / legs * 0.999
        if index % 3 == 2:
            desk = theft.wallet("otc_broker", chain, address=_service(plant, chain, "otc"))
            theft.transfer(at, hub, desk, value, asset, chain, "cash_out")
        else:
            _cash_in(theft, at, hub, value, asset, chain, "cash_out")


def _row(
    plant: Plant, when: float, frm: str, to: str, usd: float, asset: str, chain: str
) -> dict[str, object]:
    """An unlabelled transfer for the background stream (see ``ChainBook.due``), not before the
    world's first day."""
    return {
        "seconds": max(plant.world.first_day * calendar.DAY, int(when)),
        "from_address": frm,
        "to_address": to,
        "usd": usd,
        "asset": asset,
        "chain": chain,
    }


def _ordinary(theft: Theft) -> None:
    """Ordinary traffic of every laundering wallet, unlabelled, written with the background: gas
    from an exchange shortly before an Ethereum wallet's first move; payments from users and
    exchange withdrawals, and payments to users and to deposit addresses (swept), in the days
    around its use, in ordinary users' sizes and assets."""
    plant, rng = theft.plant, theft.plant.rng
    world, due = plant.world, plant.world.chain.due
    for (wallet, chain), moments in theft.used.items():
        if not moments:
            continue
        first, last = min(moments), max(moments)
        coin = "ETH" if chain == "ethereum" else "BTC"
        if chain == "ethereum":
            exchange = _service(plant, chain, "exchange_hot")
            gas = _log_uniform(plant, GAS_USD)
            due.append(
                _row(plant, first - rng.uniform(600, 6 * 3600), exchange, wallet, gas, coin, chain)
            )
        days = _log_uniform(plant, ORDINARY_DAYS) * calendar.DAY
        busy = _log_uniform(plant, ORDINARY_TRANSFERS)
        low, high = first - days, last + days
        for direction in ("in", "out"):
            for _ in range(int(rng.poisson(busy))):
                when = rng.uniform(low, high)
                usd = float(np.exp(rng.normal(np.log(USER_USD_MEDIAN), USER_USD_SIGMA)))
                asset = "USDT" if chain == "ethereum" and rng.random() < 0.3 else coin
                if direction == "in":
                    payer = _service(plant, chain, "exchange_hot" if rng.random() < 0.5 else "user")
                    due.append(_row(plant, when, payer, wallet, usd, asset, chain))
                elif rng.random() < 0.5:
                    payee = _service(plant, chain, "user")
                    due.append(_row(plant, when, wallet, payee, usd, asset, chain))
                else:
                    index = _index(plant, chain, "exchange_deposit")
                    deposit = str(world.wallets["address"][index])
                    due.append(_row(plant, when, wallet, deposit, usd, asset, chain))
                    hot = str(world.wallets["address"][world.chain.hot[index]])
                    _swept(plant, int(when), deposit, hot, usd / USD_PER_UNIT[asset], asset, chain)


def _split_count(plant: Plant, usd: float) -> int:
    """Wallets the loot is split over: the theft over a per-wallet size, within the bounds."""
    per_wallet = _log_uniform(plant, plant.scheme.split_usd)
    low, high = plant.scheme.split_wallets
    return int(np.clip(round(usd / per_wallet), low, high))


def _move(theft: Theft, usd: float, span: float, mix: np.ndarray) -> dict[str, object]:
    """Take ``usd`` from an exchange hot wallet or a bridge and move it as a theft is laundered
    (split, then peeled, mixed, bridged or swapped in the shares ``mix`` of ``PATHS``, then cashed
    out over ``span`` days); returns its parameters."""
    plant = theft.plant
    reach = (theft.pace * (plant.scheme.peel_hops[1] + 6) + MIXER_WAIT_HOURS[1]) / 24
    t0 = plant.start_second(span + reach + 2)
    victim_kind = "exchange_hot" if plant.rng.random() < 0.7 else "bridge"
    victim = _service(plant, "ethereum", victim_kind)
    attacker, holder = _attacker(theft)
    eth = usd / USD_PER_UNIT["ETH"]
    theft.transfer(t0, victim, attacker, eth, "ETH", "ethereum", "theft")
    if theft.legitimate and victim_kind == "bridge":  # bridged in, not drained: the first leg
        btc = eth * USD_PER_UNIT["ETH"] / USD_PER_UNIT["BTC"] / BRIDGE_FEE
        sent = t0 - int(plant.rng.uniform(*BRIDGE_WAIT_HOURS) * 3600)
        bridge = _service(plant, "bitcoin", "bridge")
        theft.transfer(sent, theft.own("source", "bitcoin"), bridge, btc, "BTC", "bitcoin", "")
    splits = _split_count(plant, usd)
    shares = eth * plant.rng.dirichlet(np.full(splits, SPLIT_EVENNESS))
    out: dict[tuple[str, str], list[tuple[str, float, int]]] = {
        ("ethereum", "ETH"): [],
        ("ethereum", "USDT"): [],
        ("bitcoin", "BTC"): [],
    }
    paths = dict.fromkeys(PATHS, 0)
    for part in shares:
        share = float(part) * float(plant.rng.uniform(0.97, 1.0))
        wallet = theft.own("split")
        when = theft.wait(t0)
        theft.transfer(when, attacker, wallet, share, "ETH", "ethereum", "split")
        path = PATHS[int(plant.rng.choice(len(PATHS), p=mix))]
        paths[path] += 1
        if path == "bridge":
            out[("bitcoin", "BTC")].append(_bridge(theft, wallet, share, when))
        elif path == "swap":
            out[("ethereum", "USDT")].append(_swap(theft, wallet, share, when))
        elif path == "mixer":
            out[("ethereum", "ETH")].append(_mix(theft, wallet, share, when))
        else:
            out[("ethereum", "ETH")].append(_peel(theft, wallet, share, when))
    end = t0 + int(span * 86_400)
    for (chain, asset), wallets in out.items():
        _cash_out(theft, chain, asset, wallets, end)
    _ordinary(theft)
    return {
        "victim": victim,
        "victim_kind": victim_kind,
        "attacker": attacker,
        "listed_holder": holder,
        "stolen_usd": round(usd, 2),
        "splits": splits,
        "paths": paths,
        "span_days": round(span, 2),
        "pace_hours": round(theft.pace, 3),
    }


@typology("crypto_laundering", "crypto", expected_tx=0, expected_transfers=320)
def crypto_laundering(plant: Plant) -> None:
    """Stolen crypto split, peeled, mixed, bridged or swapped, cashed out at exchanges and OTC;
    with it, legitimate holders' flows of the same shape (unlabelled, see ``LOOKALIKE_WALLETS``).
    """
    span = _log_uniform(plant, plant.scheme.laundering_days)
    theft = Theft(plant, _log_uniform(plant, plant.scheme.hop_hours))
    usd = _log_uniform(plant, plant.scheme.theft_usd)
    mix = plant.rng.dirichlet(np.ones(len(PATHS)))
    plant.params.update(_move(theft, usd, span, mix))
    used = 0
    while used < LOOKALIKE_WALLETS * len(theft.used):
        spread = np.exp(plant.rng.normal(0.0, LOOKALIKE_SPREAD, 3))
        lookalike = Theft(plant, theft.pace * spread[0], legitimate=True)
        alike = plant.rng.dirichlet(1.0 + LOOKALIKE_MIX * mix)
        _move(lookalike, usd * spread[1], span * spread[2], alike)
        used += len(lookalike.used)
