"""Chain transfers read, checked and normalised, kept on the engine for tracing.

Every file is conformed to the transfers contract (:mod:`sever.tables.chain`): a bad value, a NaN,
a negative value or a time outside 1970–9999 stops the run with an error naming the file, the row
and the field. Then, the same way on every run, and counted in the output:

- addresses are joined in a case-insensitive form (:mod:`sever.trace.addresses`);
- asset symbols are upper case and ``XBT`` is ``BTC``; token contracts are lower case;
- rows of a failed transaction (``status`` false) are set aside: they moved nothing;
- zero-value rows are set aside: they move nothing, and address-poisoning scams send them to
  make a look-alike address appear in a victim's history;
- self transfers (from and to the same address) are set aside: they move nothing between
  addresses and would only make a wallet look busier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir

from sever.errors import InputError
from sever.tables.chain import TRANSFERS
from sever.tables.contracts import conform
from sever.tables.engine import Engine
from sever.tables.io import read_input
from sever.trace.addresses import address_key_expr
from sever.trace.utxo import check_pair, clustered, clusters, utxo_kind, utxo_transfers

COLUMNS = ("row_id", "tx_hash", "seconds", "block", "log_index", "src", "dst", "value", "asset")
"""The columns of the kept transfers table every later step reads. ``row_id`` is a hash of the
row (hash, sender, receiver, value): the same on every run, and the last tie-break of the order
after ``seconds, block, log_index``."""


@dataclass(frozen=True)
class Handling:
    """How many rows were read and how many were set aside, by reason."""

    rows_read: int
    failed: int
    zero_value: int
    self_transfers: int

    @property
    def kept(self) -> int:
        return self.rows_read - self.failed - self.zero_value - self.self_transfers

    def sentence(self) -> str:
        """The handling in one sentence, for the output."""
        return (
            f"{self.rows_read:,} transfer rows read; set aside: {self.failed:,} of failed "
            f"transactions, {self.zero_value:,} of zero value, {self.self_transfers:,} from an "
            f"address to itself; {self.kept:,} traced"
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "failed": self.failed,
            "zero_value": self.zero_value,
            "self_transfers": self.self_transfers,
            "kept": self.kept,
        }


@dataclass
class Transfers:
    """The kept transfers (columns :data:`COLUMNS`) on one engine, and how they were handled."""

    engine: Engine
    table: ir.Table
    handling: Handling
    files: tuple[str, ...]


def open_transfers(
    engine: Engine, path: str | Path, *, asset: str | None = None, decimals: int = 0
) -> ir.Table:
    """One file conformed to the contract, its asset filled in: the file's ``asset``, else its
    token contract, else ``asset`` (ethereum-etl transactions and traces carry no asset column:
    they are the native coin). A row left without an asset is an error."""
    table = read_input(engine, path, TRANSFERS)
    filled = table.asset.fill_null(table.token_address)
    if asset:
        filled = filled.fill_null(asset)
    table = table.mutate(asset=filled)
    missing = int(
        engine.to_pandas(table.aggregate(n=table.asset.isnull().ifelse(1, 0).sum())).n.iloc[0] or 0
    )
    if missing:
        raise InputError(
            path,
            f"transfers: {missing:,} row(s) have no asset and no token "
            "contract; give the asset of the native coin (--asset ETH)",
            field="asset",
        )
    if decimals:
        table = table.mutate(value=table.value / 10.0**decimals)
    return table


def normalised(table: ir.Table) -> ir.Table:
    """Join keys, asset symbols and ordering columns, before anything is set aside."""
    symbol = table.asset.strip()
    asset = (
        symbol.lower()
        .startswith("0x")
        .ifelse(symbol.lower(), symbol.upper().re_replace("^XBT$", "BTC"))
    )
    return table.select(
        tx_hash=table.tx_hash,
        seconds=table.timestamp.epoch_seconds().cast("int64"),
        block=table.block_number.cast("int64").fill_null(0),
        log_index=table.log_index.cast("int64").fill_null(0),
        src=address_key_expr(table.from_address),
        dst=address_key_expr(table.to_address),
        value=table.value,
        asset=asset,
        failed=table.status.fill_null(True) == ibis.literal(False),
    )


def load_transfers(
    engine: Engine,
    paths: Sequence[str | Path],
    *,
    asset: str | None = None,
    decimals: int = 0,
    cluster_inputs: bool = False,
) -> Transfers:
    """Read every file (transfers, or bitcoin-etl inputs and outputs: :mod:`sever.trace.utxo`),
    normalise it, set aside what moves nothing, and keep the rest."""
    if not paths:
        raise InputError(None, "give at least one transfers file", field="--transfers")
    for path in paths:
        if not Path(path).exists():
            raise InputError(path, "transfers file not found")
    kinds = {Path(p): utxo_kind(p) for p in paths}
    parts = [
        normalised(open_transfers(engine, p, asset=asset, decimals=decimals))
        for p, kind in kinds.items()
        if kind is None
    ]
    inputs = [p for p, kind in kinds.items() if kind == "inputs"]
    outputs = [p for p, kind in kinds.items() if kind == "outputs"]
    if inputs or outputs:
        check_pair(inputs, outputs)
        bitcoin = utxo_transfers(engine, inputs[0], outputs[0])
        if cluster_inputs:
            bitcoin = clustered(bitcoin, clusters(engine, inputs[0]), engine)
        parts.append(normalised(conform(bitcoin, TRANSFERS, inputs[0])))
    # Kept once: the counts and the kept rows below read the normalised columns, not the files
    # (DuckDB would otherwise work out every address's key again for each use of it).
    table = engine.keep(parts[0] if len(parts) == 1 else ibis.union(*parts))
    zero = (table.value == 0) & ~table.failed
    same = (table.src == table.dst) & ~table.failed & ~zero
    counts = engine.to_pandas(
        table.aggregate(
            rows=table.count(),
            failed=table.failed.ifelse(1, 0).sum(),
            zero=zero.ifelse(1, 0).sum(),
            same=same.ifelse(1, 0).sum(),
        )
    ).iloc[0]
    handling = Handling(
        int(counts["rows"]),
        int(counts["failed"] or 0),
        int(counts["zero"] or 0),
        int(counts["same"] or 0),
    )
    kept = table.filter(~table.failed & (table.value > 0) & (table.src != table.dst))
    identity = kept.tx_hash.concat("|", kept.src, "|", kept.dst, "|", kept.value.cast("string"))
    kept = kept.mutate(row_id=identity.hash())
    kept = engine.keep(kept.select(*COLUMNS))
    return Transfers(engine, kept, handling, tuple(str(p) for p in paths))
