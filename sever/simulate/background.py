"""Legitimate activity, drawn day range by day range so that any size streams in bounded memory.

Bank payments: retail card spending, person-to-person transfers, bills, supplier invoices, trade
finance across borders, exchange deposits and withdrawals, remittances through money-service
businesses, cash deposits and monthly salaries. Chain transfers: exchange withdrawals and deposits,
sweeps, peer payments, DeFi swaps, bridge and mixer use, OTC settlement. Logins of remote staff.
Every function returns plain column arrays; ``run`` merges the planted schemes in and writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sever.simulate import calendar, names
from sever.simulate.identifiers import rng_for, tx_hashes
from sever.simulate.world import FX_PER_USD, World, ips

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class PaymentKind:
    """One kind of legitimate payment: its share, who pays whom, how much, when and how."""

    name: str
    share: float
    profile: str
    business_days: bool
    formats: tuple[str, ...]


PAYMENT_KINDS = (
    PaymentKind("retail", 0.50, "retail", False, ("card", "card", "card", "mobile")),
    PaymentKind("p2p", 0.10, "evening", False, ("mobile", "ach")),
    PaymentKind("bill", 0.07, "batch", False, ("ach",)),
    PaymentKind("supplier", 0.12, "business", True, ("wire", "ach")),
    PaymentKind("trade", 0.04, "business", True, ("swift",)),
    PaymentKind("exchange", 0.05, "evening", False, ("wire", "ach")),
    PaymentKind("remittance", 0.04, "evening", False, ("mobile", "wire")),
    PaymentKind("cash", 0.08, "business", False, ("cash",)),
)
"""Shares of background bank payments by kind (salaries come on top, on paydays)."""

TOKEN_ADDRESSES = {
    ("ethereum", "USDT"): "0xdac17f958d2ee523a2206206994597c13d831ec7",
    ("tron", "USDT"): "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
}
"""Token contracts (real, public) for token transfers; native coins have none."""

BLOCK_ORIGIN = {
    "ethereum": (1_704_067_200, 18_908_895, 12),
    "bitcoin": (1_704_067_200, 823_786, 600),
    "tron": (1_704_067_200, 57_317_000, 3),
}
"""Per chain: (epoch seconds, block height at that time, seconds per block)."""

USD_PER_UNIT = {"ETH": 3_000.0, "BTC": 60_000.0, "USDT": 1.0}


def block_numbers(chain: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Approximate block heights for timestamps on each chain."""
    out = np.zeros(len(chain), dtype=np.int64)
    for name, (origin, height, spacing) in BLOCK_ORIGIN.items():
        mask = chain == name
        out[mask] = height + (seconds[mask] - origin) // spacing
    return out


def to_currency(usd: np.ndarray, currency: np.ndarray) -> np.ndarray:
    """US-dollar amounts in each currency, rounded as that currency is (whole won and dong)."""
    out = np.zeros(len(usd))
    for code in np.unique(currency):
        mask = currency == code
        rate = FX_PER_USD.get(str(code), 1.0)
        digits = 0 if rate >= 100 else 2
        out[mask] = np.round(usd[mask] * rate, digits)
    return out


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.exp(rng.normal(np.log(median), sigma, n))


def _pareto(rng: np.random.Generator, scale: float, alpha: float, n: int) -> np.ndarray:
    return scale * (1.0 + rng.pareto(alpha, n))


def _goods(rng: np.random.Generator, world: World, accounts: np.ndarray) -> np.ndarray:
    """Goods fitting the industry of each receiving account's holder."""
    industry = world.parties["industry"][world.accounts.holder[accounts]]
    out = np.full(len(accounts), "goods", dtype=object)
    for name, goods in names.INDUSTRIES.items():
        mask = industry == name
        out[mask] = np.asarray(goods, dtype=object)[rng.integers(0, len(goods), int(mask.sum()))]
    return out


def _invoice(rng: np.random.Generator, n: int) -> np.ndarray:
    return "INV-" + rng.integers(10_000, 999_999, n).astype(str).astype(object)


Draw = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""(source accounts, destination accounts, US-dollar amounts, purposes)."""


def _retail(rng: np.random.Generator, world: World, n: int) -> Draw:
    src = world.pops["person"].draw(rng, n)
    dst = world.pops["merchant"].draw_near(rng, world.accounts.country[src], 0.92)
    return src, dst, _lognormal(rng, 32.0, 1.05, n), np.full(n, "card purchase", dtype=object)


def _p2p(rng: np.random.Generator, world: World, n: int) -> Draw:
    src = world.pops["person"].draw(rng, n)
    dst = world.pops["person"].draw_near(rng, world.accounts.country[src], 0.9)
    same = src == dst
    dst[same] = world.pops["person"].draw(rng, int(same.sum()))
    return src, dst, _lognormal(rng, 110.0, 1.2, n), np.full(n, "transfer", dtype=object)


def _bill(rng: np.random.Generator, world: World, n: int) -> Draw:
    src = world.pops["person"].draw(rng, n)
    dst = world.pops["utility"].draw_near(rng, world.accounts.country[src], 0.97)
    return src, dst, _lognormal(rng, 85.0, 0.6, n), np.full(n, "utility bill", dtype=object)


def _supplier(rng: np.random.Generator, world: World, n: int) -> Draw:
    src = world.pops["business"].draw(rng, n)
    dst = world.pops["company"].draw_near(rng, world.accounts.country[src], 0.85)
    purpose = _invoice(rng, n) + ": " + _goods(rng, world, dst)
    return src, dst, _pareto(rng, 400.0, 1.25, n), purpose


def _trade(rng: np.random.Generator, world: World, n: int) -> Draw:
    src = world.pops["business"].draw(rng, n)
    dst = world.pops["company"].draw(rng, n)
    same = world.accounts.country[src] == world.accounts.country[dst]
    dst[same] = world.pops["company"].draw(rng, int(same.sum()))
    purpose = "trade payment: " + _goods(rng, world, dst)
    return src, dst, _pareto(rng, 4000.0, 1.15, n), purpose


def _exchange(rng: np.random.Generator, world: World, n: int) -> Draw:
    person = world.pops["person"].draw(rng, n)
    venue = world.pops["exchange"].draw_near(rng, world.accounts.country[person], 0.6)
    deposit = rng.random(n) < 0.55
    src, dst = np.where(deposit, person, venue), np.where(deposit, venue, person)
    purpose = np.where(deposit, "exchange deposit", "exchange withdrawal").astype(object)
    return src, dst, _lognormal(rng, 700.0, 1.3, n), purpose


def _remittance(rng: np.random.Generator, world: World, n: int) -> Draw:
    src = world.pops["person"].draw(rng, n)
    dst = world.pops["msb"].draw_near(rng, world.accounts.country[src], 0.5)
    return src, dst, _lognormal(rng, 380.0, 0.8, n), np.full(n, "remittance", dtype=object)


def _cash(rng: np.random.Generator, world: World, n: int) -> Draw:
    merchant = rng.random(n) < 0.4
    account = np.where(
        merchant, world.pops["merchant"].draw(rng, n), world.pops["person"].draw(rng, n)
    )
    usd = np.where(merchant, _lognormal(rng, 2500.0, 0.9, n), _lognormal(rng, 400.0, 1.0, n))
    return account, account, usd, np.full(n, "cash deposit", dtype=object)


_DRAWERS: dict[str, Callable[[np.random.Generator, World, int], Draw]] = {
    "retail": _retail,
    "p2p": _p2p,
    "bill": _bill,
    "supplier": _supplier,
    "trade": _trade,
    "exchange": _exchange,
    "remittance": _remittance,
    "cash": _cash,
}


def bank_payments(rng: np.random.Generator, world: World, days: np.ndarray) -> Columns:
    """One legitimate payment per entry of ``days`` (day numbers), as columns by account index."""
    n = len(days)
    shares = np.array([k.share for k in PAYMENT_KINDS])
    kind = rng.choice(len(PAYMENT_KINDS), size=n, p=shares / shares.sum())
    weekend = calendar.weekday_of(days) >= 5
    for index, payment in enumerate(PAYMENT_KINDS):
        if payment.business_days:
            moved = (kind == index) & weekend & (rng.random(n) < 0.85)
            kind[moved] = 0
    src = np.zeros(n, dtype=np.int64)
    dst = np.zeros(n, dtype=np.int64)
    usd = np.zeros(n)
    purpose = np.empty(n, dtype=object)
    fmt = np.empty(n, dtype=object)
    seconds = np.zeros(n, dtype=np.int64)
    for index, payment in enumerate(PAYMENT_KINDS):
        mask = kind == index
        count = int(mask.sum())
        if not count:
            continue
        s, d, u, p = _DRAWERS[payment.name](rng, world, count)
        src[mask], dst[mask], usd[mask], purpose[mask] = s, d, u, p
        fmt[mask] = np.asarray(payment.formats, dtype=object)[
            rng.integers(0, len(payment.formats), count)
        ]
        offsets = _offsets(world.accounts.country[s])
        seconds[mask] = calendar.timestamps(rng, days[mask], payment.profile, offsets)
    currency = world.accounts.currency[src].copy()
    trade = kind == [k.name for k in PAYMENT_KINDS].index("trade")
    allowed = [c for c in ("USD", "USD", "USD", "EUR", "CNY") if c in world.params.currencies]
    currency[trade] = np.asarray(allowed, dtype=object)[
        rng.integers(0, len(allowed), int(trade.sum()))
    ]
    return {
        "seconds": seconds,
        "src": src,
        "dst": dst,
        "usd": usd,
        "currency": currency,
        "payment_format": fmt,
        "purpose": purpose,
    }


def _offsets(countries: np.ndarray) -> np.ndarray:
    return np.array([calendar.UTC_OFFSETS.get(str(c), 0) for c in countries], dtype=np.int64)


def salaries(rng: np.random.Generator, world: World, payday: int) -> Columns:
    """Every employee's monthly salary on ``payday``, paid overnight in the employer's currency."""
    staff = world.employees
    paid = np.flatnonzero(staff["start"] <= payday)
    src = staff["employer_account"][paid]
    dst = staff["person_account"][paid]
    usd = staff["salary_usd"][paid] * rng.normal(1.0, 0.03, len(paid))
    days = np.full(len(paid), payday, dtype=np.int64)
    seconds = calendar.timestamps(rng, days, "batch", _offsets(world.accounts.country[src]))
    return {
        "seconds": seconds,
        "src": src,
        "dst": dst,
        "usd": usd,
        "currency": world.accounts.currency[src].copy(),
        "payment_format": np.full(len(paid), "ach", dtype=object),
        "purpose": np.full(len(paid), "salary", dtype=object),
    }


def salary_count(world: World) -> int:
    """How many salary payments the period holds (so background volume can be sized around it)."""
    starts = np.sort(world.employees["start"])
    paydays = calendar.paydays(world.params.start, world.params.days)
    return int(sum(np.searchsorted(starts, day, side="right") for day in paydays))


def bank_table(world: World, cols: Columns) -> dict[str, np.ndarray]:
    """Account indices resolved to the transaction columns of the contract (without ``tx_id``)."""
    acc = world.accounts
    return {
        "seconds": cols["seconds"],
        "src_account": acc.ids[cols["src"]],
        "dst_account": acc.ids[cols["dst"]],
        "amount": to_currency(cols["usd"], cols["currency"]),
        "currency": cols["currency"],
        "src_bank": acc.bank[cols["src"]],
        "dst_bank": acc.bank[cols["dst"]],
        "payment_format": cols["payment_format"],
        "src_country": acc.country[cols["src"]],
        "dst_country": acc.country[cols["dst"]],
        "purpose": cols["purpose"],
    }


TRANSFER_KINDS = (
    ("withdrawal", 0.25),
    ("deposit", 0.25),
    ("sweep", 0.10),
    ("p2p", 0.20),
    ("swap", 0.12),
    ("bridge", 0.03),
    ("mixer", 0.01),
    ("otc", 0.04),
)
"""Shares of legitimate chain transfers by kind; a swap writes two transfers in one hash."""


def _asset(rng: np.random.Generator, chain: np.ndarray) -> np.ndarray:
    asset = np.where(chain == "bitcoin", "BTC", np.where(chain == "tron", "USDT", "ETH")).astype(
        object
    )
    stable = (chain == "ethereum") & (rng.random(len(chain)) < 0.3)
    asset[stable] = "USDT"
    return asset


def chain_transfers(rng: np.random.Generator, world: World, days: np.ndarray) -> Columns:
    """About one legitimate chain transfer per entry of ``days`` (swaps add a second leg)."""
    n = len(days)
    shares = np.array([s for _, s in TRANSFER_KINDS])
    kind = rng.choice(len(TRANSFER_KINDS), size=n, p=shares / shares.sum())
    chain = np.asarray(("ethereum", "bitcoin", "tron"), dtype=object)[
        rng.choice(3, n, p=[0.6, 0.25, 0.15])
    ]
    names_ = [k for k, _ in TRANSFER_KINDS]
    eth_only = np.isin(kind, [names_.index("swap"), names_.index("bridge")])
    chain[eth_only] = "ethereum"
    chain[(kind == names_.index("mixer")) & (chain == "tron")] = "ethereum"
    frm = np.empty(n, dtype=object)
    to = np.empty(n, dtype=object)
    routes = {
        "withdrawal": ("exchange_hot", "user"),
        "deposit": ("user", "exchange_deposit"),
        "sweep": ("exchange_deposit", "exchange_hot"),
        "p2p": ("user", "user"),
        "swap": ("user", "defi_router"),
        "bridge": ("user", "bridge"),
        "mixer": ("user", "mixer"),
        "otc": ("otc", "user"),
    }
    address = world.wallets["address"]
    for index, name in enumerate(names_):
        for ch in ("ethereum", "bitcoin", "tron"):
            mask = (kind == index) & (chain == ch)
            count = int(mask.sum())
            if not count:
                continue
            source, target = routes[name]
            frm[mask] = address[world.wallet_pops[f"{ch}:{source}"].draw(rng, count)]
            to[mask] = address[world.wallet_pops[f"{ch}:{target}"].draw(rng, count)]
    same = frm == to
    for ch in ("ethereum", "bitcoin", "tron"):
        redo = same & (chain == ch)
        to[redo] = address[world.wallet_pops[f"{ch}:user"].draw(rng, int(redo.sum()))]
    asset = _asset(rng, chain)
    usd = np.exp(rng.normal(np.log(900.0), 1.6, n))
    mixer = kind == names_.index("mixer")
    asset[mixer & (chain == "ethereum")] = "ETH"
    seconds = calendar.timestamps(rng, days, "always", np.zeros(n, dtype=np.int64))
    cols = {
        "seconds": seconds,
        "from_address": frm,
        "to_address": to,
        "asset": asset,
        "chain": chain,
        "usd": usd,
        "log_index": np.zeros(n, dtype=np.int32),
    }
    cols["transaction_hash"] = tx_hashes(rng, chain)
    return _with_swap_legs(rng, world, cols, kind == names_.index("swap"))


def _with_swap_legs(
    rng: np.random.Generator, world: World, cols: Columns, swap: np.ndarray
) -> Columns:
    """Add the router's return leg of every swap: same hash, next log index, the other asset."""
    legs = {k: v[swap].copy() for k, v in cols.items()}
    legs["from_address"], legs["to_address"] = legs["to_address"], cols["from_address"][swap]
    legs["asset"] = np.where(legs["asset"] == "ETH", "USDT", "ETH").astype(object)
    legs["usd"] = legs["usd"] * rng.uniform(0.993, 0.998, int(swap.sum()))
    legs["log_index"] = legs["log_index"] + 1
    merged = {k: np.concatenate([cols[k], legs[k]]) for k in cols}
    usd_per_unit = np.array([USD_PER_UNIT[a] for a in merged["asset"]])
    merged["value"] = np.round(merged.pop("usd") / usd_per_unit, 8)
    return merged


def transfer_table(cols: Columns) -> dict[str, np.ndarray]:
    """Chain-transfer columns in ethereum-etl names (``seconds`` kept for merging and sorting)."""
    token = np.array(
        [TOKEN_ADDRESSES.get((c, a)) for c, a in zip(cols["chain"], cols["asset"], strict=True)],
        dtype=object,
    )
    return {
        "seconds": cols["seconds"],
        "transaction_hash": cols["transaction_hash"],
        "log_index": cols["log_index"],
        "block_number": block_numbers(cols["chain"], cols["seconds"]),
        "from_address": cols["from_address"],
        "to_address": cols["to_address"],
        "value": cols["value"],
        "token_address": token,
        "asset": cols["asset"],
        "chain": cols["chain"],
    }


def logins(world: World) -> Columns:
    """Login events of remote employees: home IP mostly, now and then travelling or a VPN."""
    rng = rng_for(world.params.seed, "logins")
    staff = world.employees
    remote = np.flatnonzero(staff["remote"])
    per = world.params.logins_per_employee
    who = np.repeat(remote, per)
    n = len(who)
    country = world.accounts.country[staff["person_account"][who]]
    days = rng.integers(world.first_day, world.last_day + 1, n)
    workday = calendar.weekday_of(days) < 5
    days = np.where(workday, days, days - 2)
    seconds = calendar.timestamps(rng, days, "business", _offsets(country))
    party = staff["party"][who]
    home_ip = world.parties["ip"][party]
    away = rng.random(n) < 0.05
    ip = home_ip.copy()
    ip[away] = ips(rng, country[away])
    tools = np.asarray([None, None, None, None, "vpn", "rdp"], dtype=object)
    return {
        "employee_id": staff["employee_id"][who],
        "seconds": seconds,
        "ip": ip,
        "ip_country": country,
        "device_id": world.parties["device_id"][party],
        "session_hours": np.round(np.clip(rng.normal(7.5, 1.8, n), 0.2, 14.0), 2),
        "remote_tool": tools[rng.integers(0, len(tools), n)],
    }
