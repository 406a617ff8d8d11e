"""A labelled test world for the scorer: ordinary people, and mules with ordinary lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sever.monitor import run_pack
from sever.monitor.inputs import prepare
from sever.monitor.rule import Inputs
from sever.monitor.split import Labels
from sever.tables.contracts import ACCOUNTS, PARTIES, TRANSACTIONS, conform
from sever.tables.engine import Engine, connect

if TYPE_CHECKING:
    from tests.monitor.conftest import Ledger

DAY_H = 24
START = 1_709_283_600
"""T0 of the test ledger in seconds (2024-03-01 09:00 UTC)."""


def mule_world(book: Ledger, mules: int = 24) -> Labels:
    """A background of ordinary people, and mules with ordinary lives who, once, take money from
    three senders and pass it on within hours. Their start times spread over the 90 days."""
    book.background(people=80)
    labels = Labels(accounts=set(), tx=set())
    for m in range(mules):
        mule = f"MULE{m:02d}"
        for k in range(3):
            book.pay("EMP-BG", mule, 2_100 + m, k * 30 * DAY_H + 7)
            book.pay(mule, f"SHOP{k}", 60 + m, k * 30 * DAY_H + 9 * DAY_H)
        at = 2 + m * 3.6 * DAY_H
        labels.accounts.add(mule)
        labels.account_start[mule] = START + at * 3_600
        for s in range(3):
            labels.tx.add(book.pay(f"BG{3 * m + s:03d}", mule, 900 + 10 * s, at + s))
        labels.tx.add(book.pay(mule, f"CASH{m % 3}", 2_500, at + 4, payment_format="cash"))
    return labels


def bound(book: Ledger) -> tuple[Engine, Inputs, list]:
    frames = book.frames()
    engine = connect("duckdb")
    inputs = prepare(
        engine,
        conform(engine.table(frames["transactions"]), TRANSACTIONS, "<tx>"),
        accounts=conform(engine.table(frames["accounts"]), ACCOUNTS, "<accounts>"),
        parties=conform(engine.table(frames["parties"]), PARTIES, "<parties>"),
    )
    alerts = run_pack(
        frames["transactions"], accounts=frames["accounts"], parties=frames["parties"]
    ).alerts
    return engine, inputs, alerts
