"""Chain transfers read, checked and normalised, kept on the engine for tracing.

Every file is checked before the engine reads it (:func:`check_file`: a Parquet file must have a
readable footer, a CSV file must be UTF-8) and conformed to the transfers contract
(:mod:`sever.tables.chain`): a bad value, a NaN, a negative value or a time outside 1970–9999
stops the run with an error naming the file, the row and the field. Then, the same way on every
run, and counted in the output:

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
from sever.tables.engine import Engine, check_utf8
from sever.tables.io import file_format, read_input
from sever.trace.addresses import address_key_expr
from sever.trace.progress import Progress, silent
from sever.trace.utxo import check_pair, clustered, clusters, utxo_kind, utxo_transfers

COLUMNS = (
    "row_id",
    "tx_hash",
    "seconds",
    "block",
    "log_index",
    "src",
    "dst",
    "value",
    "asset",
    "src_key",
    "dst_key",
)
"""The columns of the kept transfers table every later step reads. ``row_id`` is a hash of the
row (hash, sender, receiver, value): the same on every run, and the last tie-break of the order
after ``seconds, block, log_index``. ``src_key`` and ``dst_key`` are 64-bit hashes of the
addresses: the graph search joins and groups them, several times faster than text."""

MAX_DECIMALS = 36
"""The most decimals a token's values are divided by (ETH has 18, the longest in use about 24)."""


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

    def locate(self, tx_hash: str) -> tuple[str | None, int | None]:
        """The file and 1-based data row where transaction ``tx_hash`` first appears, for an
        error message (None where no file's hash column holds it, e.g. bitcoin-etl inputs)."""
        from sever.tables.io import read_column

        for path in self.files:
            if Path(path).is_dir():
                continue
            for name in (
                "tx_hash",
                *(theirs for theirs, ours in TRANSFERS.aliases if ours == "tx_hash"),
            ):
                column = read_column(path, name)
                if column is None:
                    continue
                rows = [i for i, v in enumerate(column.to_pylist(), 1) if str(v).strip() == tx_hash]
                if rows:
                    return path, rows[0]
        return (self.files[0] if len(self.files) == 1 else None), None


def check_decimals(decimals: int) -> None:
    """Refuse a number of decimals no token has (negative, or more than :data:`MAX_DECIMALS`:
    10^309 is beyond any float)."""
    if not (isinstance(decimals, int) and 0 <= decimals <= MAX_DECIMALS):
        raise InputError(
            None, f"{decimals} is not between 0 and {MAX_DECIMALS}", field="--decimals"
        )


def check_file(path: str | Path) -> None:
    """Refuse, naming the file, what the engine would fail on without saying where: a Parquet
    file whose footer cannot be read (truncated, or not Parquet at all), a folder without Parquet
    files, a CSV file that is not UTF-8 (naming the line; DuckDB would otherwise stop with an
    internal error and refuse every later query on the same connection)."""
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.exists():
        raise InputError(path, "transfers file not found")
    if path.is_dir():
        parts = sorted(path.glob("*.parquet"))
        if not parts:
            raise InputError(path, "a folder of transfers must hold .parquet files")
        path = parts[0]
    if file_format(path) == "csv":
        check_utf8(path)
        return
    try:
        pq.read_schema(path)
    except Exception as exc:  # pyarrow's errors: ArrowInvalid, OSError, …
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(path, f"not a readable Parquet file: {first}") from None


def open_transfers(
    engine: Engine, path: str | Path, *, asset: str | None = None, decimals: int = 0
) -> ir.Table:
    """One file conformed to the contract, its asset filled in: the file's ``asset``, else its
    token contract, else ``asset`` (ethereum-etl transactions and traces carry no asset column:
    they are the native coin). A row left without an asset is an error."""
    check_decimals(decimals)
    check_file(path)
    return _opened(engine, path, asset, decimals)


def _opened(engine: Engine, path: str | Path, asset: str | None, decimals: int) -> ir.Table:
    """``open_transfers`` for a file already checked."""
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
        .ifelse(symbol.lower(), (symbol.upper() == "XBT").ifelse("BTC", symbol.upper()))
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
    progress: Progress = silent,
) -> Transfers:
    """Read every file (transfers, or bitcoin-etl inputs and outputs: :mod:`sever.trace.utxo`),
    normalise it, set aside what moves nothing, and keep the rest. ``progress`` hears of each
    file checked and of each pass over the rows."""
    if not paths:
        raise InputError(None, "give at least one transfers file", field="--transfers")
    check_decimals(decimals)
    steps = len(paths) + 2
    for done, path in enumerate(paths, 1):
        check_file(path)
        progress("reading transfers", done, steps)
    kinds = {Path(p): utxo_kind(p) for p in paths}
    parts = [
        normalised(_opened(engine, p, asset, decimals)) for p, kind in kinds.items() if kind is None
    ]
    inputs = [p for p, kind in kinds.items() if kind == "inputs"]
    outputs = [p for p, kind in kinds.items() if kind == "outputs"]
    if inputs or outputs:
        check_pair(inputs, outputs)
        bitcoin = utxo_transfers(engine, inputs[0], outputs[0])
        if cluster_inputs:
            bitcoin = clustered(bitcoin, clusters(engine, inputs[0]), engine)
        parts.append(normalised(conform(bitcoin, TRANSFERS, inputs[0])))
    # Kept once, with everything later steps read: the counts and the kept rows below read the
    # normalised columns, not the files (DuckDB would otherwise work out every address's key
    # again for each use of it), and the rows set aside stay in the table, filtered out, rather
    # than copying the rest into a second one.
    table = parts[0] if len(parts) == 1 else ibis.union(*parts)
    identity = table.tx_hash.concat("|", table.src, "|", table.dst, "|", table.value.cast("string"))
    table = engine.keep(
        table.mutate(
            row_id=identity.hash(),
            src_key=table.src.hash(),
            dst_key=table.dst.hash(),
            moves=~table.failed & (table.value > 0) & (table.src != table.dst),
        )
    )
    progress("reading transfers", steps - 1, steps)
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
    kept = table.filter(table.moves).select(*COLUMNS)
    progress("reading transfers", steps, steps)
    return Transfers(engine, kept, handling, tuple(str(p) for p in paths))
