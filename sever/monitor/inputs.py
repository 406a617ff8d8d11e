"""The tables every rule reads, prepared once per run from the user's files.

``tx`` holds each transaction with its time as seconds since 1970 (``t``, UTC) and its amount in US
dollars (``amount_usd``), so windows and thresholds mean the same on every engine. ``accounts``
joins each account to its holder (type, country, when it was opened or formed). ``hits`` attaches
screening hits to the accounts their parties hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from sever.errors import InputError
from sever.monitor.rule import Inputs
from sever.tables.currencies import USD_PER_UNIT
from sever.tables.engine import Engine

TX_COLUMNS = (
    "tx_id",
    "timestamp",
    "t",
    "src_account",
    "dst_account",
    "amount",
    "currency",
    "amount_usd",
    "payment_format",
    "src_country",
    "dst_country",
    "purpose",
)


def prepare_transactions(
    engine: Engine,
    tx: ir.Table,
    path: str | Path | None,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Transactions in one time base and one currency; unknown currencies stop the run."""
    rates = rates or USD_PER_UNIT
    table = engine.table(
        pa.table({"rate_code": list(rates), "usd_per_unit": [float(v) for v in rates.values()]})
    )
    code = tx.currency.strip().upper()
    joined = tx.mutate(rate_code=code).left_join(table, "rate_code")
    unknown = joined.filter(joined.usd_per_unit.isnull())
    found = unknown.select(c=unknown.rate_code, k=unknown.tx_id).order_by("k").limit(1)
    example = found.to_pyarrow().to_pylist()
    if example:
        codes = unknown.rate_code.nunique().to_pyarrow().as_py()
        raise InputError(
            path,
            f"unknown currency {example[0]['c']!r} (transaction {example[0]['k']!r}; "
            f"{codes} unknown code(s) in all); add its rate with --rates FILE",
            field="currency",
        )
    lower = {name: joined[name].strip().upper() for name in ("src_country", "dst_country")}
    return joined.mutate(
        t=joined.timestamp.epoch_seconds().cast(dt.int64),
        currency=code,
        amount_usd=(joined.amount * joined.usd_per_unit).round(2),
        payment_format=joined.payment_format.strip().lower(),
        purpose=joined.purpose.strip().lower(),
        **lower,
    ).select(*TX_COLUMNS)


def prepare_accounts(accounts: ir.Table, parties: ir.Table | None) -> ir.Table:
    """Each account with its holder's type and country and when the account or holder began."""
    day = 86_400
    base = accounts.select(
        account_id=accounts.account_id,
        holder_id=accounts.holder_id,
        account_country=accounts.country.strip().upper(),
        account_type=accounts.account_type.strip().lower(),
        opened_t=(accounts.opened.epoch_days() * day).cast(dt.int64),
    )
    if parties is None:
        return base.mutate(
            holder_type=base.account_type,
            holder_country=base.account_country,
            formed_t=ibis.null(dt.int64),
        )
    holders = parties.select(
        holder_id=parties.party_id,
        holder_type=parties.party_type.strip().lower(),
        holder_country=parties.country.strip().upper(),
        formed_t=(parties.incorporation_date.epoch_days() * day).cast(dt.int64),
    )
    joined = base.left_join(holders, "holder_id")
    return joined.select(
        "account_id",
        "holder_id",
        "account_country",
        "opened_t",
        holder_type=joined.holder_type.fill_null(joined.account_type),
        holder_country=joined.holder_country.fill_null(joined.account_country),
        formed_t=joined.formed_t,
        account_type=joined.account_type,
    )


HOLDER_COLUMNS = ("party_id", "country", "address", "phone", "email", "ip", "device_id",
                  "directors", "owners")  # fmt: skip
"""What :mod:`sever.monitor.holders` reads of each party."""


def prepare_parties(parties: ir.Table) -> ir.Table:
    """The parties' identifiers, directors and owners, as text (a file without a column gives it
    empty)."""
    return parties.select(
        **{
            name: parties[name].cast(dt.string) if name in parties.columns else ibis.null(dt.string)
            for name in HOLDER_COLUMNS
        }
    )


def prepare_hits(hits: ir.Table, accounts: ir.Table | None) -> ir.Table:
    """Screening hits on the parties behind accounts: one row per (account, listed entity)."""
    called = hits.filter(hits.match)
    if accounts is None:
        # Without an accounts table a party id is taken to be the account id it trades under.
        return called.select(
            account_id=called.party_id,
            party_id=called.party_id,
            entity_id=called.entity_id,
            score=called.score,
            explanation=called.explanation,
        )
    joined = called.join(accounts, called.party_id == accounts.holder_id)
    return joined.select(
        account_id=joined.account_id,
        party_id=joined.party_id,
        entity_id=joined.entity_id,
        score=joined.score,
        explanation=joined.explanation,
    )


def prepare(
    engine: Engine,
    tx: ir.Table,
    *,
    tx_path: str | Path | None = None,
    accounts: ir.Table | None = None,
    parties: ir.Table | None = None,
    hits: ir.Table | None = None,
    rates: Mapping[str, float] | None = None,
    since_t: int | None = None,
) -> Inputs:
    """All rule inputs, computed once and kept on the engine for the run.

    ``since_t`` (seconds) keeps only transactions at or after that time: the incremental mode's
    look-back horizon.
    """
    prepared = prepare_transactions(engine, tx, tx_path, rates)
    if since_t is not None:
        prepared = prepared.filter(prepared.t >= since_t)
    account_view = prepare_accounts(accounts, parties) if accounts is not None else None
    hit_view = prepare_hits(hits, account_view) if hits is not None else None
    return Inputs(
        tx=engine.keep(prepared),
        accounts=engine.keep(account_view) if account_view is not None else None,
        hits=engine.keep(hit_view) if hit_view is not None else None,
        parties=prepare_parties(parties) if parties is not None else None,
    )
