"""A hand-made world for rule tests: quiet background accounts and patterns planted on purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Ledger:
    """Transactions, accounts and parties written the way a bank would export them."""

    tx: list[dict] = field(default_factory=list)
    accounts: dict[str, dict] = field(default_factory=dict)
    parties: dict[str, dict] = field(default_factory=dict)

    def account(
        self,
        account_id: str,
        *,
        kind: str = "person",
        country: str = "US",
        opened: date = date(2020, 1, 1),
        formed: date | None = None,
    ) -> str:
        holder = f"P-{account_id}"
        self.parties.setdefault(
            holder,
            {
                "party_id": holder,
                "schema": "Person" if kind == "person" else "Company",
                "name": f"Holder of {account_id}",
                "country": country,
                "party_type": kind,
                "incorporation_date": formed,
            },
        )
        self.accounts.setdefault(
            account_id,
            {
                "account_id": account_id,
                "holder_id": holder,
                "bank": "Test Bank",
                "country": country,
                "opened": opened,
                "account_type": "business" if kind != "person" else "personal",
            },
        )
        return account_id

    def pay(
        self,
        src: str,
        dst: str,
        amount: float,
        at: datetime | float,
        *,
        currency: str = "USD",
        purpose: str = "transfer",
        payment_format: str = "wire",
    ) -> str:
        """Record a payment; ``at`` is a datetime or hours after T0."""
        when = at if isinstance(at, datetime) else T0 + timedelta(hours=at)
        for account in (src, dst):
            if account not in self.accounts:
                self.account(account)
        tx_id = f"T{len(self.tx) + 1:05d}"
        self.tx.append(
            {
                "tx_id": tx_id,
                "timestamp": when,
                "src_account": src,
                "dst_account": dst,
                "amount": float(amount),
                "currency": currency,
                "src_bank": "Test Bank",
                "dst_bank": "Test Bank",
                "payment_format": payment_format,
                "src_country": self.accounts[src]["country"],
                "dst_country": self.accounts[dst]["country"],
                "purpose": purpose,
            }
        )
        return tx_id

    def background(self, people: int = 30, days: int = 90) -> None:
        """Ordinary life: each person is paid monthly and pays a few bills to shops."""
        employer = self.account("EMP-BG", kind="employer")
        shops = [self.account(f"SHOP{i}", kind="merchant") for i in range(5)]
        for p in range(people):
            person = self.account(f"BG{p:03d}")
            for month in range(days // 30):
                self.pay(employer, person, 3_000 + 10 * p, month * 720 + p, purpose="salary")
                for k in range(3):
                    shop = shops[(p + k) % len(shops)]
                    self.pay(person, shop, 40 + 7 * k + p, month * 720 + 100 + 50 * k + p)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {
            "transactions": pd.DataFrame(self.tx),
            "accounts": pd.DataFrame(list(self.accounts.values())),
            "parties": pd.DataFrame(list(self.parties.values())),
        }


@pytest.fixture
def ledger() -> Ledger:
    """A ledger with the quiet background already written."""
    book = Ledger()
    book.background()
    return book


@pytest.fixture
def new_ledger() -> type[Ledger]:
    """The Ledger class, for tests that write their own background."""
    return Ledger


def crowd(book: Ledger, people: int = 600) -> None:
    """A town large enough to calibrate on: each person pays two friends once a month."""
    for p in range(people):
        for k in (1, 2):
            friend = f"F{(p + 37 * k) % people:03d}"
            book.pay(f"F{p:03d}", friend, 700, (p % 500) + 3 * k)


def generous(book: Ledger, count: int = 5, receivers: int = 6) -> list[str]:
    """Legitimate people who pay more friends than most: above the crowd, below a scheme."""
    names = [f"G{i}" for i in range(count)]
    for i, name in enumerate(names):
        for j in range(receivers):
            book.pay(name, f"F{(50 * i + j) % 600:03d}", 900 + 10 * j, 100 + 5 * i + j)
    return names


def hubs(book: Ledger, count: int = 2, mules: int = 9) -> dict[str, list[str]]:
    """Fan-outs: each hub splits a balance over fresh mule accounts within hours."""
    planted = {}
    for i in range(count):
        hub = f"H{i}"
        planted[hub] = [f"H{i}-M{j}" for j in range(mules)]
        for j, mule in enumerate(planted[hub]):
            book.pay(hub, mule, 3_000 + 10 * j, 200 + 30 * i + j)
    return planted


@pytest.fixture
def town() -> tuple[Ledger, list[str], dict[str, list[str]]]:
    """A crowd, five generous people and two planted fan-out hubs (hubs are the labelled)."""
    book = Ledger()
    crowd(book)
    return book, generous(book), hubs(book)
