"""Legitimate activity, drawn day range by day range so that any size streams in bounded memory.

Bank payments: retail card spending, person-to-person transfers, bills, supplier invoices, trade
finance across borders, exchange deposits and withdrawals, remittances through money-service
businesses, cash deposits and monthly salaries. Chain transfers: exchange withdrawals and deposits,
sweeps, peer payments, DeFi swaps, bridge and mixer use, OTC settlement. Logins of remote staff.
Every function returns plain column arrays; ``run`` merges the planted schemes in and writes.

Legitimate look-alikes (hard negatives) live here too, each naming the typology it imitates:
payroll agencies and migrant workers' remittances around paydays, charities' donations,
marketplaces, cash-heavy shops, payments within corporate groups, trade with China, Russia and
the UAE, travelling staff and shared VPN exits; on chain, mixer and bridge users and sweeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sever.simulate import calendar, names
from sever.simulate.identifiers import chain_addresses, rng_for, tx_hashes
from sever.simulate.vessels import name_vessels
from sever.simulate.world import CHAIN_SHARES, CHAINS, FX_PER_USD, World, ips, user_usd

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
    PaymentKind("retail", 0.46, "retail", False, ("card", "card", "card", "mobile")),
    PaymentKind("p2p", 0.10, "evening", False, ("mobile", "ach")),
    PaymentKind("bill", 0.07, "batch", False, ("ach",)),
    PaymentKind("supplier", 0.12, "business", True, ("wire", "ach")),
    PaymentKind("trade", 0.04, "business", True, ("swift",)),
    PaymentKind("exchange", 0.05, "evening", False, ("wire", "ach")),
    PaymentKind("remittance", 0.04, "evening", False, ("mobile", "wire")),
    PaymentKind("cash", 0.08, "business", False, ("cash",)),
    PaymentKind("donation", 0.015, "evening", False, ("card", "ach", "mobile")),
    PaymentKind("marketplace", 0.04, "retail", False, ("card", "ach")),
    PaymentKind("intragroup", 0.01, "business", True, ("wire", "swift")),
)
"""Shares of background bank payments by kind (salaries, payroll funding and migrants'
remittances come on top, on paydays)."""
_KIND = {kind.name: kind for kind in PAYMENT_KINDS}

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


def _logistics(world: World, accounts: np.ndarray) -> np.ndarray:
    """Which receiving accounts are held by logistics companies (they name vessels)."""
    return world.parties["industry"][world.accounts.holder[accounts]] == "logistics"


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
    name_vessels(rng, purpose, _logistics(world, dst))
    return src, dst, _pareto(rng, 400.0, 1.25, n), purpose


TRADE_PARTNERS = {"CN": 0.5, "HK": 0.15, "RU": 0.15, "AE": 0.2}
TRADE_PARTNER_SHARE = 0.45
"""Share of cross-border trade paid to suppliers in China, Hong Kong, Russia and the UAE."""


def _trade(rng: np.random.Generator, world: World, n: int) -> Draw:
    """Cross-border trade; nearly half goes to China, Hong Kong, Russia and the UAE.

    Imitates ``trade_mismatch`` and ``front_company`` (trade payments into the corridors
    DPRK fronts use)."""
    src = world.pops["business"].draw(rng, n)
    dst = world.pops["company"].draw(rng, n)
    partner = rng.random(n) < TRADE_PARTNER_SHARE
    codes = np.asarray(list(TRADE_PARTNERS), dtype=object)
    weights = np.asarray(list(TRADE_PARTNERS.values()))
    where = codes[rng.choice(len(codes), n, p=weights / weights.sum())]
    for code in codes:
        local = world.pops["company"].within(str(code))
        mask = partner & (where == code)
        if local is not None and mask.any():
            dst[mask] = local.draw(rng, int(mask.sum()))
    same = world.accounts.country[src] == world.accounts.country[dst]
    dst[same] = world.pops["company"].draw(rng, int(same.sum()))
    purpose = "trade payment: " + _goods(rng, world, dst)
    name_vessels(rng, purpose, _logistics(world, dst))
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


CASH_TAKINGS = (7_000.0, 0.3)
"""Daily cash takings a cash-heavy shop banks: lognormal median (USD) and sigma. About a third
fall between 7,500 and 10,000 USD, under the usual reporting threshold, with no intent."""


def _cash(rng: np.random.Generator, world: World, n: int) -> Draw:
    """Cash paid in by people and shops; a share by cash-heavy food shops banking their takings
    (they imitate ``structuring``: many deposits just under the reporting threshold)."""
    merchant = rng.random(n) < 0.4
    account = np.where(
        merchant, world.pops["merchant"].draw(rng, n), world.pops["person"].draw(rng, n)
    )
    usd = np.where(merchant, _lognormal(rng, 2500.0, 0.9, n), _lognormal(rng, 400.0, 1.0, n))
    if "cash_retail" in world.pops:
        takings = merchant & (rng.random(n) < 0.35)
        count = int(takings.sum())
        account[takings] = world.pops["cash_retail"].draw(rng, count)
        usd[takings] = _lognormal(rng, *CASH_TAKINGS, count)
    return account, account, usd, np.full(n, "cash deposit", dtype=object)


def _donation(rng: np.random.Generator, world: World, n: int) -> Draw:
    """People giving to charities: many small gifts from many donors into one account.

    Imitates ``fan_in``."""
    src = world.pops["person"].draw(rng, n)
    dst = world.pops["charity"].draw_near(rng, world.accounts.country[src], 0.8)
    return src, dst, _lognormal(rng, 60.0, 1.1, n), np.full(n, "donation", dtype=object)


MARKETPLACE_PAYOUT_SHARE = 0.08
"""Share of marketplace payments that are payouts to sellers (the rest are purchases): payouts are
about ten times larger, so about nine tenths of what buyers pay in goes out again."""


def _marketplace(rng: np.random.Generator, world: World, n: int) -> Draw:
    """Online marketplaces: buyers pay in, sellers (people and shops) are paid out in batches.

    Imitates ``gather_scatter`` and ``fan_out``: money from many accounts leaves to many others
    within days, the platform keeping a commission."""
    market = world.pops["marketplace"].draw(rng, n)
    buyer = world.pops["person"].draw_near(rng, world.accounts.country[market], 0.7)
    seller = np.where(
        rng.random(n) < 0.6,
        world.pops["person"].draw_near(rng, world.accounts.country[market], 0.6),
        world.pops["merchant"].draw_near(rng, world.accounts.country[market], 0.6),
    )
    payout = rng.random(n) < MARKETPLACE_PAYOUT_SHARE
    src, dst = np.where(payout, market, buyer), np.where(payout, seller, market)
    usd = np.where(payout, _lognormal(rng, 420.0, 1.1, n), _lognormal(rng, 45.0, 1.0, n))
    purpose = np.where(payout, "marketplace payout", "marketplace purchase").astype(object)
    return src, dst, usd, purpose


INTRAGROUP_PURPOSES = ("dividend", "management fee", "intercompany loan", "cost recharge")


def _intragroup(rng: np.random.Generator, world: World, n: int) -> Draw:
    """Payments between a group company and its parent, often across borders and to offshore
    holdings: dividends and fees up, loans down; and invoices between related companies
    (subsidiaries of one parent, companies of one owner, tenants of one office), in circles.

    Imitates ``ownership_50pct`` and ``front_company`` (money moving along an ownership chain
    and round companies that share officers and addresses)."""
    empty = np.zeros(0, dtype=np.int64)
    first = np.concatenate([world.groups.get("child", empty), world.groups.get("peer_src", empty)])
    second = np.concatenate(
        [world.groups.get("parent", empty), world.groups.get("peer_dst", empty)]
    )
    if not len(first):
        return _supplier(rng, world, n)
    pick = rng.integers(0, len(first), n)
    child, parent = first[pick], second[pick]
    purpose = np.asarray(INTRAGROUP_PURPOSES, dtype=object)[
        rng.integers(0, len(INTRAGROUP_PURPOSES), n)
    ]
    down = purpose == "intercompany loan"
    src, dst = np.where(down, parent, child), np.where(down, child, parent)
    peer = pick >= len(world.groups.get("child", empty))
    src[peer], dst[peer] = child[peer], parent[peer]
    purpose[peer] = _invoice(rng, int(peer.sum())) + ": " + _goods(rng, world, dst[peer])
    return src, dst, _pareto(rng, 15_000.0, 1.2, n), purpose


_DRAWERS: dict[str, Callable[[np.random.Generator, World, int], Draw]] = {
    "retail": _retail,
    "p2p": _p2p,
    "bill": _bill,
    "supplier": _supplier,
    "trade": _trade,
    "exchange": _exchange,
    "remittance": _remittance,
    "cash": _cash,
    "donation": _donation,
    "marketplace": _marketplace,
    "intragroup": _intragroup,
}


REDRAWS = 4
"""Times a payment drawn for an account not yet open that day is drawn again (after that it
waits for the later account to open)."""


def _open_draws(rng: np.random.Generator, world: World, name: str, days: np.ndarray) -> Draw:
    """Draws of kind ``name`` for ``days`` between accounts already open on the day."""
    src, dst, usd, purpose = _DRAWERS[name](rng, world, len(days))
    opened = world.accounts.opened
    for _ in range(REDRAWS):
        early = np.flatnonzero((opened[src] > days) | (opened[dst] > days))
        if not len(early):
            break
        s, d, u, p = _DRAWERS[name](rng, world, len(early))
        src[early], dst[early], usd[early], purpose[early] = s, d, u, p
    return src, dst, usd, purpose


def _not_before_opening(world: World, cols: Columns) -> Columns:
    """Payments moved, where needed, to the day the later of their two accounts opens."""
    opened = np.maximum(world.accounts.opened[cols["src"]], world.accounts.opened[cols["dst"]])
    first = opened * calendar.DAY + 9 * 3600
    cols["seconds"] = np.maximum(cols["seconds"], first)
    return cols


def bank_payments(rng: np.random.Generator, world: World, days: np.ndarray) -> Columns:
    """One legitimate payment per entry of ``days`` (day numbers), as columns by account index,
    between accounts open on the day."""
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
        s, d, u, p = _open_draws(rng, world, payment.name, days[mask])
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
    cols = {
        "seconds": seconds,
        "src": src,
        "dst": dst,
        "usd": usd,
        "currency": currency,
        "payment_format": fmt,
        "purpose": purpose,
    }
    relays = _client_relays(rng, world, days)
    cols = {key: np.concatenate([cols[key], relays[key]]) for key in cols}
    return _not_before_opening(world, cols)


CLIENT_RELAYS_PER_YEAR = 2.0
"""Times a year each vehicle of a client set (``world._nominee_services``) passes a sum to the
next vehicle, which passes most of it on within days (capital calls, distributions)."""
CLIENT_RELAY_HOURS = (2.0, 120.0)
CLIENT_RELAY_KEPT = (0.85, 0.99)
"""Share of the sum the middle vehicle passes on (it keeps fees and costs)."""
CLIENT_RELAY_PURPOSES = ("capital call", "distribution", "shareholder loan")


def _client_relays(rng: np.random.Generator, world: World, days: np.ndarray) -> Columns:
    """One-off sums passed along a client's vehicles within days, for the days of ``days``:
    ``relay_src`` pays ``relay_dst``, which pays ``relay_next`` 85-99 % of it hours or days
    later, by wire or SWIFT.

    Imitates ``front_company``: money passed on from company to company within days, among
    companies that share a nominee director and an address."""
    src = world.groups.get("relay_src", np.zeros(0, dtype=np.int64))
    dst = world.groups.get("relay_dst", src)
    after = world.groups.get("relay_next", src)
    span = len(np.unique(days))
    count = int(rng.poisson(len(src) * CLIENT_RELAYS_PER_YEAR * span / 365)) if len(src) else 0
    pick = rng.integers(0, max(1, len(src)), count)
    when = days[rng.integers(0, max(1, len(days)), count)] if len(days) else days[:0]
    first = calendar.timestamps(rng, when, "business", _offsets(world.accounts.country[src[pick]]))
    later = first + (3600 * rng.uniform(*CLIENT_RELAY_HOURS, count)).astype(np.int64)
    usd = _pareto(rng, 15_000.0, 1.2, count)
    kept = usd * rng.uniform(*CLIENT_RELAY_KEPT, count)
    payer = np.concatenate([src[pick], dst[pick]])
    abroad = world.accounts.country[payer] != world.accounts.country[np.r_[dst[pick], after[pick]]]
    purpose = np.asarray(CLIENT_RELAY_PURPOSES, dtype=object)[rng.integers(0, 3, count)]
    return {
        "seconds": np.concatenate([first, later]),
        "src": payer,
        "dst": np.concatenate([dst[pick], after[pick]]),
        "usd": np.concatenate([usd, kept]),
        "currency": world.accounts.currency[payer].copy(),
        "payment_format": np.where(abroad, "swift", "wire").astype(object),
        "purpose": np.concatenate([purpose, purpose]),
    }


def _offsets(countries: np.ndarray) -> np.ndarray:
    return np.array([calendar.UTC_OFFSETS.get(str(c), 0) for c in countries], dtype=np.int64)


def salaries(rng: np.random.Generator, world: World, payday: int) -> Columns:
    """Every employee's monthly salary on ``payday``, paid overnight in the employer's currency;
    the day before, clients fund the payroll agencies; in the days after, migrant workers send
    a share of their pay home."""
    staff = world.employees
    paid = np.flatnonzero(staff["start"] <= payday)
    src = staff["employer_account"][paid]
    dst = staff["person_account"][paid]
    usd = staff["salary_usd"][paid] * rng.normal(1.0, 0.03, len(paid))
    days = np.full(len(paid), payday, dtype=np.int64)
    seconds = calendar.timestamps(rng, days, "batch", _offsets(world.accounts.country[src]))
    pay = {
        "seconds": seconds,
        "src": src,
        "dst": dst,
        "usd": usd,
        "currency": world.accounts.currency[src].copy(),
        "payment_format": np.full(len(paid), "ach", dtype=object),
        "purpose": np.full(len(paid), "salary", dtype=object),
    }
    parts = [
        _payroll_funding(rng, world, payday, src, usd),
        pay,
        _remittances(rng, world, paid, seconds, usd),
    ]
    return _not_before_opening(world, {k: np.concatenate([part[k] for part in parts]) for k in pay})


AGENCY_FEE = 1.04
"""Clients fund a payroll agency with the salaries it pays for them plus this margin."""


def _payroll_funding(
    rng: np.random.Generator, world: World, payday: int, employer: np.ndarray, usd: np.ndarray
) -> Columns:
    """Clients paying payroll agencies (employers of record) the day before payday, each its
    share of the agency's payroll; cross-border funding goes by SWIFT.

    Imitates ``it_worker_payroll`` and ``rapid_movement`` (money in, out again within a day)."""
    funding = world.payroll_funding
    agency, client = funding["agency"], funding["client"]
    paid = np.bincount(employer, weights=usd, minlength=len(world.accounts.ids))
    total = paid[agency]
    n = len(agency)
    amount = funding["share"] * (total * AGENCY_FEE + AGENCY_MINIMUM_USD)
    abroad = world.accounts.country[client] != world.accounts.country[agency]
    fmt = np.where(abroad, "swift", np.where(rng.random(n) < 0.5, "wire", "ach")).astype(object)
    days = np.full(n, payday - 1, dtype=np.int64)
    return {
        "seconds": calendar.timestamps(
            rng, days, "business", _offsets(world.accounts.country[client])
        ),
        "src": client,
        "dst": agency,
        "usd": amount,
        "currency": world.accounts.currency[client].copy(),
        "payment_format": fmt,
        "purpose": np.full(n, "payroll funding", dtype=object),
    }


AGENCY_MINIMUM_USD = 500.0
"""An agency's monthly service fee, billed even in a month with nobody on its payroll."""
REMIT_HOURS = (2.0, 120.0)
"""A migrant worker sends money home this long after payday (log-uniform)."""


def _remittances(
    rng: np.random.Generator, world: World, paid: np.ndarray, seconds: np.ndarray, usd: np.ndarray
) -> Columns:
    """Migrant workers sending most of their pay home within days of payday.

    Imitates ``it_worker_payroll`` (salary forwarded abroad within 72 hours)."""
    staff = world.employees
    mine = staff["remit_share"][paid] > 0
    who = paid[mine]
    n = len(who)
    src = staff["person_account"][who]
    low, high = np.log(REMIT_HOURS)
    later = seconds[mine] + (np.exp(rng.uniform(low, high, n)) * 3600).astype(np.int64)
    formats = np.asarray(_KIND["remittance"].formats, dtype=object)
    return {
        "seconds": later,
        "src": src,
        "dst": staff["remit_to"][who],
        "usd": usd[mine] * staff["remit_share"][who],
        "currency": world.accounts.currency[src].copy(),
        "payment_format": formats[rng.integers(0, len(formats), n)],
        "purpose": np.full(n, "remittance", dtype=object),
    }


def salary_count(world: World) -> int:
    """How many payday payments the period holds (salaries, payroll funding and migrants'
    remittances), so that background volume can be sized around them."""
    staff = world.employees
    starts = np.sort(staff["start"])
    remitting = np.sort(staff["start"][staff["remit_share"] > 0])
    paydays = calendar.paydays(world.params.start, world.params.days)
    funding = len(world.payroll_funding["agency"])
    return int(
        sum(
            np.searchsorted(starts, day, side="right")
            + np.searchsorted(remitting, day, side="right")
            + funding
            for day in paydays
        )
    )


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


NATIVE = {"ethereum": "ETH", "bitcoin": "BTC", "tron": "USDT"}
"""The asset a chain's transfers move by default (TRON traffic is mostly USDT)."""

MIXER_DENOMINATIONS = {"ETH": (1.0, 10.0, 100.0), "BTC": (0.1, 1.0, 10.0)}
"""Fixed pool sizes of the mixers, in units of each chain's coin (Tornado Cash style)."""
MIXER_MAX_DEPOSITS = 30
MIXER_DEPOSIT_GAP_HOURS = (0.1, 3.0)
MIXER_WAIT_HOURS = (12.0, 120.0)
"""A mixer user waits this long after the last deposit before each withdrawal."""
BRIDGE_FEE = 0.995
BRIDGE_WAIT_HOURS = (0.1, 1.0)
"""The second leg of a bridge is paid this long after the first, at ``BRIDGE_FEE`` of its value."""
SWEEP_HOURS = (2.0, 1.0, 0.05, 72.0)
"""Delay before an exchange sweeps a deposit to its hot wallet: lognormal median and sigma,
clipped to a floor and a ceiling, in hours."""
RELAY_HOURS = (0.01, 200.0)
"""How long a fresh wallet holds funds before paying them on (log-uniform, hours)."""
SPENDING_STEPS = 10
CHANGE_SLICE = (0.02, 0.6)
"""A spending wallet pays out in up to this many steps, each a slice of what is left."""
FRESH_WHALE_SHARE = 0.5
"""Share of flows through fresh wallets that move whale-sized sums (funds, traders, OTC)."""

ROWS_PER_ENTRY = 1.12
"""Rows written per entry of ``days``: ``run`` sizes the background by dividing by this."""

FLOW_KINDS = (
    ("withdrawal", 0.08, 1.0),
    ("deposit", 0.13, 2.0),
    ("p2p", 0.08, 1.0),
    ("swap", 0.12, 2.0),
    ("otc", 0.03, 1.0),
    ("spending", 0.42, 14.6),
    ("mixer", 0.08, 16.7),
    ("bridge", 0.06, 3.5),
)
"""Legitimate chain flows: (kind, share of rows, rows per flow on average). Deposits come with
their sweep; spending, mixer and bridge flows pass through fresh wallets as launderers' do."""


def mixer_deposits(units: np.ndarray, asset: str) -> tuple[np.ndarray, np.ndarray]:
    """Pool and number of deposits (1 to ``MIXER_MAX_DEPOSITS``) for each amount of ``asset``:
    the largest pool at most a third of the amount (else the least)."""
    pools = np.asarray(MIXER_DENOMINATIONS[asset])
    pick = np.searchsorted(pools, np.maximum(units / 3, pools[0]), side="right") - 1
    denomination = pools[pick]
    count = np.clip(units // denomination, 1, MIXER_MAX_DEPOSITS).astype(np.int64)
    return denomination, count


def sweep_delays(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds between a deposit and its sweep to the exchange's hot wallet."""
    median, sigma, low, high = SWEEP_HOURS
    hours = np.clip(np.exp(rng.normal(np.log(median), sigma, n)), low, high)
    return (hours * 3600).astype(np.int64)


def _hours(rng: np.random.Generator, bounds: tuple[float, float], n: int) -> np.ndarray:
    """Uniform delays within ``bounds`` hours, in seconds."""
    return (rng.uniform(*bounds, n) * 3600).astype(np.int64)


def _relay_delays(rng: np.random.Generator, n: int) -> np.ndarray:
    """Log-uniform holding times within ``RELAY_HOURS``, in seconds."""
    low, high = np.log(RELAY_HOURS)
    return (np.exp(rng.uniform(low, high, n)) * 3600).astype(np.int64)


def _part(
    rng: np.random.Generator,
    seconds: np.ndarray,
    frm: np.ndarray,
    to: np.ndarray,
    usd: np.ndarray,
    asset: np.ndarray | str,
    chain: str,
) -> Columns:
    """Transfers on one ``chain`` as columns, each with a hash of its own."""
    n = len(seconds)
    chains = np.full(n, chain, dtype=object)
    return {
        "seconds": np.asarray(seconds, dtype=np.int64),
        "from_address": np.asarray(frm, dtype=object),
        "to_address": np.asarray(to, dtype=object),
        "asset": np.broadcast_to(np.asarray(asset, dtype=object), (n,)).copy(),
        "chain": chains,
        "usd": np.asarray(usd, dtype=np.float64),
        "log_index": np.zeros(n, dtype=np.int32),
        "transaction_hash": tx_hashes(rng, chains),
    }


Asset = np.ndarray | str
"""One asset for all transfers of a part, or one per transfer."""


@dataclass
class ChainDraw:
    """Draws shared by the flows of one chain in one chunk."""

    rng: np.random.Generator
    world: World
    chain: str

    def pick(self, kind: str, n: int) -> np.ndarray:
        """Wallet indices of ``kind`` on this chain, by activity weight."""
        return self.world.wallet_pops[f"{self.chain}:{kind}"].draw(self.rng, n)

    def address(self, index: np.ndarray) -> np.ndarray:
        """The addresses of wallet indices."""
        return self.world.wallets["address"][index]

    def fresh(self, n: int) -> np.ndarray:
        """New addresses, used by one flow only (as most real addresses are)."""
        return chain_addresses(self.rng, self.chain, n)

    def usd_of(self, wallets: np.ndarray) -> np.ndarray:
        """Amounts around each wallet's own typical transfer."""
        return self.world.chain.usd[wallets] * np.exp(self.rng.normal(0.0, 0.6, len(wallets)))

    def asset(self, n: int) -> np.ndarray:
        """The chain's coin, or USDT for about a third of Ethereum transfers."""
        out = np.full(n, NATIVE[self.chain], dtype=object)
        if self.chain == "ethereum":
            out[self.rng.random(n) < 0.3] = "USDT"
        return out

    def part(
        self, seconds: np.ndarray, frm: np.ndarray, to: np.ndarray, usd: np.ndarray, asset: Asset
    ) -> Columns:
        """Transfers on this chain."""
        return _part(self.rng, seconds, frm, to, usd, asset, self.chain)

    def swept(
        self, seconds: np.ndarray, deposits: np.ndarray, usd: np.ndarray, asset: Asset
    ) -> Columns:
        """Each deposit address emptied into its exchange's hot wallet after a while."""
        hot = self.world.chain.hot[deposits]
        later = seconds + sweep_delays(self.rng, len(seconds))
        return self.part(later, self.address(deposits), self.address(hot), usd, asset)

    def funded(
        self, seconds: np.ndarray, usd: np.ndarray, asset: Asset
    ) -> tuple[np.ndarray, Columns, np.ndarray]:
        """Fresh wallets funded at ``seconds`` by an exchange withdrawal or from a user's wallet;
        returns them, the funding transfers and when each wallet moves the funds on."""
        n = len(seconds)
        fresh = self.fresh(n)
        source = np.where(
            self.rng.random(n) < 0.7, self.pick("exchange_hot", n), self.pick("user", n)
        )
        funding = self.part(seconds, self.address(source), fresh, usd * 1.002, asset)
        return fresh, funding, seconds + _relay_delays(self.rng, n) // 4

    def onward(
        self, seconds: np.ndarray, frm: np.ndarray, usd: np.ndarray, asset: Asset
    ) -> list[Columns]:
        """Fresh wallets pay on after a while (see ``pay_out``)."""
        return self.pay_out(seconds + _relay_delays(self.rng, len(seconds)), frm, usd, asset)

    def pay_out(
        self, later: np.ndarray, frm: np.ndarray, usd: np.ndarray, asset: Asset
    ) -> list[Columns]:
        """Payments to an exchange deposit address (then swept) or to a user's wallet."""
        n = len(later)
        users = self.pick("user", n)
        to_exchange = self.rng.random(n) < 0.65
        deposits = self.pick("exchange_deposit", n)
        target = np.where(to_exchange, deposits, users)
        out = [self.part(later, frm, self.address(target), usd, asset)]
        asset = np.broadcast_to(np.asarray(asset, dtype=object), (n,))
        sub = np.flatnonzero(to_exchange)
        out.append(self.swept(later[sub], deposits[sub], usd[sub], asset[sub]))
        return out


def _withdrawals(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """Exchange hot wallets paying users out."""
    users = d.pick("user", len(seconds))
    hot = d.pick("exchange_hot", len(seconds))
    return [d.part(seconds, d.address(hot), d.address(users), d.usd_of(users), d.asset(len(users)))]


def _deposits(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """Users paying into their own deposit address at an exchange, swept later."""
    users = d.pick("user", len(seconds))
    deposits = d.world.chain.deposit[users]
    usd, asset = d.usd_of(users), d.asset(len(users))
    paid = d.part(seconds, d.address(users), d.address(deposits), usd, asset)
    return [paid, d.swept(seconds, deposits, usd, asset)]


def _p2p(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """Users paying one another."""
    n = len(seconds)
    frm, to = d.pick("user", n), d.pick("user", n)
    same = frm == to
    to[same] = d.pick("user", int(same.sum()))
    return [d.part(seconds, d.address(frm), d.address(to), d.usd_of(frm), d.asset(n))]


def _swaps(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """A DeFi swap: two legs under one hash, the router's return leg next in the log."""
    n = len(seconds)
    users, router = d.address(d.pick("user", n)), d.address(d.pick("defi_router", n))
    asset = np.where(d.rng.random(n) < 0.5, "ETH", "USDT").astype(object)
    usd = d.usd_of(d.pick("user", n))
    paid = d.part(seconds, users, router, usd, asset)
    back = dict(paid)
    back["from_address"], back["to_address"] = router, users
    back["asset"] = np.where(asset == "ETH", "USDT", "ETH").astype(object)
    back["usd"] = usd * d.rng.uniform(0.993, 0.998, n)
    back["log_index"] = np.ones(n, dtype=np.int32)
    return [paid, back]


def _otc(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """OTC desks settling with their clients, both ways."""
    n = len(seconds)
    users, desks = d.pick("user", n), d.pick("otc", n)
    buys = d.rng.random(n) < 0.6
    frm = d.address(np.where(buys, desks, users))
    to = d.address(np.where(buys, users, desks))
    return [d.part(seconds, frm, to, d.usd_of(users), d.asset(n))]


def _spending(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """A fresh wallet spends in steps, as Bitcoin wallets do: each step pays part to a user or an
    exchange deposit address and sends the change to a new address; the last pays the rest."""
    n = len(seconds)
    usd, asset = user_usd(d.rng, n, FRESH_WHALE_SHARE), d.asset(n)
    wallet, funding, when = d.funded(seconds, usd, asset)
    out = [funding]
    steps = d.rng.integers(1, SPENDING_STEPS + 1, n)
    left, alive = usd, np.arange(n)
    for step in range(1, SPENDING_STEPS + 1):
        last = steps[alive] == step
        pay = np.where(last, left, left * d.rng.uniform(*CHANGE_SLICE, len(alive)))
        out += d.pay_out(when, wallet, pay, asset[alive])
        go = ~last
        change = d.fresh(int(go.sum()))
        out.append(d.part(when[go] + 30, wallet[go], change, (left - pay)[go], asset[alive][go]))
        wallet, left, alive = change, (left - pay)[go], alive[go]
        when = when[go] + _relay_delays(d.rng, len(alive))
    return out


def _mixing(d: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """Deposits into a mixer in its fixed pools; as many withdrawals to a fresh wallet later."""
    n, coin = len(seconds), NATIVE[d.chain]
    price = USD_PER_UNIT[coin]
    denomination, count = mixer_deposits(user_usd(d.rng, n, FRESH_WHALE_SHARE) / price, coin)
    usd = denomination * count * price
    fresh_depositor = d.rng.random(n) < 0.6
    fresh, funding, ready = d.funded(seconds, usd, coin)
    users = d.address(d.pick("user", n))
    depositor = np.where(fresh_depositor, fresh, users)
    seconds = np.where(fresh_depositor, ready, seconds)
    owner = np.repeat(np.arange(n), count)
    first = np.r_[0, np.cumsum(count)[:-1]]
    gaps = _hours(d.rng, MIXER_DEPOSIT_GAP_HOURS, len(owner))
    cumulative = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first] - gaps[first], count)
    deposited = seconds[owner] + cumulative
    last = np.maximum.reduceat(deposited, first)
    mixer = d.address(d.pick("mixer", 1))[0]
    pool_usd = (denomination * price)[owner]
    receiver = d.fresh(n)
    withdrawn = last[owner] + _hours(d.rng, MIXER_WAIT_HOURS, len(owner))
    out = [
        d.part(deposited, depositor[owner], np.full(len(owner), mixer), pool_usd, coin),
        d.part(withdrawn, np.full(len(owner), mixer), receiver[owner], pool_usd, coin),
        {k: v[fresh_depositor] for k, v in funding.items()},
    ]
    done = np.maximum.reduceat(withdrawn, first)
    moves_on = np.flatnonzero(d.rng.random(n) < 0.7)
    out += d.onward(done[moves_on], receiver[moves_on], usd[moves_on], coin)
    return out


def _bridging(rng: np.random.Generator, world: World, seconds: np.ndarray) -> list[Columns]:
    """Coins sent into a bridge on one chain, paid out on the other within the hour."""
    n = len(seconds)
    to_bitcoin = rng.random(n) < 0.6
    out: list[Columns] = []
    for source, target, mask in (
        ("ethereum", "bitcoin", to_bitcoin),
        ("bitcoin", "ethereum", ~to_bitcoin),
    ):
        if mask.any():
            src, dst = ChainDraw(rng, world, source), ChainDraw(rng, world, target)
            out += _bridge_legs(src, dst, seconds[mask])
    return out


def _bridge_legs(src: ChainDraw, dst: ChainDraw, seconds: np.ndarray) -> list[Columns]:
    """Both legs of bridging from ``src`` to ``dst``; senders and receivers fresh or users."""
    n = len(seconds)
    usd = user_usd(src.rng, n, FRESH_WHALE_SHARE)
    fresh, funding, ready = src.funded(seconds, usd, NATIVE[src.chain])
    fresh_sender = src.rng.random(n) < 0.5
    sender = np.where(fresh_sender, fresh, src.address(src.pick("user", n)))
    seconds = np.where(fresh_sender, ready, seconds)
    bridge_in = src.address(src.pick("bridge", n))
    paid = src.part(seconds, sender, bridge_in, usd, NATIVE[src.chain])
    fresh_receiver = dst.rng.random(n) < 0.6
    receiver = np.where(fresh_receiver, dst.fresh(n), dst.address(dst.pick("user", n)))
    arrived = seconds + _hours(dst.rng, BRIDGE_WAIT_HOURS, n)
    bridge_out = dst.address(dst.pick("bridge", n))
    out = [
        {k: v[fresh_sender] for k, v in funding.items()},
        paid,
        dst.part(arrived, bridge_out, receiver, usd * BRIDGE_FEE, NATIVE[dst.chain]),
    ]
    on = np.flatnonzero(fresh_receiver)
    out += dst.onward(arrived[on], receiver[on], usd[on] * BRIDGE_FEE, NATIVE[dst.chain])
    return out


FLOWS: dict[str, Callable[[ChainDraw, np.ndarray], list[Columns]]] = {
    "withdrawal": _withdrawals,
    "deposit": _deposits,
    "p2p": _p2p,
    "swap": _swaps,
    "otc": _otc,
    "spending": _spending,
    "mixer": _mixing,
}
CHAINS_OF = {"swap": ("ethereum",), "mixer": ("ethereum", "bitcoin")}
"""Flows that only some chains carry (DeFi swaps on Ethereum; mixers on Ethereum and Bitcoin)."""


def _flow_starts(rng: np.random.Generator, days: np.ndarray) -> dict[str, np.ndarray]:
    """Start times of the flows of each kind, so that they write about ``ROWS_PER_ENTRY`` rows
    per entry of ``days`` in all (days drawn from ``days``, so daily volumes keep their shape)."""
    shares = np.array([share for _, share, _ in FLOW_KINDS])
    rows = rng.multinomial(round(len(days) * ROWS_PER_ENTRY), shares / shares.sum())
    starts = {}
    for (kind, _, legs), count in zip(FLOW_KINDS, rows, strict=True):
        flows = round(count / legs)
        picked = days[rng.integers(0, len(days), flows)] if len(days) else days[:0]
        starts[kind] = calendar.timestamps(rng, picked, "always", np.zeros(flows, dtype=np.int64))
    return starts


def _chain_flows(
    rng: np.random.Generator, world: World, kind: str, seconds: np.ndarray
) -> list[Columns]:
    """Flows of one kind spread over the chains that carry it."""
    if kind == "bridge":
        return _bridging(rng, world, seconds)
    chains = CHAINS_OF.get(kind, CHAINS)
    weights = np.array([CHAIN_SHARES[CHAINS.index(c)] for c in chains])
    which = rng.choice(len(chains), len(seconds), p=weights / weights.sum())
    out: list[Columns] = []
    for index, chain in enumerate(chains):
        mine = seconds[which == index]
        if len(mine):
            out += FLOWS[kind](ChainDraw(rng, world, chain), mine)
    return out


def _owed(rng: np.random.Generator, world: World) -> list[Columns]:
    """Sweeps that exchanges owe the planted deposit addresses (see ``ChainBook.due``)."""
    due = world.chain.take_due()
    out = []
    for chain in CHAINS:
        rows = [r for r in due if r["chain"] == chain]
        if rows:
            column = {k: np.array([r[k] for r in rows]) for k in rows[0]}
            out.append(
                _part(
                    rng,
                    column["seconds"],
                    column["from_address"],
                    column["to_address"],
                    column["usd"],
                    column["asset"],
                    chain,
                )
            )
    return out


def chain_transfers(rng: np.random.Generator, world: World, days: np.ndarray) -> Columns:
    """About ``ROWS_PER_ENTRY`` legitimate chain transfers per entry of ``days``, as flows.

    Later legs of a flow (sweeps, mixer withdrawals, payments on) may fall after ``days``: the
    writer carries them to their time. The first call also carries the sweeps of planted deposits.
    """
    nothing = np.zeros(0)
    parts = [_part(rng, nothing, nothing, nothing, nothing, "ETH", "ethereum"), *_owed(rng, world)]
    for kind, seconds in _flow_starts(rng, days).items():
        parts += _chain_flows(rng, world, kind, seconds)
    merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
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


TRAVEL_COUNTRIES = ("TH", "VN", "AE", "CN", "RU", "SG", "HK", "KR", "GB", "DE", "US")
"""Where travelling remote staff log in from (digital nomads, family visits, business trips)."""
REMOTE_TOOLS = ("vpn", "rdp", "anydesk", "teamviewer", "chrome-remote-desktop")
"""Remote-access tools ordinary staff use too (IT support, reaching an office desktop)."""
PLAIN_TOOLS = (None, None, None, None, "vpn", "rdp")
"""The tool of an ordinary log-in (drawn uniformly): mostly none, now and then a VPN or a remote
desktop to the office."""
CONSUMER_VPN_USE = 0.8
"""Share of a commercial-VPN user's log-ins made through the VPN (the rest from home)."""
SESSION_HOURS = (7.5, 1.8, 0.2, 14.0)
"""An ordinary session's length in hours: normal (mean, standard deviation), clipped to bounds."""
LONG_SESSION_HOURS = (12.0, 48.0)
"""A session left open: its length in hours, uniform within these bounds."""


def session_hours(rng: np.random.Generator, long_share: np.ndarray) -> np.ndarray:
    """One session length per log-in: a working day, or with chance ``long_share`` (per log-in)
    half a day to two days (left open)."""
    n = len(long_share)
    mean, sd, low, high = SESSION_HOURS
    hours = np.clip(rng.normal(mean, sd, n), low, high)
    long = rng.random(n) < long_share
    hours[long] = rng.uniform(*LONG_SESSION_HOURS, int(long.sum()))
    return np.round(hours, 2)


def plain_tools(rng: np.random.Generator, n: int) -> np.ndarray:
    """The tools of ``n`` ordinary log-ins (:data:`PLAIN_TOOLS`)."""
    return np.asarray(PLAIN_TOOLS, dtype=object)[rng.integers(0, len(PLAIN_TOOLS), n)]


def login_counts(rng: np.random.Generator, per: int, n: int) -> np.ndarray:
    """How many log-ins each of ``n`` employees makes in the records: uniform from half to one
    and a half times ``per`` (some work more days than others)."""
    return rng.integers(max(1, per // 2), per + per // 2 + 1, n)


def login_seconds(
    rng: np.random.Generator, world: World, hired: np.ndarray, country: np.ndarray
) -> np.ndarray:
    """One moment per log-in: a working day from the day hired (or the period's start) to the
    period's end, at business hours in ``country``."""
    hired = np.maximum(hired, world.first_day)
    days = hired + (rng.random(len(hired)) * (world.last_day + 1 - hired)).astype(np.int64)
    workday = calendar.weekday_of(days) < 5
    days = np.where(workday | (days - 2 < hired), days, days - 2)
    return calendar.timestamps(rng, days, "business", _offsets(country))


def logins(world: World) -> Columns:
    """Login events of remote employees: home IP mostly, now and then travelling or a VPN.

    Travellers log in from abroad most of the time, often through a remote-desktop tool; staff on
    their employer's VPN share its one exit IP; co-working members log in from the space's one
    IP on some days; commercial-VPN users share a provider's exit IP with strangers, sometimes
    abroad (all imitating IT workers abroad and laptop farms); some employees leave sessions
    open overnight as a habit."""
    rng = rng_for(world.params.seed, "logins")
    staff = world.employees
    remote = np.flatnonzero(staff["remote"])
    who = np.repeat(remote, login_counts(rng, world.params.logins_per_employee, len(remote)))
    n = len(who)
    country = world.accounts.country[staff["person_account"][who]]
    seconds = login_seconds(rng, world, staff["start"][who], country)
    party = staff["party"][who]
    ip = world.parties["ip"][party].copy()
    ip_country = country.copy()
    travels = staff["travels"][who]
    away = np.where(travels, rng.random(n) < 0.6, rng.random(n) < 0.05)
    trip = np.asarray(TRAVEL_COUNTRIES, dtype=object)[rng.integers(0, len(TRAVEL_COUNTRIES), n)]
    ip_country[away & travels] = trip[away & travels]
    ip[away] = ips(rng, ip_country[away])
    vpn_ip = staff["vpn_ip"][who]
    office = (vpn_ip != None) & ~away & (rng.random(n) < 0.8)  # noqa: E711
    ip[office] = vpn_ip[office]
    ip_country[office] = world.accounts.country[staff["employer_account"][who[office]]]
    cowork_ip = staff["cowork_ip"][who]
    desk = (cowork_ip != None) & ~away & (rng.random(n) < staff["cowork_share"][who])  # noqa: E711
    ip[desk] = cowork_ip[desk]
    consumer_ip = staff["consumer_vpn_ip"][who]
    tunnel = (consumer_ip != None) & ~office & (rng.random(n) < CONSUMER_VPN_USE)  # noqa: E711
    ip[tunnel] = consumer_ip[tunnel]
    ip_country[tunnel] = staff["consumer_vpn_country"][who[tunnel]]
    tools = plain_tools(rng, n)
    remote_tool = (travels | (rng.random(n) < 0.05)) & (rng.random(n) < 0.5)
    tools[remote_tool] = np.asarray(REMOTE_TOOLS, dtype=object)[
        rng.integers(0, len(REMOTE_TOOLS), int(remote_tool.sum()))
    ]
    tools[office | tunnel] = "vpn"
    return {
        "employee_id": staff["employee_id"][who],
        "seconds": seconds,
        "ip": ip,
        "ip_country": ip_country,
        "device_id": world.parties["device_id"][party],
        "session_hours": session_hours(rng, staff["long_share"][who]),
        "remote_tool": tools,
    }


SALARY = PaymentKind("salary", 0.0, "batch", False, ("ach",))
"""Salaries as ``salaries`` pays them (not drawn by share: they come on paydays)."""

LOOK_PURPOSES = {
    "retail": "card purchase",
    "p2p": "transfer",
    "bill": "utility bill",
    "remittance": "remittance",
    "cash": "cash deposit",
    "salary": "salary",
}
"""The fixed purpose of each kind whose drawer writes one (supplier, trade and exchange payments
name goods or a direction instead)."""


def payment_kind(name: str) -> PaymentKind:
    """The legitimate payment kind called ``name`` (``salary`` included)."""
    for kind in (*PAYMENT_KINDS, SALARY):
        if kind.name == name:
            return kind
    raise KeyError(name)


def payment_look(
    rng: np.random.Generator, world: World, name: str, goods: str, deposit: bool = True
) -> tuple[str, str, str | None]:
    """Channel, purpose and currency (None: the payer's) of one payment of legitimate kind
    ``name``, drawn as ``bank_payments`` draws them, so that a planted payment of that kind looks
    like the background's. ``goods`` fills invoice and trade purposes; ``deposit`` says which way an
    exchange payment goes."""
    kind = payment_kind(name)
    channel = str(kind.formats[int(rng.integers(0, len(kind.formats)))])
    currency = None
    if name == "supplier":
        purpose = f"{_invoice(rng, 1)[0]}: {goods}"
    elif name == "trade":
        purpose = f"trade payment: {goods}"
        allowed = [c for c in ("USD", "USD", "USD", "EUR", "CNY") if c in world.params.currencies]
        currency = allowed[int(rng.integers(0, len(allowed)))]
    elif name == "exchange":
        purpose = "exchange deposit" if deposit else "exchange withdrawal"
    else:
        purpose = LOOK_PURPOSES[name]
    return channel, purpose, currency


EVERYDAY_KINDS = ("retail", "p2p", "bill", "remittance", "exchange")
"""What a person pays from a current account day to day, in the background's proportions."""


def everyday_payments(rng: np.random.Generator, world: World, n: int, country: str) -> Columns:
    """``n`` ordinary payments a person living in ``country`` makes (card, transfers, bills,
    remittances, exchange), with receivers, amounts, channels and purposes drawn as the
    background draws them for the people of that country; the payer is left to the caller (an
    account opened during the period, say)."""
    shares = np.array([payment_kind(k).share for k in EVERYDAY_KINDS])
    which = rng.choice(len(EVERYDAY_KINDS), size=n, p=shares / shares.sum())
    out: Columns = {
        "kind": np.empty(n, dtype=object),
        "dst": np.zeros(n, dtype=np.int64),
        "usd": np.zeros(n),
        "purpose": np.empty(n, dtype=object),
        "payment_format": np.empty(n, dtype=object),
    }
    for index, name in enumerate(EVERYDAY_KINDS):
        mask = np.flatnonzero(which == index)
        if not len(mask):
            continue
        src, dst, usd, purpose = _local_draws(rng, world, name, len(mask), country)
        if name == "exchange":  # the person's side of the pair: keep deposits only
            dst = np.where(purpose == "exchange deposit", dst, src)
            purpose = np.full(len(mask), "exchange deposit", dtype=object)
        formats = payment_kind(name).formats
        out["kind"][mask] = name
        out["dst"][mask], out["usd"][mask], out["purpose"][mask] = dst, usd, purpose
        out["payment_format"][mask] = np.asarray(formats, dtype=object)[
            rng.integers(0, len(formats), len(mask))
        ]
    return out


def _local_draws(rng: np.random.Generator, world: World, name: str, n: int, country: str) -> Draw:
    """``n`` draws of kind ``name`` whose payer lives in ``country`` (drawn, then kept), so that
    receivers are as near as the background's are to people of that country."""
    kept: list[Draw] = []
    found = 0
    for _ in range(40):
        src, dst, usd, purpose = _DRAWERS[name](rng, world, 8 * n)
        payer = np.where(purpose == "exchange withdrawal", dst, src) if name == "exchange" else src
        local = world.accounts.country[payer] == country
        kept.append((src[local], dst[local], usd[local], purpose[local]))
        found += int(local.sum())
        if found >= n:
            break
    if found < n:  # a country without people of its own: anyone's payments will do
        kept.append(_DRAWERS[name](rng, world, n))
    return tuple(np.concatenate([part[i] for part in kept])[:n] for i in range(4))  # type: ignore[return-value]
