"""What one planted scheme instance adds to the world, with the ground truth that says so.

A typology function receives a ``Plant`` and calls its small vocabulary: open accounts for new
parties, pay, transfer on chain, hire, log in. Each call records its label (the member's role)
at the same time, so a scheme can never add a transaction or a member without labelling it.
New parties, accounts and wallets take identifiers from the same spaces as legitimate ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from sever.simulate import calendar, names
from sever.simulate.background import TOKEN_ADDRESSES, block_numbers, to_currency
from sever.simulate.identifiers import chain_addresses, hex_id, random_hex, rng_for
from sever.simulate.params import SchemeParams
from sever.simulate.world import World, currency_for, ips

PLANTED_BASE = 1 << 40
"""Planted entities are numbered from here within the legitimate id spaces (no collisions)."""


@dataclass(frozen=True)
class AccountRef:
    """An account as a payment needs it."""

    account_id: str
    bank: str
    country: str
    currency: str
    holder_id: str


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


@dataclass
class Planted:
    """Rows and labels added by all schemes of a world, in plain lists until written."""

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
    party_index: dict[str, int] = field(default_factory=dict)
    stock: Stock = field(default_factory=lambda: Stock(0))
    counters: Counters = field(default_factory=Counters)


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
        self.scheme: SchemeParams = world.params.scheme
        self.params: dict[str, Any] = {}
        self._times: list[int] = []

    # -- time -------------------------------------------------------------------------------

    def start_second(self, span_days: float) -> int:
        """A random moment from which ``span_days`` still fit in the period."""
        last = max(self.world.first_day, self.world.last_day - int(np.ceil(span_days)))
        day = int(self.rng.integers(self.world.first_day, last + 1))
        return day * calendar.DAY + int(self.rng.integers(7 * 3600, 20 * 3600))

    def later(self, seconds: int, low_hours: float, high_hours: float) -> int:
        """A moment between ``low_hours`` and ``high_hours`` after ``seconds``."""
        return int(seconds + self.rng.uniform(low_hours, high_hours) * 3600)

    # -- parties and accounts ----------------------------------------------------------------

    def _label(self, bucket: list[dict[str, Any]], key: str, value: str, role: str) -> None:
        bucket.append(
            {key: value, "scheme_id": self.scheme_id, "typology": self.typology, "role": role}
        )

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
        self._label(self.out.party_labels, "party_id", row["party_id"], role)

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
        """A new company, recently formed by default, labelled with ``role``; returns its id."""
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

    def account(
        self,
        holder_id: str,
        role: str,
        country: str,
        *,
        opened_days_ago: tuple[int, int] = (30, 1500),
        kind: str = "personal",
        opened_day: int | None = None,
    ) -> AccountRef:
        """A new account held by ``holder_id`` at a bank of ``country``, labelled with ``role``."""
        banks = self.world.banks_in(country) or [self.world.bank_of(country)]
        bank = banks[int(self.rng.integers(0, len(banks)))]
        if opened_day is None:
            opened_day = self.world.first_day - int(self.rng.integers(*opened_days_ago))
        currency = currency_for(self.world.params, country)
        ref = AccountRef(self._id("AC", "account"), bank, country, currency, holder_id)
        self.out.accounts.append(
            {
                "account_id": ref.account_id,
                "holder_id": holder_id,
                "bank": bank,
                "country": country,
                "opened": _date(opened_day),
                "account_type": kind,
            }
        )
        self._label(self.out.account_labels, "account_id", ref.account_id, role)
        return ref

    def legit(self, kind: str, country: str | None = None) -> AccountRef:
        """An existing legitimate account of ``kind`` (employer, msb, exchange…), unlabelled."""
        pop = self.world.pops[kind]
        if country is not None:
            pop = pop.within(country) or pop
        index = int(pop.draw(self.rng, 1)[0])
        acc = self.world.accounts
        holder = str(self.world.parties["party_id"][acc.holder[index]])
        return AccountRef(
            str(acc.ids[index]),
            str(acc.bank[index]),
            str(acc.country[index]),
            str(acc.currency[index]),
            holder,
        )

    # -- money -----------------------------------------------------------------------------

    def pay(
        self,
        seconds: int,
        src: AccountRef,
        dst: AccountRef,
        usd: float,
        role: str,
        *,
        payment_format: str = "wire",
        purpose: str = "transfer",
        currency: str | None = None,
    ) -> int:
        """A bank payment worth ``usd`` in the payer's currency (or ``currency``); labelled."""
        code = currency or src.currency
        amount = float(to_currency(np.array([usd]), np.array([code]))[0])
        key = len(self.out.transactions)
        self.out.transactions.append(
            {
                "key": key,
                "seconds": int(seconds),
                "src_account": src.account_id,
                "dst_account": dst.account_id,
                "amount": amount,
                "currency": code,
                "src_bank": src.bank,
                "dst_bank": dst.bank,
                "payment_format": payment_format,
                "src_country": src.country,
                "dst_country": dst.country,
                "purpose": purpose,
            }
        )
        self.out.tx_labels.append(
            {
                "key": key,
                "scheme_id": self.scheme_id,
                "typology": self.typology,
                "role": role,
                "table": "transactions",
            }
        )
        self._times.append(int(seconds))
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


def _date(day: int) -> date:
    return date.fromordinal(calendar.EPOCH.toordinal() + int(day))
