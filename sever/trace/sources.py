"""Where a trace starts: addresses (all they send is stolen value) or a theft transaction (what
it moved is the stolen value, starting at its receivers)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from sever.errors import InputError
from sever.tables.engine import Engine
from sever.trace.addresses import address_key

TX_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
"""A transaction hash: 64 hexadecimal digits (Ethereum writes a ``0x`` before them)."""

ADDRESS = re.compile(r"^[A-Za-z0-9:._-]{1,128}$")
"""What any chain's address can look like: letters, digits and ``: . _ -``, no spaces."""

EVM_LIKE = re.compile(r"^0[xX][0-9a-fA-F]{40}$")

EARLIEST = -(2**62)
"""A source's start when no ``--since`` is given: everything it sent counts (backward traces run
on negated times, so this is far below any time either way)."""


@dataclass(frozen=True)
class Start:
    """The trace's starting points: source addresses with the second each starts at, and the
    row ids of theft transactions' transfers (their whole value is stolen)."""

    addresses: dict[str, int]
    """Address -> first second at which what it sends counts as stolen."""
    theft_rows: frozenset[int]
    receivers: dict[str, int]
    """For theft transactions: each receiver and the time the stolen funds reached it."""
    missing: tuple[str, ...]
    """Sources given that appear in no transfer (reported, not fatal unless all are)."""

    def seeds_from(self) -> dict[str, int]:
        """Where reachability starts: source addresses and theft receivers."""
        return {**self.receivers, **self.addresses}


def resolve_start(
    engine: Engine, transfers: ir.Table, given: Sequence[str], since: int | None
) -> Start:
    """Sort the user's ``--from`` values into addresses and transactions, and check each one is
    in the data."""
    if not given:
        raise InputError(None, "give at least one address or transaction hash", field="--from")
    for text in given:
        check_source(text)
    hashes = [g.strip().lower() for g in given if TX_HASH.match(g.strip())]
    keys = [address_key(g) for g in given if not TX_HASH.match(g.strip())]
    senders = transfers.filter(transfers.src.isin(keys)).select(address=transfers.src)
    receivers = transfers.filter(transfers.dst.isin(keys)).select(address=transfers.dst)
    known = engine.to_pandas(senders.union(receivers).distinct())
    present = set(known.address) & set(keys)
    thefts = engine.to_pandas(
        transfers.filter(transfers.tx_hash.lower().isin(hashes)).select(
            "row_id", "tx_hash", "dst", "seconds"
        )
    )
    missing = tuple(k for k in keys if k not in present) + tuple(
        h for h in hashes if h not in set(thefts.tx_hash.str.lower())
    )
    if not present and thefts.empty:
        raise InputError(
            None,
            f"none of the sources appears in the transfers: {', '.join(given)}",
            field="--from",
        )
    start = since if since is not None else EARLIEST
    receivers = _receivers(thefts)
    return Start(
        {k: start for k in sorted(present)}, frozenset(map(int, thefts.row_id)), receivers, missing
    )


def check_source(text: str) -> None:
    """Refuse a ``--from`` value that is neither a transaction hash nor an address: words,
    spaces, or a ``0x`` value that is not 40 (an address) or 64 (a hash) hexadecimal digits."""
    value = text.strip()
    if TX_HASH.match(value) or EVM_LIKE.match(value):
        return
    if value[:2].lower() == "0x" or not ADDRESS.match(value):
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise InputError(
            None,
            f"{shown!r} is not an address or a transaction hash "
            "(an EVM address is 0x and 40 hexadecimal digits)",
            field="--from",
        )


def _receivers(thefts: pd.DataFrame) -> dict[str, int]:
    return {str(a): int(s) for a, s in thefts.groupby("dst").seconds.min().items()}
