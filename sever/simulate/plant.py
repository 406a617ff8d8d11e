"""What one planted scheme instance adds to the world, with the ground truth that says so.

A typology function receives a ``Plant`` and calls its small vocabulary: recruit an existing
account, pay, transfer on chain, hire, log in. Each call records its label (the member's role) at
the same time, so a scheme can never add a transaction or a member without labelling it.

Illicit roles are played by accounts with ordinary lives: mules, collectors, structurers, front
companies and IT workers' pay accounts are *recruited* from the legitimate population, so they
keep paying for groceries, rent and suppliers before, during and after the scheme. A scheme's
members live near one another, with the cross-border share of ordinary person-to-person traffic.
Every planted payment is dressed as the legitimate payment kind it imitates (channel, purpose,
currency, hour of day, weekday), drawn from the background's own distributions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from sever.simulate import calendar, names
from sever.simulate.background import (
    TOKEN_ADDRESSES,
    block_numbers,
    everyday_payments,
    payment_kind,
    payment_look,
    to_currency,
)
from sever.simulate.identifiers import chain_addresses, hex_id, random_hex, rng_for
from sever.simulate.params import SchemeParams
from sever.simulate.world import World, currency_for, ips

PLANTED_BASE = 1 << 40
"""Planted entities are numbered from here within the legitimate id spaces (no collisions)."""

LOCAL_SHARE = 0.9
"""Share of a scheme's members recruited in the country of its first member: the share of
person-to-person payments that stay in the payer's country in the background (``_p2p``)."""

BUSINESS = ("company", "merchant", "employer", "utility")
"""Holder types whose accounts pay and are paid as businesses."""

EVERYDAY_SHARE = 0.76
"""Share of background payments a person makes from a current account (card, transfers, bills,
remittances, exchange): sizes the ordinary life of an account opened during the period."""


@dataclass(frozen=True)
class AccountRef:
    """An account as a payment needs it: where it is, and who holds it."""

    account_id: str
    bank: str
    country: str
    currency: str
    holder_id: str
    holder_type: str = "person"
    industry: str | None = None
    holder_index: int = -1
    """Position of the holder among the legitimate parties (-1: a party a plant created)."""

    @property
    def business(self) -> bool:
        """Whether the holder pays and is paid as a business."""
        return self.holder_type in BUSINESS


@dataclass
class Counters:
    """Running numbers shared by every plant of one world (deterministic: plants run in order)."""

    values: dict[str, int] = field(default_factory=dict)

    def next(self, space: str) -> int:
        value = self.values.get(space, 0)
        self.values[space] = value + 1
        return PLANTED_BASE + value


class Stock:
    """Names, addresses, phones and IPs drawn in batches and handed out one at a time.

    Planting thousands of schemes one party at a time would call the vectorised generators with
    arrays of one; drawing 512 at once per (kind, country) keeps ``large`` fast. Batches come
    from their own keyed random streams, so the output stays deterministic.
    """

    BATCH = 512

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.buffers: dict[tuple[str, str, str], list[str]] = {}
        self.batches: dict[tuple[str, str, str], int] = {}

    def take(self, kind: str, country: str, detail: str = "") -> str:
        """The next ``kind`` (person, company, address, phone, ip) for ``country``."""
        key = (kind, country, detail)
        buffer = self.buffers.get(key)
        if not buffer:
            number = self.batches.get(key, 0)
            self.batches[key] = number + 1
            rng = rng_for(self.seed, "stock", kind, country, detail, number)
            buffer = [str(v) for v in self._draw(rng, kind, country, detail)][::-1]
            self.buffers[key] = buffer
        return buffer.pop()

    def _draw(self, rng: np.random.Generator, kind: str, country: str, detail: str) -> np.ndarray:
        countries = np.full(self.BATCH, country, dtype=object)
        if kind == "person":
            return names.person_names(rng, np.full(self.BATCH, names.CULTURES.index(detail)))
        if kind == "company":
            return names.company_names(rng, countries, np.full(self.BATCH, detail, dtype=object))
        if kind == "address":
            return names.addresses(rng, countries)
        if kind == "phone":
            return names.phones(rng, countries)
        return ips(rng, countries)


ROW_LISTS = (
    "parties",
    "accounts",
    "transactions",
    "transfers",
    "employment",
    "logins",
    "tx_labels",
    "account_labels",
    "party_labels",
    "wallet_labels",
    "schemes",
    "wallet_tags",
    "party_updates",
    "recruited",
)


@dataclass
class Planted:
    """Rows and labels added by all schemes of a world, in plain lists until written.

    ``recruited`` holds the indices of the legitimate accounts that took a role (never twice);
    ``party_updates`` the changes a scheme made to a legitimate party (a nominee director, a
    shared address, the re-spelled name a listed person banks under), applied when the parties
    are written.
    """

    parties: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    employment: list[dict[str, Any]] = field(default_factory=list)
    logins: list[dict[str, Any]] = field(default_factory=list)
    tx_labels: list[dict[str, Any]] = field(default_factory=list)
    account_labels: list[dict[str, Any]] = field(default_factory=list)
    party_labels: list[dict[str, Any]] = field(default_factory=list)
    wallet_labels: list[dict[str, Any]] = field(default_factory=list)
    schemes: list[dict[str, Any]] = field(default_factory=list)
    wallet_tags: list[dict[str, Any]] = field(default_factory=list)
    party_updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    recruited: list[tuple[int, int]] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)
    taken_holders: set[int] = field(default_factory=set)
    party_index: dict[str, int] = field(default_factory=dict)
    stock: Stock = field(default_factory=lambda: Stock(0))
    counters: Counters = field(default_factory=Counters)

    @property
    def illicit_accounts(self) -> int:
        """Accounts that play a role in some scheme (each is labelled once)."""
        return len(self.account_labels)

    def mark(self) -> tuple[dict[str, int], dict[str, int]]:
        """A point to roll back to: the length of every list and the running numbers."""
        return {name: len(getattr(self, name)) for name in ROW_LISTS}, dict(self.counters.values)

    def rollback(self, point: tuple[dict[str, int], dict[str, int]]) -> None:
        """Undo every row, label, update and recruitment added since ``point``."""
        lengths, counters = point
        for index, holder in self.recruited[lengths["recruited"] :]:
            self.taken.discard(index)
            self.taken_holders.discard(holder)
        for name in ROW_LISTS:
            del getattr(self, name)[lengths[name] :]
        self.party_index = {k: v for k, v in self.party_index.items() if v < len(self.parties)}
        self.counters.values = counters


class Plant:
    """The vocabulary a typology uses to add one scheme instance to the world."""

    def __init__(
        self,
        world: World,
        out: Planted,
        typology: str,
        scheme_id: str,
        rng: np.random.Generator,
        sanctioned: Any,
    ) -> None:
        self.world = world
        self.out = out
        self.typology = typology
        self.scheme_id = scheme_id
        self.rng = rng
        self.sanctioned = sanctioned
        self.scheme: SchemeParams = world.params.shape
        self.params: dict[str, Any] = {}
        self._times: list[int] = []
        self._labelled_parties: set[str] = set()

    # -- shape -----------------------------------------------------------------------------

    def count(self, bounds: tuple[int, int]) -> int:
        """A whole number within ``bounds``, every order of magnitude as likely."""
        low, high = bounds
        return int(min(high, np.floor(np.exp(self.rng.uniform(np.log(low), np.log(high + 1))))))

    def amount(self, bounds: tuple[float, float]) -> float:
        """A value within ``bounds``, drawn log-uniform."""
        return float(np.exp(self.rng.uniform(*np.log(bounds))))

    def span(self, bounds: tuple[float, float]) -> float:
        """A duration within ``bounds`` (days or hours), drawn log-uniform."""
        return self.amount((float(bounds[0]), float(bounds[1])))

    # -- time -------------------------------------------------------------------------------

    def start_second(self, span_days: float) -> int:
        """A random moment from which ``span_days`` still fit in the period."""
        last = max(self.world.first_day, self.world.last_day - int(np.ceil(span_days)))
        day = int(self.rng.integers(self.world.first_day, last + 1))
        return day * calendar.DAY + int(self.rng.integers(7 * 3600, 20 * 3600))

    def later(self, seconds: int, low_hours: float, high_hours: float) -> int:
        """A moment between ``low_hours`` and ``high_hours`` after ``seconds``."""
        return int(seconds + self.rng.uniform(low_hours, high_hours) * 3600)

    def _moment(self, kind: str, country: str, earliest: int, latest: int) -> int:
        """A moment in ``[earliest, latest]`` at an hour (and weekday) payments of ``kind`` are
        made in ``country``: candidate days and hours from the kind's own profile."""
        payment = payment_kind(kind)
        offset = calendar.UTC_OFFSETS.get(country, 0) * 3600
        first, last = (earliest + offset) // calendar.DAY, (latest + offset) // calendar.DAY
        for _ in range(6):
            days = self.rng.integers(first, last + 1, 8)
            offsets = np.full(8, calendar.UTC_OFFSETS.get(country, 0), dtype=np.int64)
            moments = calendar.timestamps(self.rng, days, payment.profile, offsets)
            fits = (moments >= earliest) & (moments <= latest)
            if payment.business_days:  # the background moves 85 % of weekend ones to Monday
                fits &= (calendar.weekday_of(days) < 5) | (self.rng.random(8) < 0.15)
            if fits.any():
                return int(moments[np.argmax(fits)])
        return int(self.rng.integers(earliest, latest + 1))

    # -- parties and accounts ----------------------------------------------------------------

    def _label(self, bucket: list[dict[str, Any]], key: str, value: str, role: str) -> None:
        bucket.append(
            {key: value, "scheme_id": self.scheme_id, "typology": self.typology, "role": role}
        )

    def _label_party(self, party_id: str, role: str) -> None:
        if party_id not in self._labelled_parties:
            self._labelled_parties.add(party_id)
            self._label(self.out.party_labels, "party_id", party_id, role)

    def person(
        self,
        role: str,
        country: str,
        *,
        name: str | None = None,
        culture: str | None = None,
        **extra: Any,
    ) -> str:
        """A new person, labelled with ``role``; returns the party id."""
        rng, stock = self.rng, self.out.stock
        if name is None:
            culture = culture or names.CULTURES[int(rng.integers(0, len(names.CULTURES)))]
            name = stock.take("person", country, culture)
        day = self.world.first_day - int(rng.integers(20 * 365, 60 * 365))
        row = {
            "party_id": self._id("P", "party"),
            "schema": "Person",
            "name": name,
            "birth_date": _date(day),
            "nationality": country,
            "country": country,
            "address": stock.take("address", country),
            "phone": stock.take("phone", country),
            "email": self._email(name),
            "ip": stock.take("ip", country),
            "device_id": self._id("D", "device"),
            "party_type": "person",
        }
        row.update(extra)
        self._add_party(row, role)
        return row["party_id"]

    def _add_party(self, row: dict[str, Any], role: str) -> None:
        self.out.parties.append(row)
        self.out.party_index[row["party_id"]] = len(self.out.parties) - 1
        self._label_party(row["party_id"], role)

    def row(self, party_id: str) -> dict[str, Any]:
        """The row of a party this world's plants created."""
        return self.out.parties[self.out.party_index[party_id]]

    def company(
        self,
        role: str,
        country: str,
        *,
        name: str | None = None,
        industry: str = "trading",
        age_days: tuple[int, int] = (30, 540),
        party_type: str = "company",
        **extra: Any,
    ) -> str:
        """A new company (a designated owner, say), labelled with ``role``; returns its id."""
        rng, stock = self.rng, self.out.stock
        if name is None:
            name = stock.take("company", country, industry)
        incorporated = self.world.first_day - int(rng.integers(*age_days))
        row = {
            "party_id": self._id("P", "party"),
            "schema": "Company",
            "name": name,
            "country": country,
            "address": stock.take("address", country),
            "phone": stock.take("phone", country),
            "email": self._email(name),
            "registration_number": self._id("", "registration"),
            "incorporation_date": _date(incorporated),
            "party_type": party_type,
            "industry": industry,
        }
        if "directors" not in extra:
            director = self.person("director", country if country in names.STREETS else "HK")
            extra["directors"] = [director]
            extra.setdefault("owners", [{"owner_id": director, "share": 1.0}])
        for key in ("directors", "owners"):
            extra[key] = json.dumps(extra.get(key, []))
        row.update(extra)
        self._add_party(row, role)
        return row["party_id"]

    def _ref(self, index: int) -> AccountRef:
        """The legitimate account at ``index`` of the world's accounts."""
        acc, parties = self.world.accounts, self.world.parties
        holder = int(acc.holder[index])
        industry = parties["industry"][holder]
        return AccountRef(
            str(acc.ids[index]),
            str(acc.bank[index]),
            str(acc.country[index]),
            str(acc.currency[index]),
            str(parties["party_id"][holder]),
            str(parties["party_type"][holder]),
            None if industry is None else str(industry),
            holder,
        )

    def recruit(
        self,
        role: str,
        kind: str = "person",
        *,
        country: str | None = None,
        near: str | None = None,
        party_role: str | None = None,
        label_account: bool = True,
    ) -> AccountRef:
        """An existing account of ``kind`` (person, company, merchant…) that takes ``role``.

        Chosen uniformly among the accounts with ordinary activity, so a recruit is as busy as
        anyone; never one already recruited in this world. ``country`` fixes where; ``near``
        keeps the recruit in that country with the background's local share. The account (unless
        ``label_account`` is false) and its holder are labelled.
        """
        pop = self.world.pops[kind]
        where = country
        if where is None and near is not None and self.rng.random() < LOCAL_SHARE:
            where = near
        pools = [pop.within(where), pop] if where is not None else [pop]
        index = -1
        for candidates in pools:
            if candidates is not None and index < 0:
                index = self._pick_free(candidates.members)
        if index < 0:
            raise SchemeFull(f"no {kind} account left to recruit")
        holder = int(self.world.accounts.holder[index])
        self.out.taken.add(index)
        self.out.taken_holders.add(holder)
        self.out.recruited.append((index, holder))
        ref = self._ref(index)
        if label_account:
            self._label(self.out.account_labels, "account_id", ref.account_id, role)
        self._label_party(ref.holder_id, party_role or role)
        return ref

    def _pick_free(self, members: np.ndarray) -> int:
        """A member chosen uniformly among those not yet recruited (-1: none left)."""
        for _ in range(8):
            picks = members[self.rng.integers(0, len(members), 16)]
            free = [int(p) for p in picks if self._free(int(p))]
            if free:
                return free[0]
        free = [int(m) for m in members if self._free(int(m))]
        return free[int(self.rng.integers(0, len(free)))] if free else -1

    def _free(self, index: int) -> bool:
        """Whether the account at ``index`` and its holder have no role in this world yet."""
        holder = int(self.world.accounts.holder[index])
        return index not in self.out.taken and holder not in self.out.taken_holders

    def party_value(self, holder: AccountRef, column: str) -> Any:
        """A value of a recruited account's holder (its name, address, ip…)."""
        return self.world.parties[column][holder.holder_index]

    def update_party(self, holder: AccountRef, **changes: Any) -> None:
        """Change the record of a recruited account's holder (written with the parties and the
        registry): a nominee director, a shared address, a re-spelled name."""
        for key in ("directors", "owners"):
            if key in changes:
                changes[key] = json.dumps(changes[key])
        self.out.party_updates.append((holder.holder_index, changes))

    def account(self, holder: AccountRef, role: str, opened_day: int) -> AccountRef:
        """A new account that the holder of ``holder`` opens at a bank of its country on
        ``opened_day``; from then on it is used as an ordinary current account too."""
        banks = self.world.banks_in(holder.country) or [self.world.bank_of(holder.country)]
        bank = banks[int(self.rng.integers(0, len(banks)))]
        ref = AccountRef(
            self._id("AC", "account"),
            bank,
            holder.country,
            currency_for(self.world.params, holder.country),
            holder.holder_id,
            holder.holder_type,
            holder.industry,
            holder.holder_index,
        )
        self.out.accounts.append(
            {
                "account_id": ref.account_id,
                "holder_id": ref.holder_id,
                "bank": bank,
                "country": ref.country,
                "opened": _date(opened_day),
                "account_type": "business" if ref.business else "personal",
            }
        )
        self._label(self.out.account_labels, "account_id", ref.account_id, role)
        self._ordinary_life(ref, opened_day)
        return ref

    def _ordinary_life(self, ref: AccountRef, opened_day: int) -> None:
        """Everyday payments from a newly opened account until the period ends, as often as a
        person picked at random pays (unlabelled: they are not part of the scheme)."""
        world = self.world
        pop = world.pops["person"]
        weight = float(np.diff(pop.cdf, prepend=0.0)[int(self.rng.integers(0, len(pop.cdf)))])
        first = max(opened_day + 1, world.first_day)
        days_left = world.last_day - first + 1
        if days_left <= 0:
            return
        rate = world.params.size * EVERYDAY_SHARE * weight * days_left / world.params.days
        n = int(self.rng.poisson(rate))
        if not n:
            return
        cols = everyday_payments(self.rng, world, n, ref.country)
        days = self.rng.integers(first, world.last_day + 1, n)
        for i in range(n):
            dst = self._ref(int(cols["dst"][i]))
            kind = str(cols["kind"][i])
            profile_day = int(days[i])
            offset = calendar.UTC_OFFSETS.get(ref.country, 0)
            moment = int(
                calendar.timestamps(
                    self.rng,
                    np.array([profile_day]),
                    payment_kind(kind).profile,
                    np.array([offset]),
                )[0]
            )
            self._row(
                moment,
                ref,
                dst,
                float(cols["usd"][i]),
                str(cols["payment_format"][i]),
                str(cols["purpose"][i]),
                ref.currency,
            )

    def legit(self, kind: str, country: str | None = None) -> AccountRef:
        """An existing account of ``kind`` (employer, msb, exchange…) with no role in any
        scheme, by activity weight: an ordinary counterparty, unlabelled."""
        everyone = self.world.pops[kind]
        local = everyone.within(country) if country is not None else None
        holders = self.world.accounts.holder
        for pop in (local or everyone, everyone):
            picks = pop.draw(self.rng, 16)
            free = [int(p) for p in picks if int(holders[p]) not in self.out.taken_holders]
            if free:  # else (a small country of a tiny world) any country will do
                return self._ref(free[0])
        return self._ref(int(picks[0]))

    # -- money -----------------------------------------------------------------------------

    def kind_between(self, src: AccountRef, dst: AccountRef) -> str:
        """The legitimate payment kind a payment from ``src`` to ``dst`` imitates."""
        if src.account_id == dst.account_id:
            return "cash"
        if dst.holder_type == "msb":
            return "remittance"
        if "exchange" in (src.holder_type, dst.holder_type):
            return "exchange"
        if src.business and dst.business:
            return "supplier" if src.country == dst.country else "trade"
        if src.business:
            return "salary"
        if dst.holder_type == "utility":
            return "bill"
        return "retail" if dst.business else "p2p"

    def pay(
        self,
        src: AccountRef,
        dst: AccountRef,
        usd: float,
        role: str,
        *,
        earliest: int | None = None,
        latest: int | None = None,
        day: int | None = None,
        kind: str | None = None,
        goods: str | None = None,
    ) -> int:
        """A labelled bank payment worth ``usd``, dressed as the legitimate kind it imitates.

        It is made in ``[earliest, latest]`` (``latest`` defaults to a day later) or on the
        payer's local ``day``, at an hour that kind of payment is made; returns the moment.
        """
        kind = kind or self.kind_between(src, dst)
        if goods is None:
            goods = _goods_of(self.rng, dst.industry)
        channel, purpose, currency = payment_look(
            self.rng, self.world, kind, goods, deposit=dst.holder_type == "exchange"
        )
        if day is not None:
            earliest, latest = _local_day(day, src.country)
        assert earliest is not None
        moment = self._moment(kind, src.country, earliest, latest or earliest + calendar.DAY)
        key = self._row(moment, src, dst, usd, channel, purpose, currency or src.currency)
        self.out.tx_labels.append(
            {
                "key": key,
                "scheme_id": self.scheme_id,
                "typology": self.typology,
                "role": role,
                "table": "transactions",
            }
        )
        self._times.append(moment)
        return moment

    def _row(
        self,
        seconds: int,
        src: AccountRef,
        dst: AccountRef,
        usd: float,
        channel: str,
        purpose: str,
        currency: str,
    ) -> int:
        """One bank payment row; returns its key (labels refer to it)."""
        amount = float(to_currency(np.array([usd]), np.array([currency]))[0])
        key = len(self.out.transactions)
        self.out.transactions.append(
            {
                "key": key,
                "seconds": int(seconds),
                "src_account": src.account_id,
                "dst_account": dst.account_id,
                "amount": amount,
                "currency": currency,
                "src_bank": src.bank,
                "dst_bank": dst.bank,
                "payment_format": channel,
                "src_country": src.country,
                "dst_country": dst.country,
                "purpose": purpose,
            }
        )
        return key

    def wallet(self, role: str, chain: str = "ethereum", address: str | None = None) -> str:
        """A new (or given, e.g. a listed) address on ``chain``, labelled with ``role``."""
        address = address or str(chain_addresses(self.rng, chain, 1)[0])
        self._label(self.out.wallet_labels, "address", address, role)
        return address

    def tag_wallet(self, address: str, chain: str, owner_id: str | None, wallet_type: str) -> None:
        """List a planted address among the known wallets (an exchange deposit address, a desk)."""
        self.out.wallet_tags.append(
            {"address": address, "chain": chain, "owner_id": owner_id, "wallet_type": wallet_type}
        )

    def transfer(
        self,
        seconds: int,
        frm: str,
        to: str,
        value: float,
        asset: str,
        chain: str,
        role: str,
        *,
        tx_hash: str | None = None,
        log_index: int = 0,
    ) -> str:
        """A chain transfer of ``value`` units of ``asset``; labelled by its hash."""
        if tx_hash is None:
            tx_hash = str(random_hex(self.rng, 1, 64, "0x" if chain == "ethereum" else "")[0])
        self.out.transfers.append(
            {
                "seconds": int(seconds),
                "transaction_hash": tx_hash,
                "log_index": log_index,
                "block_number": int(block_numbers(np.array([chain]), np.array([seconds]))[0]),
                "from_address": frm,
                "to_address": to,
                "value": round(float(value), 8),
                "token_address": TOKEN_ADDRESSES.get((chain, asset)),
                "asset": asset,
                "chain": chain,
            }
        )
        if log_index == 0:
            self.out.tx_labels.append(
                {
                    "key": tx_hash,
                    "scheme_id": self.scheme_id,
                    "typology": self.typology,
                    "role": role,
                    "table": "transfers",
                }
            )
        self._times.append(int(seconds))
        return tx_hash

    # -- work ------------------------------------------------------------------------------

    def hire(
        self,
        party_id: str,
        name: str,
        employer_id: str,
        start_day: int,
        pay: AccountRef,
        ship_to: str | None,
    ) -> str:
        """An employment record; returns the employee id."""
        employee_id = self._id("E", "employee")
        self.out.employment.append(
            {
                "employee_id": employee_id,
                "employer_id": employer_id,
                "party_id": party_id,
                "name": name,
                "start_date": _date(start_day),
                "pay_account": pay.account_id,
                "laptop_ship_address": ship_to,
            }
        )
        return employee_id

    def login(
        self,
        employee_id: str,
        seconds: int,
        ip: str,
        ip_country: str,
        device_id: str,
        session_hours: float,
        remote_tool: str | None,
    ) -> None:
        """A login event of an employee."""
        self.out.logins.append(
            {
                "employee_id": employee_id,
                "seconds": int(seconds),
                "ip": ip,
                "ip_country": ip_country,
                "device_id": device_id,
                "session_hours": round(session_hours, 2),
                "remote_tool": remote_tool,
            }
        )

    # -- bookkeeping ------------------------------------------------------------------------

    def _id(self, prefix: str, space: str) -> str:
        return hex_id(prefix, self.world.params.seed, space, self.out.counters.next(space))

    def _email(self, name: str) -> str:
        domain = names.EMAIL_DOMAINS[int(self.rng.integers(0, len(names.EMAIL_DOMAINS)))]
        return names.email_address(name, int(self.rng.integers(1, 999)), domain)

    def finish(self) -> None:
        """Record the scheme instance: its parameters and the span of its activity."""
        if not self._times:
            return
        self.out.schemes.append(
            {
                "scheme_id": self.scheme_id,
                "typology": self.typology,
                "params": json.dumps(self.params, sort_keys=True, default=str),
                "start": min(self._times),
                "end": max(self._times),
            }
        )


class SchemeFull(Exception):
    """The world has no account left for a scheme's role (a tiny world, a large share)."""


def _goods_of(rng: np.random.Generator, industry: str | None) -> str:
    """Goods fitting ``industry``, as the background's invoices name them."""
    goods = names.INDUSTRIES.get(industry or "", ("goods",))
    return goods[int(rng.integers(0, len(goods)))]


def _local_day(day: int, country: str) -> tuple[int, int]:
    """The UTC moments that local ``day`` in ``country`` spans."""
    offset = calendar.UTC_OFFSETS.get(country, 0) * 3600
    return day * calendar.DAY - offset, (day + 1) * calendar.DAY - offset - 1


def _date(day: int) -> date:
    return date.fromordinal(calendar.EPOCH.toordinal() + int(day))
