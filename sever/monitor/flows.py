"""Building blocks the rules share: money seen from one account's side, windows, and hops.

Each block is an Ibis expression, so a rule built from them runs on any engine. Windows are
hopping windows of length W that start every W/2: a pattern that plays out within W/2 always falls
wholly inside one of them, and one within W usually does.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

DAY = 86_400
HOUR = 3_600


def legs(tx: ir.Table) -> ir.Table:
    """Each transaction twice: as money out of its sender and as money into its receiver."""
    out = tx.select(
        account=tx.src_account,
        counterparty=tx.dst_account,
        direction=ibis.literal("out"),
        t=tx.t,
        amount=tx.amount_usd,
        tx_id=tx.tx_id,
    )
    into = tx.select(
        account=tx.dst_account,
        counterparty=tx.src_account,
        direction=ibis.literal("in"),
        t=tx.t,
        amount=tx.amount_usd,
        tx_id=tx.tx_id,
    )
    return out.union(into)


def hopping(table: ir.Table, window_s: int) -> ir.Table:
    """Each row placed in the two hopping windows (``phase``, ``window``) that cover its time."""
    half = window_s // 2
    first = table.mutate(phase=ibis.literal(0), window=(table.t // window_s).cast(dt.int64))
    second = table.mutate(
        phase=ibis.literal(1), window=((table.t + half) // window_s).cast(dt.int64)
    )
    return first.union(second)


def then(
    first: ir.Table,
    second: ir.Table,
    *,
    first_key: str,
    second_key: str,
    within_s: int,
) -> ir.Table:
    """Pairs where ``second`` happens at most ``within_s`` after ``first`` and shares its key.

    Both tables carry a time column ``t``; the result has the first's columns prefixed ``a_`` and
    the second's prefixed ``b_``. The join runs on (key, time bucket) so busy accounts do not pair
    every transaction with every other one.
    """
    a = first.rename(lambda name: f"a_{name}")
    b = second.rename(lambda name: f"b_{name}")
    a = a.mutate(a_bucket=(a.a_t // within_s).cast(dt.int64))
    own = b.mutate(b_bucket=(b.b_t // within_s).cast(dt.int64))
    previous = b.mutate(b_bucket=(b.b_t // within_s).cast(dt.int64) - 1)
    b = own.union(previous)
    pairs = a.join(
        b,
        [a[f"a_{first_key}"] == b[f"b_{second_key}"], a.a_bucket == b.b_bucket],
    )
    gap = pairs.b_t - pairs.a_t
    return pairs.filter(gap >= 0, gap <= within_s).drop("a_bucket", "b_bucket")


def holder_types(inputs_accounts: ir.Table | None, kinds: Sequence[str]) -> ir.Table | None:
    """Accounts whose holder is one of ``kinds`` (e.g. msb, exchange, otc), or None if unknown."""
    if inputs_accounts is None:
        return None
    chosen = inputs_accounts.filter(inputs_accounts.holder_type.isin(tuple(kinds)))
    return chosen.select(kind_account=chosen.account_id, kind=chosen.holder_type)


BUSY_PER_DAY = 10.0
"""An account averaging more payments a day than this (over at least a week) is a business hub
(a shop, an exchange, a payroll account), not a mule: pattern joins do not pass through it."""


def busy_accounts(tx: ir.Table, per_day: float = BUSY_PER_DAY, scale: float = 1.0) -> ir.Table:
    """Accounts too busy to be a link in a laundering chain, in one column ``busy``.

    Pairing every payment in with every payment out of such an account is what would make a
    pattern search explode; the patterns themselves move through quiet, often new accounts.
    ``scale`` is the file's pace against the default one (see
    :func:`sever.monitor.calibrate.file_pace`): in a file that moves four times more slowly,
    a quarter of ``per_day`` is as busy.
    """
    side = legs(tx)
    activity = side.group_by("account").aggregate(
        n=side.tx_id.count(), span=(side.t.max() - side.t.min()) / DAY
    )
    rate = activity.n / ibis.greatest(activity.span, 7.0 * scale)
    busy = activity.filter(rate > per_day / scale)
    return busy.select(busy=busy.account)


def without(table: ir.Table, key: str, accounts: ir.Table) -> ir.Table:
    """Rows whose ``key`` account is not in ``accounts`` (a one-column table of account ids)."""
    column = accounts.columns[0]
    other = accounts.view()
    return table.anti_join(other, table[key] == other[column])
