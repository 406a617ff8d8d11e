"""The legitimate cast of a world: people, companies, services, their accounts, jobs and wallets.

Built once per world, vectorised with numpy: columns of arrays, never Python objects per row.
Activity (transactions, transfers, logins) is drawn from it chunk by chunk in ``background``.
Heavy tails come from here: how active a person is, how popular a shop is and how big an employer
is are all drawn from Pareto or Zipf laws. So do the legitimate look-alikes of ``LOOKALIKES``:
registered agents' addresses, corporate groups with offshore holdings, payroll agencies, migrant
workers, charities, marketplaces, cash-heavy shops, travelling staff; and new customers whose
accounts open during the period.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from sever.simulate import names
from sever.simulate.appointments import appointments
from sever.simulate.calendar import day_number
from sever.simulate.identifiers import chain_addresses, hex_ids, rng_for
from sever.simulate.params import SimulationParams

COUNTRIES = ("US", "KR", "CN", "HK", "RU", "AE", "SG", "TH", "VN", "GB", "DE")
PERSON_SHARES = np.array([0.33, 0.15, 0.15, 0.03, 0.07, 0.04, 0.04, 0.05, 0.05, 0.05, 0.04])
CULTURE_MIX = {
    "US": {"english": 0.72, "korean": 0.1, "chinese": 0.09, "vietnamese": 0.05, "arabic": 0.04},
    "KR": {"korean": 0.97, "chinese": 0.03},
    "CN": {"chinese": 0.96, "korean": 0.04},
    "HK": {"chinese": 0.9, "english": 0.1},
    "RU": {"russian": 0.9, "korean": 0.07, "chinese": 0.03},
    "AE": {"arabic": 0.55, "english": 0.15, "russian": 0.1, "chinese": 0.1, "thai": 0.1},
    "SG": {"chinese": 0.75, "english": 0.2, "thai": 0.05},
    "TH": {"thai": 0.95, "chinese": 0.05},
    "VN": {"vietnamese": 0.95, "chinese": 0.05},
    "GB": {"english": 0.85, "arabic": 0.08, "chinese": 0.07},
    "DE": {"english": 0.8, "russian": 0.12, "arabic": 0.08},
}
"""Which naming culture the people of each country are drawn from (Korean diaspora included)."""

CURRENCY_OF = {
    "US": "USD",
    "KR": "KRW",
    "CN": "CNY",
    "HK": "HKD",
    "RU": "RUB",
    "AE": "AED",
    "SG": "SGD",
    "TH": "THB",
    "VN": "VND",
    "GB": "GBP",
    "DE": "EUR",
    "VG": "USD",
    "MH": "USD",
    "SC": "USD",
}
FX_PER_USD = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "CNY": 7.2,
    "HKD": 7.8,
    "RUB": 90.0,
    "AED": 3.67,
    "SGD": 1.35,
    "THB": 36.0,
    "VND": 25_000.0,
    "KRW": 1_350.0,
    "JPY": 150.0,
}
IP_FIRST_OCTET = {
    "US": (23, 64, 98, 173),
    "KR": (1, 14, 121, 211),
    "CN": (36, 58, 113, 223),
    "HK": (43, 103),
    "RU": (5, 31, 95, 178),
    "AE": (5, 94),
    "SG": (8, 103, 118),
    "TH": (27, 49, 171),
    "VN": (14, 113, 171),
    "GB": (2, 51, 81, 86),
    "DE": (46, 77, 84, 91),
    "KP": (175,),
}
EXCHANGES = (
    ("Coinvault", "US"),
    ("Hanbit Digital Exchange", "KR"),
    ("BitStraits", "SG"),
    ("Dragon Gate Exchange", "HK"),
    ("Gulf Crypto Exchange", "AE"),
    ("Liberty Coin", "US"),
)
"""Fictional virtual-asset exchanges: bank accounts for fiat, hot wallets and deposit addresses."""

OFFSHORE = ("VG", "KY", "MH", "SC")
"""Where legitimate groups register holding companies (their accounts sit in Hong Kong or
Singapore, as offshore companies' usually do)."""
OFFSHORE_BANK_COUNTRIES = ("HK", "SG")
HOLDING_SHARE = 0.06
HOLDING_INDUSTRY = "investment"
"""Share of ordinary trading companies that are offshore investment holdings of a group, and
the industry they are registered in."""

CHAINS = ("ethereum", "bitcoin", "tron")
CHAIN_SHARES = np.array([0.6, 0.25, 0.15])
SERVICE_TYPES = ("msb", "exchange", "otc")


@dataclass
class Population:
    """Accounts (or wallets) of one kind, with a heavy-tailed activity weight each."""

    members: np.ndarray
    cdf: np.ndarray
    countries: np.ndarray
    _local: dict[str, Population | None] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, members: np.ndarray, weights: np.ndarray, countries: np.ndarray) -> Population:
        cdf = np.cumsum(weights, dtype=np.float64)
        return cls(members, cdf / cdf[-1], countries)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` members, each chosen with probability proportional to its weight."""
        picks = np.searchsorted(self.cdf, rng.random(n), side="right")
        return self.members[np.minimum(picks, len(self.members) - 1)]

    def draw_near(
        self, rng: np.random.Generator, countries: np.ndarray, local: float
    ) -> np.ndarray:
        """Members for acts by people of ``countries``: a ``local`` share from the same country."""
        out = self.draw(rng, len(countries))
        stay = rng.random(len(countries)) < local
        for country in np.unique(countries[stay]):
            sub = self.within(str(country))
            if sub is not None:
                mask = stay & (countries == country)
                out[mask] = sub.draw(rng, int(mask.sum()))
        return out

    def within(self, country: str) -> Population | None:
        """The members in ``country`` (cached), or None when there are none."""
        if country not in self._local:
            same = self.countries == country
            weights = np.diff(self.cdf, prepend=0.0)[same]
            self._local[country] = (
                Population.of(self.members[same], weights, self.countries[same])
                if same.any()
                else None
            )
        return self._local[country]


@dataclass
class Accounts:
    """Columns of every legitimate account; planted schemes reference them by index."""

    ids: np.ndarray
    holder: np.ndarray
    bank: np.ndarray
    country: np.ndarray
    currency: np.ndarray
    opened: np.ndarray
    kind: np.ndarray


@dataclass
class ChainBook:
    """What chain activity needs beyond the wallet tags: sizes, own deposit addresses, sweeps.

    ``usd`` is each wallet's typical transfer; ``deposit`` the own deposit address of each user
    wallet (-1 for others); ``hot`` a hot wallet of the exchange owning each deposit address (-1
    for others); ``hot_of`` the hot wallet addresses of each (chain, exchange); ``due`` the sweeps
    that exchanges owe planted deposit addresses, as transfer rows, handed once to the background
    stream.
    """

    usd: np.ndarray
    deposit: np.ndarray
    hot: np.ndarray
    hot_of: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    due: list[dict[str, object]] = field(default_factory=list)

    @classmethod
    def empty(cls) -> ChainBook:
        """A book for a world without wallets yet."""
        nothing = np.zeros(0, dtype=np.int64)
        return cls(np.zeros(0), nothing, nothing)

    def hot_wallet(self, rng: np.random.Generator, chain: str, exchange: str) -> str:
        """A hot wallet address of ``exchange`` on ``chain`` (where its deposits are swept to)."""
        choices = self.hot_of[(chain, exchange)]
        return str(choices[int(rng.integers(0, len(choices)))])

    def take_due(self) -> list[dict[str, object]]:
        """The sweeps owed so far, emptied: the first chunk of background transfers carries them."""
        due, self.due = self.due, []
        return due


@dataclass
class World:
    """The legitimate cast, plus sampling populations for activity and for planted schemes.

    ``groups`` pairs the accounts of related companies that pay each other: a group company and
    its parent (``child``, ``parent``) and companies that trade with a related company
    (``peer_src``, ``peer_dst``: group subsidiaries in a ring, the companies of one owner in a
    ring, tenants of one shared office);
    ``payroll_funding`` lists which client funds which payroll agency and its share (``agency``,
    ``client``, ``share``); ``lookalikes`` names the accounts of each legitimate look-alike kind
    (see ``LOOKALIKES``).
    """

    params: SimulationParams
    parties: dict[str, np.ndarray]
    accounts: Accounts
    pops: dict[str, Population]
    employees: dict[str, np.ndarray]
    wallets: dict[str, np.ndarray]
    wallet_pops: dict[str, Population] = field(default_factory=dict)
    chain: ChainBook = field(default_factory=ChainBook.empty)
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    payroll_funding: dict[str, np.ndarray] = field(default_factory=dict)
    lookalikes: dict[str, np.ndarray] = field(default_factory=dict)
    _by_type: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def party_ids_of(self, party_type: str) -> np.ndarray:
        """Ids of the legitimate parties of one type (exchanges, OTC desks…), cached."""
        if party_type not in self._by_type:
            mask = self.parties["party_type"] == party_type
            self._by_type[party_type] = self.parties["party_id"][mask]
        return self._by_type[party_type]

    @property
    def first_day(self) -> int:
        return day_number(self.params.start)

    @property
    def last_day(self) -> int:
        return day_number(self.params.start) + self.params.days - 1

    def bank_of(self, country: str) -> str:
        """A bank in ``country``, else the first bank listed (a correspondent)."""
        return _banks_by_country(self.params).get(country, [self.params.banks[0].split(":", 1)[1]])[
            0
        ]

    def banks_in(self, country: str) -> list[str]:
        return _banks_by_country(self.params).get(country, [])


def _banks_by_country(params: SimulationParams) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for entry in params.banks:
        country, name = entry.split(":", 1)
        out.setdefault(country.strip().upper(), []).append(name.strip())
    return out


def currency_for(params: SimulationParams, country: str) -> str:
    """The local currency of ``country`` where the world uses it, else US dollars."""
    local = CURRENCY_OF.get(country, "USD")
    return local if local in params.currencies else "USD"


def ips(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """IPv4 addresses from blocks typical of each country."""
    first = np.array(
        [
            IP_FIRST_OCTET.get(str(c), (100,))[i % len(IP_FIRST_OCTET.get(str(c), (100,)))]
            for i, c in enumerate(countries)
        ]
    )
    rest = rng.integers(1, 255, (len(countries), 3))
    parts = [first.astype(str).astype(object)] + [
        rest[:, i].astype(str).astype(object) for i in range(3)
    ]
    return parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3]


PERSON_ACTIVITY_CAP = 60.0
"""The busiest person is at most this many times as active as the quietest."""


def _pareto_weights(rng: np.random.Generator, n: int, alpha: float, cap: float = 1e4) -> np.ndarray:
    """Activity weights with a power-law tail: a few very active members, many quiet ones."""
    return np.minimum(1.0 + rng.pareto(alpha, n), cap)


def _zipf_weights(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    ranks = rng.permutation(n) + 1
    return 1.0 / ranks.astype(np.float64) ** exponent


def build_world(params: SimulationParams) -> World:
    """Draw the legitimate cast of the world for ``params`` (deterministic for its seed)."""
    rng = rng_for(params.seed, "cast")
    n_persons = max(300, int(params.size / params.tx_per_person))
    n_companies = max(60, int(n_persons * params.company_share))
    parties = _parties(rng, params, n_persons, n_companies)
    accounts = _accounts(rng, params, parties)
    world = World(params, parties, accounts, {}, {}, {})
    world.pops = _populations(rng, parties, accounts)
    world.employees = _employees(rng, params, parties, accounts, world.pops)
    world.wallets, world.wallet_pops = _wallets(rng, params, parties, n_persons)
    world.chain = chain_book(rng, world.wallets)
    world.groups = _group_accounts(parties, accounts)
    world.payroll_funding = _payroll_funding(rng, params, parties, accounts, world.pops)
    world.lookalikes = _lookalikes(world)
    return world


def _primary(accounts: Accounts) -> np.ndarray:
    """Each party's first account (parties are numbered from 0 and all hold one)."""
    return np.unique(accounts.holder, return_index=True)[1]


def _group_accounts(parties: dict[str, np.ndarray], accounts: Accounts) -> dict[str, np.ndarray]:
    """The accounts of group companies and of their parents (dividends, fees and loans), and of
    related companies that invoice each other (``peer_src`` pays ``peer_dst``)."""
    primary = _primary(accounts)
    child = np.flatnonzero(parties["group_parent"] >= 0)
    src, dst = _peer_pairs(parties)
    return {
        "child": primary[child],
        "parent": primary[parties["group_parent"][child]],
        "peer_src": primary[src],
        "peer_dst": primary[dst],
        **_client_relay_accounts(parties, primary),
    }


def _rings(members: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each member pays the next member of the same key, the last the first (a circle)."""
    order = np.lexsort((members, keys))
    members, keys = members[order], keys[order]
    src, dst = [], []
    for key in np.unique(keys):
        ring = members[keys == key]
        if len(ring) >= 2:
            src.append(ring)
            dst.append(np.roll(ring, -1))
    empty = np.zeros(0, dtype=np.int64)
    return np.concatenate(src or [empty]), np.concatenate(dst or [empty])


def _peer_pairs(parties: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Related companies that invoice each other, in circles: the subsidiaries of one parent,
    the companies of one owner (``family``) and some tenants of one shared office
    (``tenant_ring``).

    Imitates ``front_company``: money going round companies tied by officers and addresses."""
    parent, family, ring = parties["group_parent"], parties["family"], parties["tenant_ring"]
    parts = [
        _rings(np.flatnonzero(parent >= 0), parent[parent >= 0]),
        _rings(np.flatnonzero(family >= 0), family[family >= 0]),
        _rings(np.flatnonzero(ring >= 0), ring[ring >= 0]),
    ]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


AGENCY_CLIENTS = (2, 12)
"""Client companies per payroll agency (employer of record), uniform within these bounds."""


def _payroll_funding(
    rng: np.random.Generator,
    params: SimulationParams,
    parties: dict[str, np.ndarray],
    accounts: Accounts,
    pops: dict[str, Population],
) -> dict[str, np.ndarray]:
    """Payroll agencies and employers of record, and the clients that fund their payroll.

    Imitates IT-worker payroll and rapid movement: money arrives from clients, often abroad,
    the day before payday and leaves at once as salaries to many people (a fan-out)."""
    employers = pops["employer"].members
    agencies = employers[parties["industry"][accounts.holder[employers]] == "staffing"]
    clients = rng.integers(AGENCY_CLIENTS[0], AGENCY_CLIENTS[1] + 1, len(agencies))
    agency = np.repeat(agencies, clients)
    client = pops["business"].draw_near(rng, accounts.country[agency], 0.5)
    share = rng.gamma(1.0, 1.0, len(agency))
    totals = np.bincount(np.repeat(np.arange(len(agencies)), clients), weights=share)
    share /= np.repeat(totals, clients)
    keep = (client != agency) & (accounts.opened[client] < day_number(params.start))
    return {"agency": agency[keep], "client": client[keep], "share": share[keep]}


LOOKALIKES = {
    "payroll_agency": "it_worker_payroll",
    "migrant_remitter": "it_worker_payroll",
    "charity": "fan_in",
    "marketplace": "gather_scatter",
    "cash_retailer": "structuring",
    "company_group": "ownership_50pct",
    "family_group": "front_company",
    "shared_office": "front_company",
    "nominee_client": "front_company",
    "travelling_remote_worker": "laptop_farm",
    "corporate_vpn_user": "laptop_farm",
    "shared_household": "laptop_farm",
    "shared_home": "laptop_farm",
    "coworking_member": "laptop_farm",
    "consumer_vpn_user": "laptop_farm",
    "always_on_session": "laptop_farm",
}
"""Legitimate look-alikes: the kind of ordinary account and the typology each one imitates.
Trade with China, Russia and the UAE, legitimate mixer and bridge users and exchange sweeps
imitate schemes too, but are kinds of payment rather than kinds of account."""


def _lookalikes(world: World) -> dict[str, np.ndarray]:
    """The accounts of each look-alike kind of ``LOOKALIKES`` (sorted account indices)."""
    acc, parties, staff = world.accounts, world.parties, world.employees
    holder_of = acc.holder
    group = (parties["group_parent"] >= 0) | np.isin(
        np.arange(len(parties["party_id"])), parties["group_parent"]
    )
    out = {
        "payroll_agency": world.payroll_funding["agency"],
        "migrant_remitter": staff["person_account"][staff["remit_share"] > 0],
        "charity": world.pops["charity"].members,
        "marketplace": world.pops["marketplace"].members,
        "cash_retailer": world.pops["cash_retail"].members
        if "cash_retail" in world.pops
        else np.zeros(0, dtype=np.int64),
        "company_group": np.flatnonzero(group[holder_of]),
        "family_group": np.flatnonzero(parties["family"][holder_of] >= 0),
        "shared_office": np.flatnonzero(parties["office"][holder_of] >= 0),
        "nominee_client": np.flatnonzero(parties["nominee_served"][holder_of]),
        "travelling_remote_worker": staff["person_account"][staff["travels"]],
        "corporate_vpn_user": staff["person_account"][staff["vpn_ip"] != None],  # noqa: E711
        "shared_household": staff["person_account"][parties["household"][staff["party"]] >= 0],
        "shared_home": staff["person_account"][staff["shared_home"] >= 0],
        "coworking_member": staff["person_account"][staff["cowork_ip"] != None],  # noqa: E711
        "consumer_vpn_user": staff["person_account"][staff["consumer_vpn_ip"] != None],  # noqa: E711
        "always_on_session": staff["person_account"][staff["long_share"] > LONG_SESSION_SHARE],
    }
    return {kind: np.unique(np.asarray(found, dtype=np.int64)) for kind, found in out.items()}


def lookalike_table(world: World) -> dict[str, np.ndarray]:
    """One row per look-alike account: ``account_id``, ``lookalike`` (its kind) and ``imitates``
    (the typology). Kept apart from the labels: these accounts are legitimate."""
    kinds = [k for k in LOOKALIKES if len(world.lookalikes.get(k, ()))]
    index = np.concatenate([world.lookalikes[k] for k in kinds] or [np.zeros(0, np.int64)])
    kind = np.concatenate(
        [np.full(len(world.lookalikes[k]), k, dtype=object) for k in kinds]
        or [np.zeros(0, dtype=object)]
    )
    return {
        "account_id": world.accounts.ids[index],
        "lookalike": kind,
        "imitates": np.asarray([LOOKALIKES[k] for k in kind], dtype=object),
    }


def _sample_cultures(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    out = np.zeros(len(countries), dtype=np.int64)
    for country, mix in CULTURE_MIX.items():
        mask = countries == country
        cultures = [names.CULTURES.index(c) for c in mix]
        probs = np.array(list(mix.values()))
        out[mask] = rng.choice(cultures, size=int(mask.sum()), p=probs / probs.sum())
    return out


def _company_kinds(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Party types and industries of ordinary companies (charities and staffing agencies too)."""
    names_ = np.array(["merchant", "company", "employer", "utility", "charity"], dtype=object)
    kinds = rng.choice(names_, size=n, p=[0.38, 0.34, 0.2, 0.05, 0.03])
    kinds[: len(names_)] = names_  # every kind present, however small the world
    industry_names = np.array(list(names.INDUSTRIES), dtype=object)
    trade = industry_names[industry_names != "utilities"]
    industries = trade[rng.integers(0, len(trade), n)]
    industries[kinds == "merchant"] = rng.choice(
        np.array(["retail", "food"], dtype=object), int((kinds == "merchant").sum())
    )
    industries[kinds == "utility"] = "utilities"
    industries[kinds == "charity"] = "charity"
    employer = kinds == "employer"
    industries[employer] = rng.choice(
        np.array(
            ["software", "retail", "logistics", "electronics", "construction", "staffing"],
            dtype=object,
        ),
        int(employer.sum()),
        p=[0.31, 0.18, 0.13, 0.13, 0.13, 0.12],
    )
    return kinds, industries


def _services(params: SimulationParams, n_persons: int) -> list[tuple[str, str, str, str]]:
    """(party_type, country, industry, fixed name or '') of MSBs, exchanges, OTC desks and
    online marketplaces."""
    out = [("exchange", country, "digital asset exchange", name) for name, country in EXCHANGES]
    msb_countries = ("CN", "HK", "US", "AE", "RU", "KR", "SG", "VN", "TH")
    for i in range(max(6, n_persons // 2000)):
        out.append(("msb", msb_countries[i % len(msb_countries)], "remittance", ""))
    for i in range(max(3, n_persons // 20000)):
        out.append(("otc", ("HK", "AE", "SG", "CN")[i % 4], "otc desk", ""))
    for i in range(max(2, n_persons // 25000)):
        out.append(("marketplace", ("US", "CN", "KR", "SG", "GB")[i % 5], "online marketplace", ""))
    return out


def _parties(
    rng: np.random.Generator, params: SimulationParams, n_persons: int, n_companies: int
) -> dict[str, np.ndarray]:
    """Columns of ``parties`` for people, ordinary companies and financial services."""
    person_country = np.array(COUNTRIES, dtype=object)[
        rng.choice(len(COUNTRIES), size=n_persons, p=PERSON_SHARES / PERSON_SHARES.sum())
    ]
    company_country = np.array(COUNTRIES, dtype=object)[
        rng.choice(len(COUNTRIES), size=n_companies, p=PERSON_SHARES / PERSON_SHARES.sum())
    ]
    kinds, industries = _company_kinds(rng, n_companies)
    holding = (kinds == "company") & (rng.random(n_companies) < HOLDING_SHARE)
    company_country[holding] = np.asarray(OFFSHORE, dtype=object)[
        rng.integers(0, len(OFFSHORE), int(holding.sum()))
    ]
    industries[holding] = HOLDING_INDUSTRY
    services = _services(params, n_persons)
    svc_kind = np.array([s[0] for s in services], dtype=object)
    svc_country = np.array([s[1] for s in services], dtype=object)
    svc_industry = np.array([s[2] for s in services], dtype=object)

    country = np.concatenate([person_country, company_country, svc_country])
    n = len(country)
    is_person = np.arange(n) < n_persons
    party_type = np.concatenate([np.full(n_persons, "person", dtype=object), kinds, svc_kind])
    industry = np.concatenate([np.full(n_persons, None, dtype=object), industries, svc_industry])
    name = np.empty(n, dtype=object)
    name[:n_persons] = names.person_names(rng, _sample_cultures(rng, person_country))
    name[n_persons:] = names.company_names(rng, country[n_persons:], industry[n_persons:])
    for offset, (_, _, _, fixed) in enumerate(services):
        if fixed:
            name[n_persons + n_companies + offset] = fixed

    start = day_number(params.start)
    birth = start - rng.integers(19 * 365, 80 * 365, n)
    incorporated = start - (365 * rng.pareto(0.8, n)).astype(np.int64).clip(30, 365 * 60)
    ids = hex_ids("P", params.seed, "party", np.arange(n))
    address = names.addresses(rng, country)
    phone = names.phones(rng, country)
    office, secretary = _offices(rng, params, country, is_person)
    at_office = office >= 0
    office_address, office_phone = _office_contacts(params)
    address[at_office] = office_address[office[at_office]]
    agent_phone = at_office & (rng.random(n) < 0.5)
    phone[agent_phone] = office_phone[office[agent_phone]]
    directors, owners = _governance(rng, ids, country, n_persons, n, secretary)
    parent = _groups(rng, ids, country, party_type, industry, directors, owners)
    _group_offices(params, parent, address, phone)
    family = _families(
        params, ids, country, party_type, parent, office, directors, owners, address, phone
    )
    incorporated = _formed_together(params, family, incorporated)
    nominee_served, client_set = _nominee_services(
        params, ids, country, is_person, office, parent, family, directors, owners, incorporated
    )
    address[nominee_served] = office_address[office[nominee_served]]
    tenant_ring = _tenant_rings(params, office)
    ip = np.where(is_person, ips(rng, country), None)
    device = np.where(is_person, hex_ids("D", params.seed, "device", np.arange(n)), None)
    household = _households(params, country[:n_persons], address, ip, device)
    email = _shared_emails(params, parent, family, names.emails(rng, name))
    _nominee_contacts(params, office, nominee_served, client_set, phone, email)
    appointed = appointments(
        params.seed,
        start,
        directors,
        incorporated,
        is_person,
        parent,
        family,
        client_set,
        nominee_served,
    )
    return {
        "party_id": ids,
        "schema": np.where(is_person, "Person", "Company").astype(object),
        "name": name,
        "birth_date": np.where(is_person, birth, -1),
        "nationality": np.where(is_person, country, None),
        "country": country,
        "address": address,
        "phone": phone,
        "email": email,
        "registration_number": np.where(
            is_person, None, hex_ids("", params.seed, "registration", np.arange(n))
        ),
        "incorporation_date": np.where(is_person, -1, incorporated),
        "directors": directors,
        "appointed": appointed,
        "owners": owners,
        "ip": ip,
        "device_id": device,
        "party_type": party_type,
        "industry": industry,
        "office": office,
        "group_parent": parent,
        "family": family,
        "tenant_ring": tenant_ring,
        "nominee_served": nominee_served,
        "client_set": client_set,
        "household": household,
    }


HOUSEHOLD_SHARE = 0.06
"""Share of people who live with another adult of the sample (partners, flatmates, adult
children): one address and one home IP between them."""
SHARED_DEVICE_SHARE = 0.4
"""Share of those households whose members also use one computer (a family laptop)."""


def _households(
    params: SimulationParams,
    country: np.ndarray,
    address: np.ndarray,
    ip: np.ndarray,
    device: np.ndarray,
) -> np.ndarray:
    """Pair people into two-adult households in place: the second moves to the first's address
    and home IP, and some share the first's device. Returns each person's partner (-1: none).

    Imitates laptop farms: two employees, often at different employers, whose laptops ship to
    one residential address and who log in from one IP, sometimes one device."""
    rng = rng_for(params.seed, "households")
    n = len(country)
    partner = np.full(n, -1, dtype=np.int64)
    chosen = np.flatnonzero(rng.random(n) < HOUSEHOLD_SHARE)
    for code in np.unique(country[chosen]):
        here = rng.permutation(chosen[country[chosen] == code])
        first, second = here[0 : len(here) - 1 : 2], here[1::2]
        partner[first], partner[second] = second, first
        address[second], ip[second] = address[first], ip[first]
        together = rng.random(len(second)) < SHARED_DEVICE_SHARE
        device[second[together]] = device[first[together]]
    return partner


OFFICES = {
    "HK": (3, 0.4),
    "SG": (3, 0.4),
    "AE": (3, 0.35),
    "VG": (2, 0.95),
    "KY": (2, 0.95),
    "MH": (1, 0.95),
    "SC": (1, 0.95),
    "US": (3, 0.05),
    "GB": (2, 0.06),
    "DE": (2, 0.05),
    "KR": (2, 0.04),
}
"""Registered agents (Hong Kong, Singapore, Dubai, offshore) and co-working spaces (elsewhere):
per country, how many such addresses there are and the share of companies registered at one.
At ``large`` each address holds hundreds of companies, as real registered-agent addresses do."""
SECRETARY_SHARE = 0.3
"""Share of companies at a registered agent that name the agent's corporate secretary as a
director (one person, director of dozens to hundreds of companies)."""
AGENT_COUNTRIES = ("HK", "SG", "AE", *OFFSHORE)


def _office_countries() -> np.ndarray:
    return np.asarray([c for c, (count, _) in OFFICES.items() for _ in range(count)], dtype=object)


def _office_contacts(params: SimulationParams) -> tuple[np.ndarray, np.ndarray]:
    """Addresses and phone numbers of the registered agents and co-working spaces."""
    rng = rng_for(params.seed, "registered-agents")
    countries = _office_countries()
    return names.addresses(rng, countries), names.phones(rng, countries)


def _offices(
    rng: np.random.Generator, params: SimulationParams, country: np.ndarray, is_person: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which shared office (index into ``_office_countries``, -1: none) each party is registered
    at, and the corporate secretary (party index, -1: none) it names as a director.

    Imitates the shared addresses, phones and directors of front-company clusters."""
    n = len(country)
    offices = _office_countries()
    office = np.full(n, -1, dtype=np.int64)
    secretary = np.full(n, -1, dtype=np.int64)
    persons = np.flatnonzero(is_person)
    for code, (_count, share) in OFFICES.items():
        here = np.flatnonzero((~is_person) & (country == code) & (rng.random(n) < share))
        mine = np.flatnonzero(offices == code)
        office[here] = mine[rng.integers(0, len(mine), len(here))]
        if code in AGENT_COUNTRIES and len(persons):
            locals_ = persons[country[persons] == code]
            pool = locals_ if len(locals_) else persons[np.isin(country[persons], ("HK", "SG"))]
            pool = pool if len(pool) else persons
            agents_secretary = pool[rng.integers(0, len(pool), len(mine))]
            named = here[rng.random(len(here)) < SECRETARY_SHARE]
            secretary[named] = agents_secretary[np.searchsorted(mine, office[named])]
    return office, secretary


def _governance(
    rng: np.random.Generator,
    ids: np.ndarray,
    country: np.ndarray,
    n_persons: int,
    n: int,
    secretary: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Directors (JSON list of party ids) and owners (JSON list of ``{owner_id, share}``)."""
    directors = np.full(n, None, dtype=object)
    owners = np.full(n, None, dtype=object)
    by_country = {c: np.flatnonzero(country[:n_persons] == c) for c in COUNTRIES}
    for index in range(n_persons, n):
        pool = by_country.get(str(country[index]))
        if pool is None or len(pool) == 0:
            pool = np.arange(n_persons)
        people = ids[pool[rng.integers(0, len(pool), int(rng.integers(1, 4)))]]
        people = list(dict.fromkeys(people.tolist()))
        named = people[:2]
        if secretary[index] >= 0:
            named = list(dict.fromkeys([str(ids[secretary[index]]), *named]))[:2]
        directors[index] = json.dumps(named)
        owners[index] = json.dumps(_holders(people, rng.dirichlet(np.ones(len(people)))))
    return directors, owners


def _holders(owner_ids: list[str], shares: np.ndarray) -> list[dict[str, object]]:
    """``{owner_id, share}`` records with shares rounded to 1 % and summing to one."""
    rounded = np.round(shares, 2)
    rounded[-1] = round(1.0 - rounded[:-1].sum(), 2)
    return [{"owner_id": p, "share": float(s)} for p, s in zip(owner_ids, rounded, strict=True)]


GROUP_SHARE = 0.25
"""Share of ordinary companies that belong to a corporate group."""
GROUP_SIZE = (2, 9)
"""Companies per group, holding company included (geometric within these bounds)."""


def _groups(
    rng: np.random.Generator,
    ids: np.ndarray,
    country: np.ndarray,
    party_type: np.ndarray,
    industry: np.ndarray,
    directors: np.ndarray,
    owners: np.ndarray,
) -> np.ndarray:
    """Corporate groups: a holding company (often offshore) owns subsidiaries, which own their
    own, two or three levels deep and across borders, mostly wholly or by a majority.

    Imitates the ownership chains of OFAC's 50 % rule (``ownership_50pct``). Rewrites the
    members' owners and directors in place; returns each party's parent (party index, -1)."""
    n = len(ids)
    parent = np.full(n, -1, dtype=np.int64)
    ordinary = np.isin(party_type, ("company", "employer", "merchant"))
    holdings = np.flatnonzero(ordinary & (industry == HOLDING_INDUSTRY))
    others = np.flatnonzero(ordinary & (industry != HOLDING_INDUSTRY))
    members = rng.permutation(others[rng.random(len(others)) < GROUP_SHARE]).tolist()
    sizes = np.clip(rng.geometric(0.35, len(holdings) + len(members) + 1) + 1, *GROUP_SIZE)
    heads = holdings.tolist()
    cursor = 0
    for number, size in enumerate(sizes):
        if cursor >= len(members):
            break
        if number < len(heads):
            group = [heads[number]]
        else:
            group = [members[cursor]]
            cursor += 1
        for child in members[cursor : cursor + int(size) - 1]:
            parent[child] = group[int(rng.integers(0, len(group)))]
            group.append(child)
        cursor += int(size) - 1
    for child in np.flatnonzero(parent >= 0):
        up = int(parent[child])
        share = 1.0 if rng.random() < 0.45 else float(rng.uniform(0.51, 0.95))
        minority = [o["owner_id"] for o in json.loads(owners[child])][:1]
        holders = [str(ids[up])] + ([] if share >= 1.0 else minority)
        owners[child] = json.dumps(
            _holders(holders, np.array([share, 1.0 - share][: len(holders)]))
        )
        shared = json.loads(directors[up])[:1]
        directors[child] = json.dumps(
            list(dict.fromkeys(shared + json.loads(directors[child])))[:3]
        )
    return parent


GROUP_ADDRESS_SHARE = 0.5
"""Share of group subsidiaries registered at their parent's address (head office)."""
GROUP_PHONE_SHARE = 0.3
"""Share of group subsidiaries that give their parent's switchboard number."""


def _group_offices(
    params: SimulationParams, parent: np.ndarray, address: np.ndarray, phone: np.ndarray
) -> None:
    """Subsidiaries at their parent's head office: its address and often its phone, in place.

    Imitates the shared contact details of front-company clusters (and groups pay each other:
    the ``intragroup`` payments)."""
    rng = rng_for(params.seed, "group-offices")
    child = np.flatnonzero(parent >= 0)
    at_head = child[rng.random(len(child)) < GROUP_ADDRESS_SHARE]
    address[at_head] = address[parent[at_head]]
    same_phone = child[rng.random(len(child)) < GROUP_PHONE_SHARE]
    phone[same_phone] = phone[parent[same_phone]]


FAMILY_SHARE = 0.06
"""Share of ordinary companies outside corporate groups that belong to an owner-managed family
of companies: one person owns and directs two to four companies (an operating company, a
property company, a trading arm), often at one address, which invoice each other."""
FAMILY_SIZE = (2, 4)
FAMILY_ADDRESS_SHARE = 0.7
"""Share of a family's other companies registered at its first company's address."""
FAMILY_PHONE_SHARE = 0.3
"""Share of a family's other companies that give its first company's phone number."""
FAMILY_LOCAL_SHARE = 0.9
"""Share of a family's companies in the country of the others (an owner-manager's businesses
are mostly local; the share of person-to-person payments that stay in the payer's country)."""
FAMILY_BATCH_SHARE = 0.4
"""Share of families whose companies were formed within weeks of each other (set up together)."""


def _families(
    params: SimulationParams,
    ids: np.ndarray,
    country: np.ndarray,
    party_type: np.ndarray,
    parent: np.ndarray,
    office: np.ndarray,
    directors: np.ndarray,
    owners: np.ndarray,
    address: np.ndarray,
    phone: np.ndarray,
) -> np.ndarray:
    """Owner-managed families of companies, in place: the first company's main owner becomes
    owner (wholly or by a majority) and director of the others, which often share its address and
    phone. A family's companies are in one country, now and then one abroad (as a front
    cluster's members are). Returns each party's family number (-1: none).

    Imitates ``front_company``: companies tied by one person and one address that pay each other;
    groups of companies owned by a person and not through a holding company."""
    rng = rng_for(params.seed, "families")
    n = len(ids)
    family = np.full(n, -1, dtype=np.int64)
    ordinary = np.isin(party_type, ("company", "employer", "merchant"))
    free = np.flatnonzero(ordinary & (parent < 0) & ~np.isin(np.arange(n), parent) & (office < 0))
    chosen = rng.permutation(free[rng.random(len(free)) < FAMILY_SHARE])
    chosen = chosen[np.argsort(country[chosen], kind="stable")]
    abroad = np.flatnonzero(rng.random(len(chosen)) >= FAMILY_LOCAL_SHARE)
    chosen[abroad] = chosen[rng.permutation(abroad)]
    sizes = rng.integers(FAMILY_SIZE[0], FAMILY_SIZE[1] + 1, len(chosen))
    cursor = 0
    for number, size in enumerate(sizes):
        members = chosen[cursor : cursor + int(size)]
        cursor += int(size)
        if len(members) < 2:
            break
        family[members] = number
        head = int(members[0])
        person = json.loads(owners[head])[0]["owner_id"]
        for member in members[1:]:
            share = 1.0 if rng.random() < 0.6 else float(rng.uniform(0.51, 0.9))
            others = [o["owner_id"] for o in json.loads(owners[member]) if o["owner_id"] != person]
            holders = [person] + ([] if share >= 1.0 else others[:1])
            owners[member] = json.dumps(
                _holders(holders, np.array([share, 1.0 - share][: len(holders)]))
            )
            directors[member] = json.dumps(
                list(dict.fromkeys([person, *json.loads(directors[member])]))[:2]
            )
            if rng.random() < FAMILY_ADDRESS_SHARE:
                address[member] = address[head]
            if rng.random() < FAMILY_PHONE_SHARE:
                phone[member] = phone[head]
    return family


def _formed_together(
    params: SimulationParams, family: np.ndarray, incorporated: np.ndarray
) -> np.ndarray:
    """Some families' companies formed within weeks of the first (set up in one go)."""
    rng = rng_for(params.seed, "family-formation")
    out = incorporated.copy()
    for number in np.unique(family[family >= 0]):
        if rng.random() >= FAMILY_BATCH_SHARE:
            continue
        members = np.flatnonzero(family == number)
        out[members] = out[members[0]] - rng.integers(0, 60, len(members))
    return out


GROUP_EMAIL_SHARE = 0.15
"""Share of group subsidiaries that give their parent's e-mail address (a group mailbox)."""
FAMILY_EMAIL_SHARE = 0.25
"""Share of a family's companies that give one mailbox of the family."""


def _shared_emails(
    params: SimulationParams, parent: np.ndarray, family: np.ndarray, email: np.ndarray
) -> np.ndarray:
    """E-mail addresses with group and family mailboxes shared, in place.

    Imitates ``front_company``: companies that give each other's e-mail address."""
    rng = rng_for(params.seed, "shared-mailboxes")
    child = np.flatnonzero(parent >= 0)
    mailbox = child[rng.random(len(child)) < GROUP_EMAIL_SHARE]
    email[mailbox] = email[parent[mailbox]]
    members = np.flatnonzero(family >= 0)
    first = {}
    for index in members:
        first.setdefault(int(family[index]), int(index))
    for index in members[rng.random(len(members)) < FAMILY_EMAIL_SHARE]:
        email[index] = email[first[int(family[index])]]
    return email


TENANT_TRADE_SHARE = 0.15
"""Share of the companies at a shared office (a co-working space, a registered agent) that
invoice other tenants of the same office, in small circles of two to four."""


def _tenant_rings(params: SimulationParams, office: np.ndarray) -> np.ndarray:
    """Which tenants trade with each other: a ring number per company (-1: none).

    Imitates ``front_company``: companies at one address paying each other."""
    rng = rng_for(params.seed, "tenant-trade")
    ring = np.full(len(office), -1, dtype=np.int64)
    number = 0
    for place in np.unique(office[office >= 0]):
        here = np.flatnonzero(office == place)
        trading = rng.permutation(here[rng.random(len(here)) < TENANT_TRADE_SHARE])
        cursor = 0
        while len(trading) - cursor >= 2:
            size = min(int(rng.integers(2, 5)), len(trading) - cursor)
            ring[trading[cursor : cursor + size]] = number
            number += 1
            cursor += size
    return ring


NOMINEE_SERVICE = {
    "HK": 0.35,
    "SG": 0.3,
    "AE": 0.3,
    "VG": 0.6,
    "KY": 0.6,
    "MH": 0.6,
    "SC": 0.6,
    "GB": 0.1,
    "US": 0.06,
}
"""Share of the companies of each country (outside corporate groups and families) whose sole
director is a nominee bought from a registered agent or formation agent, a service sold openly
(special-purpose vehicles, holdings of foreign investors, UK and US formation agents' packages);
such a company is registered at the agent's office. Of those, a share's shares the nominee also
holds on trust."""
NOMINEE_SHAREHOLDER_SHARE = 0.5
NOMINEE_CLIENTS = 5
"""Companies per nominee director of an agent, on average: a few nominees serve dozens of
companies, most serve a handful (weights falling as one over the square root of rank)."""
CLIENT_SET_SHARE = 0.35
"""Share of the nominee-served companies that belong to one client's set of two to five
special-purpose vehicles: one nominee, one address, often formed together, and now and then a
sum passed from one vehicle to the next within days (a capital call or a distribution)."""
CLIENT_SET_BATCH_SHARE = 0.5


def _nominee_services(
    params: SimulationParams,
    ids: np.ndarray,
    country: np.ndarray,
    is_person: np.ndarray,
    office: np.ndarray,
    parent: np.ndarray,
    family: np.ndarray,
    directors: np.ndarray,
    owners: np.ndarray,
    incorporated: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Registered agents' nominee directors, in place: some companies of each country
    (:data:`NOMINEE_SERVICE`) are registered at an agent's office and name one of its nominees as
    their sole director, some also as their nominee shareholder; some belong to one client's set
    of vehicles, formed together. Returns which parties a nominee serves, and each party's client
    set (-1: none).

    Imitates ``front_company``: single-officer companies whose director sits on many boards,
    grouped at one address under one nominee, formed in batches, passing money on within days."""
    rng = rng_for(params.seed, "nominee-services")
    n = len(ids)
    client_set = np.full(n, -1, dtype=np.int64)
    heads = np.zeros(n, dtype=bool)
    heads[parent[parent >= 0]] = True
    share = np.asarray([NOMINEE_SERVICE.get(str(c), 0.0) for c in country])
    free = (parent < 0) & ~heads & (family < 0) & ~is_person
    chosen = np.flatnonzero(free & (rng.random(n) < share))
    offices = _office_countries()
    for code in np.unique(country[chosen]):
        mine = chosen[(country[chosen] == code) & (office[chosen] < 0)]
        places = np.flatnonzero(offices == code)
        office[mine] = places[rng.integers(0, len(places), len(mine))]
    persons = np.flatnonzero(is_person)
    number = 0
    for place in np.unique(office[chosen]):
        here = rng.permutation(chosen[office[chosen] == place])
        pool = persons[country[persons] == offices[place]]
        pool = pool if len(pool) else persons
        nominees = pool[rng.integers(0, len(pool), max(1, len(here) // NOMINEE_CLIENTS))]
        weights = 1.0 / np.sqrt(np.arange(1, len(nominees) + 1))
        who = nominees[rng.choice(len(nominees), len(here), p=weights / weights.sum())]
        sets = here[rng.random(len(here)) < CLIENT_SET_SHARE]
        cursor = 0
        while len(sets) - cursor >= 2:
            size = min(int(rng.integers(2, 6)), len(sets) - cursor)
            members = sets[cursor : cursor + size]
            client_set[members] = number
            who[np.isin(here, members)] = who[np.flatnonzero(np.isin(here, members))[0]]
            if rng.random() < CLIENT_SET_BATCH_SHARE:
                incorporated[members] = incorporated[members[0]] - rng.integers(0, 45, size)
            number += 1
            cursor += size
        for company, nominee in zip(here, who, strict=True):
            directors[company] = json.dumps([str(ids[nominee])])
            if rng.random() < NOMINEE_SHAREHOLDER_SHARE:
                owners[company] = json.dumps([{"owner_id": str(ids[nominee]), "share": 1.0}])
    served = np.zeros(n, dtype=bool)
    served[chosen] = True
    return served, client_set


AGENT_MAILBOX_SHARE = 0.5
"""Share of nominee-served companies that give the agent's mailbox and switchboard as their
e-mail and phone; a client's vehicles all give one mailbox of the client."""


def _nominee_contacts(
    params: SimulationParams,
    office: np.ndarray,
    served: np.ndarray,
    client_set: np.ndarray,
    phone: np.ndarray,
    email: np.ndarray,
) -> None:
    """Contact details of nominee-served companies, in place: the agent's mailbox and phone for
    some, one mailbox per client set.

    Imitates ``front_company``: companies that give each other's phone and e-mail."""
    rng = rng_for(params.seed, "nominee-contacts")
    _, office_phone = _office_contacts(params)
    mailbox = np.asarray(
        [f"secretary{i}@agent{params.seed}.example" for i in range(len(office_phone))],
        dtype=object,
    )
    agent = np.flatnonzero(served & (rng.random(len(served)) < AGENT_MAILBOX_SHARE))
    phone[agent] = office_phone[office[agent]]
    email[agent] = mailbox[office[agent]]
    for number in np.unique(client_set[client_set >= 0]):
        members = np.flatnonzero(client_set == number)
        email[members] = email[members[0]]
        phone[members] = phone[members[0]]


def _client_relay_accounts(
    parties: dict[str, np.ndarray], primary: np.ndarray
) -> dict[str, np.ndarray]:
    """The accounts of each client set's vehicles in a circle (``relay_src`` pays ``relay_dst``
    now and then, and ``relay_dst`` passes most of it on to ``relay_next`` within days)."""
    client_set = parties["client_set"]
    src, dst = _rings(np.flatnonzero(client_set >= 0), client_set[client_set >= 0])
    after = dict(zip(src.tolist(), dst.tolist(), strict=True))
    following = np.asarray([after[int(d)] for d in dst], dtype=np.int64)
    return {
        "relay_src": primary[src],
        "relay_dst": primary[dst],
        "relay_next": primary[following],
    }


NEW_ACCOUNT_SHARE = 0.08
"""Share of the accounts of people, shops, companies and charities opened during the period."""
NEW_ACCOUNT_TYPES = ("person", "merchant", "company", "charity")
"""Who opens accounts during the period (employers, utilities and financial services do not)."""


def _accounts(
    rng: np.random.Generator, params: SimulationParams, parties: dict[str, np.ndarray]
) -> Accounts:
    """One or two accounts per person, one to three per company or service; offshore companies
    bank in Hong Kong or Singapore. Some accounts are opened during the period (new customers):
    none of them is used before the day it opens."""
    is_person = parties["schema"] == "Person"
    per_party = np.where(
        is_person, 1 + (rng.random(len(is_person)) < 0.3), rng.integers(1, 4, len(is_person))
    )
    holder = np.repeat(np.arange(len(is_person)), per_party)
    country = parties["country"][holder].copy()
    offshore = np.isin(country, OFFSHORE)
    country[offshore] = np.asarray(OFFSHORE_BANK_COUNTRIES, dtype=object)[
        rng.integers(0, len(OFFSHORE_BANK_COUNTRIES), int(offshore.sum()))
    ]
    bank = np.empty(len(holder), dtype=object)
    fallback = params.banks[0].split(":", 1)[1]
    by_country = _banks_by_country(params)
    for c in np.unique(country):
        mask = country == c
        choices = np.array(by_country.get(str(c), [fallback]), dtype=object)
        bank[mask] = choices[rng.integers(0, len(choices), int(mask.sum()))]
    currency = np.array([currency_for(params, str(c)) for c in country], dtype=object)
    start = day_number(params.start)
    opened = start - (365 * rng.pareto(1.0, len(holder))).astype(np.int64).clip(0, 365 * 40)
    newcomer = np.isin(parties["party_type"][holder], NEW_ACCOUNT_TYPES)
    new = newcomer & (rng.random(len(holder)) < NEW_ACCOUNT_SHARE)
    opened[new] = start + rng.integers(0, max(1, params.days - 14), int(new.sum()))
    kind = np.where(is_person[holder], "personal", "business").astype(object)
    ids = hex_ids("AC", params.seed, "account", np.arange(len(holder)))
    return Accounts(ids, holder, bank, country, currency, opened, kind)


def _populations(
    rng: np.random.Generator, parties: dict[str, np.ndarray], accounts: Accounts
) -> dict[str, Population]:
    """Sampling populations by party type, each with heavy-tailed weights (holding companies only
    pay and receive within their group); ``cash_retail`` are the cash-heavy food merchants."""
    first = np.unique(accounts.holder, return_index=True)[1]
    primary = np.zeros(len(accounts.holder), dtype=bool)
    primary[first] = True
    party_type = parties["party_type"][accounts.holder]
    pops = {}
    laws = {
        "person": ("pareto", 1.3),
        "merchant": ("zipf", 1.1),
        "company": ("pareto", 1.1),
        "employer": ("pareto", 1.1),
        "utility": ("zipf", 0.8),
        "msb": ("zipf", 0.7),
        "exchange": ("zipf", 0.9),
        "otc": ("zipf", 0.5),
        "charity": ("zipf", 0.9),
        "marketplace": ("zipf", 0.6),
    }
    holding = parties["industry"][accounts.holder] == HOLDING_INDUSTRY
    for kind, (law, exponent) in laws.items():
        members = np.flatnonzero((party_type == kind) & (primary | (kind != "person")) & ~holding)
        if law == "zipf":
            weights = _zipf_weights(rng, len(members), exponent)
        else:
            cap = PERSON_ACTIVITY_CAP if kind == "person" else 1e4
            weights = _pareto_weights(rng, len(members), exponent, cap)
        pops[kind] = Population.of(members, weights, accounts.country[members])
    business = np.flatnonzero(np.isin(party_type, ("merchant", "company", "employer")) & ~holding)
    pops["business"] = Population.of(
        business, _pareto_weights(rng, len(business), 1.1), accounts.country[business]
    )
    food = pops["merchant"].members[
        parties["industry"][accounts.holder[pops["merchant"].members]] == "food"
    ]
    cash = food[rng.random(len(food)) < CASH_RETAIL_SHARE]
    if len(cash):
        pops["cash_retail"] = Population.of(
            cash, _pareto_weights(rng, len(cash), 1.5), accounts.country[cash]
        )
    return pops


CASH_RETAIL_SHARE = 0.4
"""Share of food merchants (restaurants, grocers) that bank their takings in cash daily."""


def _employees(
    rng: np.random.Generator,
    params: SimulationParams,
    parties: dict[str, np.ndarray],
    accounts: Accounts,
    pops: dict[str, Population],
) -> dict[str, np.ndarray]:
    """Who works where: employers sized by a Pareto law, mostly in the employee's country."""
    persons = pops["person"].members
    employed = persons[rng.random(len(persons)) < params.employment_rate]
    countries = accounts.country[employed]
    employer_account = pops["employer"].draw_near(rng, countries, local=0.95)
    salary = np.exp(rng.normal(np.log(4200), 0.45, len(employed))).round(-1)
    start = day_number(params.start) - rng.integers(30, 365 * 12, len(employed))
    start = np.maximum(start, accounts.opened[employed])  # new customers are new hires
    remote = rng.random(len(employed)) < params.remote_share
    habits = _remote_habits(rng, accounts, employer_account, remote)
    return {
        "employee_id": hex_ids("E", params.seed, "employee", np.arange(len(employed))),
        "person_account": employed,
        "party": accounts.holder[employed],
        "employer_account": employer_account,
        "employer": accounts.holder[employer_account],
        "salary_usd": salary,
        "start": start,
        "remote": remote,
        **_migrants(rng, params, accounts, pops, employed),
        **habits,
        **_shared_workplaces(
            params, accounts, employed, remote, habits["vpn_ip"], habits["travels"]
        ),
        **_session_habits(params, remote),
        "shared_home": _shared_homes(params, parties, accounts.holder[employed], remote),
    }


MIGRANT_SHARE = 0.08
"""Share of employees in the richer countries who send most of each pay home."""
MIGRANT_HOMES = {"CN": 0.3, "VN": 0.2, "TH": 0.15, "RU": 0.1, "KR": 0.1, "HK": 0.05, "AE": 0.1}
REMIT_SHARE = (0.45, 0.95)
"""Share of each salary a migrant worker remits, fixed per worker (uniform in this range)."""
HOST_COUNTRIES = ("US", "KR", "AE", "SG", "GB", "DE", "HK", "RU")


def _migrants(
    rng: np.random.Generator,
    params: SimulationParams,
    accounts: Accounts,
    pops: dict[str, Population],
    employed: np.ndarray,
) -> dict[str, np.ndarray]:
    """Migrant workers: who remits (``remit_share`` > 0) and to which account at home
    (``remit_to``: a money-service business or a relative's account in the home country).

    Imitates IT-worker payroll: most of every salary leaves within days for China, Russia or
    South-East Asia."""
    n = len(employed)
    here = accounts.country[employed]
    migrant = np.isin(here, HOST_COUNTRIES) & (rng.random(n) < MIGRANT_SHARE)
    homes = np.asarray(list(MIGRANT_HOMES), dtype=object)
    p = np.asarray(list(MIGRANT_HOMES.values()))
    home = homes[rng.choice(len(homes), n, p=p / p.sum())]
    migrant &= home != here
    share = np.where(migrant, rng.uniform(*REMIT_SHARE, n), 0.0)
    to = np.full(n, -1, dtype=np.int64)
    to_msb = rng.random(n) < 0.6
    for country in np.unique(home[migrant]):
        for pop_name, which in (("msb", to_msb), ("person", ~to_msb)):
            mask = migrant & which & (home == country)
            pop = pops[pop_name].within(str(country)) or pops[pop_name]
            to[mask] = pop.draw(rng, int(mask.sum()))
    late = (to >= 0) & (accounts.opened[np.maximum(to, 0)] >= day_number(params.start))
    share[late] = 0.0  # a relative whose account opens later: this worker sends nothing home
    to[late] = -1
    return {"remit_share": share, "remit_to": to}


TRAVELLER_SHARE = 0.12
"""Share of remote employees who work while travelling (logins from many countries)."""
CORPORATE_VPN_SHARE = 0.35
"""Share of remote employees who log in through their employer's VPN: one exit IP per employer,
shared by all of them (as a laptop farm's workers share one IP)."""


def _remote_habits(
    rng: np.random.Generator, accounts: Accounts, employer_account: np.ndarray, remote: np.ndarray
) -> dict[str, np.ndarray]:
    """How remote staff log in: ``travels`` (from abroad, often through a VPN or remote desktop)
    and ``vpn_ip`` (the employer's VPN exit address, or None).

    Imitates the logins of laptop farms and IT workers abroad."""
    n = len(remote)
    travels = remote & (rng.random(n) < TRAVELLER_SHARE)
    employers, slot = np.unique(employer_account, return_inverse=True)
    exits = ips(rng, accounts.country[employers])
    vpn = remote & ~travels & (rng.random(n) < CORPORATE_VPN_SHARE)
    return {"travels": travels, "vpn_ip": np.where(vpn, exits[slot], None)}


USER_USD_MEDIAN = 900.0
USER_USD_SIGMA = 1.8
"""Each retail wallet's typical transfer in US dollars: lognormal around this median."""
WHALE_SHARE = 0.1
WHALE_USD = (2e4, 2e7)
"""A share of wallets (traders, market makers, funds, OTC clients) move far more, log-uniform."""


def user_usd(rng: np.random.Generator, n: int, whales: float = WHALE_SHARE) -> np.ndarray:
    """Typical transfer sizes of ``n`` wallets (or flows) with a share ``whales`` of whales."""
    retail = np.exp(rng.normal(np.log(USER_USD_MEDIAN), USER_USD_SIGMA, n))
    whale = np.exp(rng.uniform(*np.log(WHALE_USD), n))
    return np.where(rng.random(n) < whales, whale, retail)


DEPOSITS_PER_USER = 3
"""Exchange deposit addresses per user wallet of a chain: one the user's own, the rest others'."""
WALLET_KINDS = ("user", "exchange_hot", "exchange_deposit", "defi_router", "bridge", "mixer", "otc")


def _wallets(
    rng: np.random.Generator,
    params: SimulationParams,
    parties: dict[str, np.ndarray],
    n_persons: int,
) -> tuple[dict[str, np.ndarray], dict[str, Population]]:
    """Chain addresses: users, exchange hot wallets and deposit addresses, DeFi, bridges, mixers.

    Every user has a deposit address of their own at one exchange: user ``i`` of a chain deposits
    into the chain's ``i``-th deposit address (``chain_book``). The other deposit addresses belong
    to customers seen once or twice (exchanges hand out millions).
    """
    n_users = max(500, int(params.size * params.transfers_per_tx / 15))
    exchange_ids = parties["party_id"][parties["party_type"] == "exchange"]
    rows: list[tuple[np.ndarray, str, np.ndarray, str]] = []  # addresses, chain, owners, type
    for chain, share in zip(CHAINS, CHAIN_SHARES, strict=True):
        count = max(100, int(n_users * share))
        owners = parties["party_id"][rng.integers(0, n_persons, count)]
        rows.append((chain_addresses(rng, chain, count), chain, owners, "user"))
        deposits = DEPOSITS_PER_USER * count
        rows.append(
            (
                chain_addresses(rng, chain, deposits),
                chain,
                exchange_ids[rng.integers(0, len(exchange_ids), deposits)],
                "exchange_deposit",
            )
        )
        rows.append(
            (
                chain_addresses(rng, chain, 2 * len(exchange_ids)),
                chain,
                np.repeat(exchange_ids, 2),
                "exchange_hot",
            )
        )
    rows.append(
        (
            chain_addresses(rng, "ethereum", 3),
            "ethereum",
            np.full(3, None, dtype=object),
            "defi_router",
        )
    )
    rows.append(
        (chain_addresses(rng, "ethereum", 2), "ethereum", np.full(2, None, dtype=object), "bridge")
    )
    rows.append(
        (chain_addresses(rng, "bitcoin", 2), "bitcoin", np.full(2, None, dtype=object), "bridge")
    )
    rows.append(
        (chain_addresses(rng, "ethereum", 1), "ethereum", np.full(1, None, dtype=object), "mixer")
    )
    rows.append(
        (chain_addresses(rng, "bitcoin", 1), "bitcoin", np.full(1, None, dtype=object), "mixer")
    )
    otc_ids = parties["party_id"][parties["party_type"] == "otc"]
    for chain in CHAINS:
        rows.append((chain_addresses(rng, chain, len(otc_ids)), chain, otc_ids, "otc"))
    wallets = {
        "address": np.concatenate([r[0] for r in rows]),
        "chain": np.concatenate([np.full(len(r[0]), r[1], dtype=object) for r in rows]),
        "owner_id": np.concatenate([np.asarray(r[2], dtype=object) for r in rows]),
        "wallet_type": np.concatenate([np.full(len(r[0]), r[3], dtype=object) for r in rows]),
    }
    pops = {}
    for chain in CHAINS:
        for kind in WALLET_KINDS:
            members = np.flatnonzero((wallets["chain"] == chain) & (wallets["wallet_type"] == kind))
            if len(members):
                law = (
                    _pareto_weights(rng, len(members), 1.2)
                    if kind == "user"
                    else np.ones(len(members))
                )
                pops[f"{chain}:{kind}"] = Population.of(members, law, wallets["chain"][members])
    return wallets, pops


def chain_book(rng: np.random.Generator, wallets: dict[str, np.ndarray]) -> ChainBook:
    """Typical sizes, own deposit addresses and sweep targets of the wallets (see ``_wallets``)."""
    n = len(wallets["address"])
    kind, chain, owner = wallets["wallet_type"], wallets["chain"], wallets["owner_id"]
    deposit = np.full(n, -1, dtype=np.int64)
    hot = np.full(n, -1, dtype=np.int64)
    hot_of: dict[tuple[str, str], np.ndarray] = {}
    for name in CHAINS:
        users = np.flatnonzero((chain == name) & (kind == "user"))
        deposits = np.flatnonzero((chain == name) & (kind == "exchange_deposit"))
        deposit[users] = deposits[: len(users)]
        hots = np.flatnonzero((chain == name) & (kind == "exchange_hot"))
        for exchange in np.unique(owner[hots]):
            mine = hots[owner[hots] == exchange]
            owned = deposits[owner[deposits] == exchange]
            hot[owned] = mine[rng.integers(0, len(mine), len(owned))]
            hot_of[(name, str(exchange))] = wallets["address"][mine]
    return ChainBook(user_usd(rng, n), deposit, hot, hot_of)


COLIVING_SHARE = 0.03
"""Share of remote employees who live in a shared house with other remote workers (a co-living
house, a shared flat of young professionals), outside two-adult households."""
COLIVING_SIZE = (3, 8)
"""Remote workers in one shared house (uniform within these bounds)."""


def _shared_homes(
    params: SimulationParams, parties: dict[str, np.ndarray], person: np.ndarray, remote: np.ndarray
) -> np.ndarray:
    """Move some remote employees into shared houses of three to eight, in place: each takes the
    first resident's address and home IP and keeps their own computer. Returns each employee's
    house (-1: none).

    Imitates laptop farms: three or more employees of different employers whose laptops ship to
    one residential address and who log in from one home IP."""
    rng = rng_for(params.seed, "shared_homes")
    n = len(person)
    house = np.full(n, -1, dtype=np.int64)
    alone = remote & (parties["household"][person] < 0)
    chosen = np.flatnonzero(alone & (rng.random(n) < COLIVING_SHARE))
    country, address, ip = parties["country"], parties["address"], parties["ip"]
    low, high = COLIVING_SIZE
    number = 0
    for code in np.unique(country[person[chosen]]):
        here = rng.permutation(chosen[country[person[chosen]] == code])
        sizes = rng.integers(low, high + 1, len(here) // low + 1)
        for stop, size in zip(np.cumsum(sizes), sizes, strict=True):
            if stop > len(here):
                break
            residents = person[here[stop - size : stop]]
            address[residents], ip[residents] = address[residents[0]], ip[residents[0]]
            house[here[stop - size : stop]] = number
            number += 1
    return house


COWORKING_SHARE = 0.06
"""Share of remote employees (not travelling, not on their employer's VPN) who rent a desk at a
co-working space and log in from its one IP on some of their working days."""
COWORKING_MEMBERS = (3, 40)
"""Remote employees of the world at one co-working space (log-uniform within these bounds)."""
COWORKING_DAYS = (0.2, 0.9)
"""Share of a member's log-ins made at the space (uniform per member)."""
CONSUMER_VPN_SHARE = 0.05
"""Share of remote employees who route their log-ins through a commercial VPN service."""
CONSUMER_VPN_USERS = (5, 60)
"""Users of the world behind one commercial VPN exit address (log-uniform within these bounds):
a provider's server is shared by many customers, usually of different employers."""
CONSUMER_VPN_ABROAD = 0.35
"""Share of commercial-VPN users whose chosen server is in another country."""
VPN_SERVER_COUNTRIES = ("US", "GB", "DE", "SG", "HK", "AE")
"""Where commercial VPN servers that users pick abroad stand."""


def _log_uniform_sizes(rng: np.random.Generator, bounds: tuple[int, int], total: int) -> np.ndarray:
    """Group sizes drawn log-uniformly within ``bounds`` until they cover ``total`` members."""
    low, high = np.log(bounds[0]), np.log(bounds[1] + 1)
    sizes = np.exp(rng.uniform(low, high, total // bounds[0] + 1)).astype(np.int64)
    return sizes[: int(np.searchsorted(np.cumsum(sizes), total)) + 1]


def _shared_exits(
    rng: np.random.Generator, countries: np.ndarray, bounds: tuple[int, int]
) -> np.ndarray:
    """One IP per group of people in one country (sizes within ``bounds``): each person's
    shared IP, in the order of ``countries``."""
    out = np.full(len(countries), None, dtype=object)
    for code in np.unique(countries):
        here = np.flatnonzero(countries == code)
        order = rng.permutation(here)
        sizes = _log_uniform_sizes(rng, bounds, len(order))
        slot = np.repeat(np.arange(len(sizes)), sizes)[: len(order)]
        addresses = ips(rng, np.full(len(sizes), code, dtype=object))
        out[order] = addresses[slot]
    return out


def _shared_workplaces(
    params: SimulationParams,
    accounts: Accounts,
    person_account: np.ndarray,
    remote: np.ndarray,
    vpn_ip: np.ndarray,
    travels: np.ndarray,
) -> dict[str, np.ndarray]:
    """Co-working spaces and commercial VPN exits: IPs that remote employees of many employers
    share. ``cowork_ip`` and ``cowork_share`` (the space's IP and the share of log-ins made
    there), ``consumer_vpn_ip`` (the commercial VPN exit, or None).

    Imitates laptop farms: three or more employees at different employers logging in from one
    IP; behind a VPN server abroad, from a country that contradicts their residence."""
    rng = rng_for(params.seed, "workplaces")
    n = len(remote)
    home = accounts.country[person_account]
    free = remote & ~travels & (vpn_ip == None)  # noqa: E711
    cowork = free & (rng.random(n) < COWORKING_SHARE)
    cowork_ip = np.full(n, None, dtype=object)
    cowork_ip[cowork] = _shared_exits(rng, home[cowork], COWORKING_MEMBERS)
    consumer = remote & (vpn_ip == None) & (rng.random(n) < CONSUMER_VPN_SHARE)  # noqa: E711
    server = home.copy()
    abroad = rng.random(n) < CONSUMER_VPN_ABROAD
    server[abroad] = np.asarray(VPN_SERVER_COUNTRIES, dtype=object)[
        rng.integers(0, len(VPN_SERVER_COUNTRIES), int(abroad.sum()))
    ]
    consumer_ip = np.full(n, None, dtype=object)
    consumer_ip[consumer] = _shared_exits(rng, server[consumer], CONSUMER_VPN_USERS)
    return {
        "cowork_ip": cowork_ip,
        "cowork_share": np.where(cowork, rng.uniform(*COWORKING_DAYS, n), 0.0),
        "consumer_vpn_ip": consumer_ip,
        "consumer_vpn_country": np.where(consumer, server, None),
    }


ALWAYS_ON_SHARE = 0.06
"""Share of remote employees who leave their session open overnight as a habit (a remote desktop
to an office workstation, a build machine, a trading screen)."""
ALWAYS_ON_LONG = (0.15, 0.6)
"""Share of such an employee's sessions that last 12 hours or more (uniform per employee)."""
LONG_SESSION_SHARE = 0.03
"""Share of everyone else's sessions left open for half a day or more (a laptop not logged out)."""


def long_session_shares(rng: np.random.Generator, n: int) -> np.ndarray:
    """Each of ``n`` employees' chance that a session lasts 12 hours or more: mostly
    :data:`LONG_SESSION_SHARE`, for the always-on few within :data:`ALWAYS_ON_LONG`."""
    always_on = rng.random(n) < ALWAYS_ON_SHARE
    return np.where(always_on, rng.uniform(*ALWAYS_ON_LONG, n), LONG_SESSION_SHARE)


def _session_habits(params: SimulationParams, remote: np.ndarray) -> dict[str, np.ndarray]:
    """``long_share``: each employee's chance that a session lasts 12 hours or more.

    Imitates laptop farms, whose laptops may stay on for someone abroad to reach."""
    shares = long_session_shares(rng_for(params.seed, "sessions"), len(remote))
    return {"long_share": np.where(remote, shares, LONG_SESSION_SHARE)}
