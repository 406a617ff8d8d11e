"""Bitcoin as bitcoin-etl exports it: inputs and outputs, turned into transfers.

A Bitcoin transaction spends inputs (each from one address) and creates outputs (each to one
address); it says nothing about which input paid which output. bitcoin-etl's ``inputs`` table
(``transaction_hash, block_timestamp, block_number, index, spent_transaction_hash,
spent_output_index, addresses, value``) and ``outputs`` table (``transaction_hash,
block_timestamp, block_number, index, addresses, value``) are read, values in satoshi, and each
transaction becomes one transfer per (input address, output address), carrying the output's value
in proportion to what each input address put in (the fee is dropped: no one receives it). Change
sent back to an input address becomes a self transfer, set aside like any other.

Common-input clustering (``--cluster-inputs``): the addresses that sign inputs of one transaction
are taken to belong to one owner, and each is replaced by its cluster's first address. Known
weakness: CoinJoin transactions join strangers' inputs on purpose, and one of them merges
unrelated wallets; use it where CoinJoin is not in play, and check large clusters.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow.parquet as pq

from sever.errors import InputError
from sever.tables.engine import Engine
from sever.tables.io import csv_header, file_format

SATOSHI = 1e8
INPUT_COLUMNS = ("transaction_hash", "block_timestamp", "spent_transaction_hash", "addresses",
                 "value")  # fmt: skip
OUTPUT_COLUMNS = ("transaction_hash", "block_timestamp", "addresses", "value")


def columns_of(path: str | Path) -> list[str]:
    """The column names of a Parquet or CSV file."""
    path = Path(path)
    if file_format(path) == "parquet":
        target = next(path.glob("*.parquet")) if path.is_dir() else path
        return list(pq.read_schema(target).names)
    return csv_header(path)


def utxo_kind(path: str | Path) -> str | None:
    """``inputs`` or ``outputs`` for a bitcoin-etl table, None for a transfers file."""
    names = set(columns_of(path))
    if "from_address" in names or "to_address" in names:
        return None
    if set(INPUT_COLUMNS) <= names:
        return "inputs"
    if set(OUTPUT_COLUMNS) <= names:
        return "outputs"
    return None


def _side(engine: Engine, path: Path, what: str) -> ir.Table:
    """One side, one address per row (bitcoin-etl writes a list; the first address is kept),
    the value in BTC."""
    fmt = file_format(path)
    table = engine.read(str(path), fmt, columns_of(path) if fmt == "csv" else None)
    address = table.addresses
    if address.type().is_array():
        address = address[0]
    else:
        address = address.cast("string").re_replace(r"[\[\]\"' ]", "").split(",")[0]
    value = table.value.cast("float64")
    when = table.block_timestamp
    when = when if when.type().is_timestamp() else when.cast("string").cast("timestamp")
    return table.select(
        tx_hash=table.transaction_hash.cast("string"),
        timestamp=when,
        block_number=table.block_number.cast("float64")
        if "block_number" in table.columns
        else ibis.null("float64"),
        address=address,
        value=value / SATOSHI,
    ).filter(ibis._.address.notnull() & (ibis._.address != ""))


def utxo_transfers(engine: Engine, inputs: Path, outputs: Path) -> ir.Table:
    """Transfers (the contract's columns, asset BTC) from bitcoin-etl inputs and outputs."""
    spent = _side(engine, inputs, "inputs")
    made = _side(engine, outputs, "outputs")
    paid = spent.group_by(["tx_hash", "address"]).aggregate(
        paid=spent.value.sum(), timestamp=spent.timestamp.min(), block=spent.block_number.min()
    )
    total = spent.group_by("tx_hash").aggregate(total=spent.value.sum())
    got = made.group_by(["tx_hash", "address"]).aggregate(got=made.value.sum())
    shares = paid.join(total, "tx_hash")
    pairs = shares.join(got, "tx_hash")
    value = (pairs.got * pairs.paid / pairs.total).fill_null(0.0)
    return pairs.select(
        tx_hash=pairs.tx_hash,
        timestamp=pairs.timestamp,
        from_address=pairs.address,
        to_address=pairs.address_right,
        value=value,
        asset=ibis.literal("BTC"),
        block_number=pairs.block,
        log_index=ibis.null("float64"),
    )


def check_pair(inputs: list[Path], outputs: list[Path]) -> None:
    """bitcoin-etl inputs and outputs come in pairs: one of each."""
    if len(inputs) != len(outputs) or len(inputs) > 1:
        raise InputError(
            (inputs or outputs)[0],
            "give bitcoin-etl inputs and outputs together, one file (or folder) of each",
        )


def clusters(engine: Engine, inputs: Path) -> dict[str, str]:
    """Common-input clusters: address -> its cluster's first address (addresses that sign inputs
    of one transaction are one owner)."""
    spent = _side(engine, inputs, "inputs").select("tx_hash", "address").distinct()
    frame = engine.to_pandas(spent)
    parent: dict[str, str] = {}

    def root(a: str) -> str:
        while parent.get(a, a) != a:
            parent[a] = parent.get(parent[a], parent[a])
            a = parent[a]
        return a

    for _, group in frame.groupby("tx_hash"):
        addresses = sorted(group.address)
        first = root(addresses[0])
        for other in addresses[1:]:
            top = root(other)
            if top != first:
                low, high = sorted((first, top))
                parent[high] = low
                first = low
    return {a: root(a) for a in parent}


def clustered(table: ir.Table, mapping: dict[str, str], engine: Engine) -> ir.Table:
    """Transfers with every clustered address replaced by its cluster's first address."""
    if not mapping:
        return table
    names = engine.table(pd.DataFrame({"member": list(mapping), "cluster": list(mapping.values())}))
    for column in ("from_address", "to_address"):
        joined = table.left_join(names, table[column] == names.member)
        table = joined.mutate(**{column: joined.cluster.fill_null(joined[column])}).drop(
            "member", "cluster"
        )
    return table
