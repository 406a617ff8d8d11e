"""The input tables sever reads, their columns, and the checks that keep bad input out.

Each contract names its columns, what kind of value each holds and whether it is required. A file
is conformed to its contract before any rule sees it: required columns must be present, values must
parse as their kind, keys must be unique. Anything else is an :class:`~sever.errors.InputError` that
names the file, the row and the field. Extra columns are kept and carried into evidence.

Documented handling (never a silent wrong answer):

- Timestamps are stored in UTC. Text with an offset (``2024-05-01T09:00:00+09:00``, ``...Z``) is
  converted to UTC; text without an offset, and Parquet timestamps without a zone, are taken to be
  UTC already. A column mixing text with and without offsets is refused: its meaning is ambiguous.
- Amounts must be numbers and not negative; the direction of money is given by the accounts.
- Every currency must be in the rate table (:mod:`sever.tables.currencies`), or the run stops.
- Transaction ids must be unique; a repeated id is an error naming both rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from sever.errors import InputError

KINDS = ("text", "number", "time", "date", "flag")

_PARSED = ("number", "time", "date")
_RAW = "_sever_raw_"  # the file's own value, kept while checking that it parsed

# An ISO 8601 offset at the end of a timestamp written as text: Z, +09:00, -0500.
_OFFSET = r"(Z|z|[+-]\d{2}:?\d{2})$"


@dataclass(frozen=True)
class Column:
    """One column of a contract: its name, the kind of value it holds, whether it must be there."""

    name: str
    kind: str
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class Contract:
    """The shape of one input table."""

    name: str
    key: str | None
    columns: tuple[Column, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    """(other name, contract name): columns accepted under another tool's name, renamed on read."""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


TRANSACTIONS = Contract(
    "transactions",
    key="tx_id",
    columns=(
        Column("tx_id", "text", True, "unique id of the transaction"),
        Column("timestamp", "time", True, "when it was booked (converted to UTC)"),
        Column("src_account", "text", True, "the paying account"),
        Column("dst_account", "text", True, "the receiving account"),
        Column("amount", "number", True, "amount in `currency`, not negative"),
        Column("currency", "text", True, "ISO 4217 code, in the rate table"),
        Column("src_bank", "text"),
        Column("dst_bank", "text"),
        Column("payment_format", "text", help="wire, ach, card, cash, cheque, crypto…"),
        Column("src_country", "text", help="ISO 3166 alpha-2 country of the paying account"),
        Column("dst_country", "text", help="ISO 3166 alpha-2 country of the receiving account"),
        Column("purpose", "text", help="payment purpose, e.g. salary, invoice, transfer"),
    ),
)

ACCOUNTS = Contract(
    "accounts",
    key="account_id",
    columns=(
        Column("account_id", "text", True),
        Column("holder_id", "text", True, "the party that holds the account"),
        Column("bank", "text"),
        Column("country", "text"),
        Column("opened", "date", help="the day the account was opened"),
        Column("account_type", "text"),
    ),
)

PARTIES = Contract(
    "parties",
    key="party_id",
    columns=(
        Column("party_id", "text", True),
        Column("schema", "text", True, "FollowTheMoney schema: Person, Company, …"),
        Column("name", "text", True),
        Column("country", "text"),
        Column("nationality", "text"),
        Column("incorporation_date", "date", help="for companies: the day it was formed"),
        Column("party_type", "text", help="person, company, msb, exchange, otc, employer, bank…"),
    ),
)

HITS = Contract(
    "hits",
    key=None,
    columns=(
        Column("party_id", "text", True, "the screened party"),
        Column("entity_id", "text", True, "the listed entity it matched"),
        Column("score", "number", True, "match score between 0 and 1"),
        Column("match", "flag", True, "whether the screener called it a match"),
        Column("explanation", "text", help="why, in words (e.g. which alias matched)"),
    ),
    # `sever screen FILE --out hits.parquet` writes query_id and decision (match/review).
    aliases=(("query_id", "party_id"), ("decision", "match")),
)

_TYPES = {
    "text": dt.string,
    "number": dt.float64,
    "time": dt.Timestamp(timezone="UTC"),
    "date": dt.date,
    "flag": dt.boolean,
}


def conform(table: ir.Table, contract: Contract, path: str | Path | None) -> ir.Table:
    """The table with every contract column present and of its kind; or an InputError.

    Missing optional columns are added empty so rules can refer to them; extra columns are kept.
    """
    renames = {
        ours: theirs
        for theirs, ours in contract.aliases
        if ours not in table.columns and theirs in table.columns
    }
    if renames:
        table = table.rename(renames)
    missing = [name for name in contract.required if name not in table.columns]
    if missing:
        raise InputError(
            path,
            f"{contract.name}: missing required column(s) {', '.join(missing)}; "
            f"the file has {', '.join(table.columns)}",
            field=missing[0],
        )
    _refuse_mixed_offsets(table, contract, path)
    parsed = [c for c in contract.columns if c.kind in _PARSED and c.name in table.columns]
    staged = table.mutate(**{_RAW + c.name: table[c.name] for c in parsed})
    cast = {}
    for column in contract.columns:
        if column.name not in table.columns:
            cast[column.name] = ibis.null(_TYPES[column.kind])
        else:
            cast[column.name] = _to_kind(staged[column.name], column.kind)
    conformed = staged.mutate(**cast)
    _check_values(conformed, contract, path)
    return conformed.drop(*(_RAW + c.name for c in parsed))


def _to_kind(value: ir.Value, kind: str) -> ir.Value:
    """Cast one column to its kind; values that do not parse become null (and are then reported)."""
    source = value.type()
    if kind == "text":
        return value if source.is_string() else value.cast(dt.string)
    if kind == "number":
        return value.cast(dt.float64) if source.is_numeric() else value.try_cast(dt.float64)
    if kind == "time":
        if source.is_timestamp():
            # A zone-less stored timestamp is taken to be UTC already.
            return value.cast(dt.Timestamp(timezone="UTC"))
        if source.is_string():
            return value.strip().try_cast(dt.Timestamp(timezone="UTC"))
        return value.try_cast(dt.Timestamp(timezone="UTC"))
    if kind == "date":
        if source.is_date():
            return value
        if source.is_timestamp():
            return value.date()
        return value.cast(dt.string).strip().try_cast(dt.date)
    if kind == "flag":
        if source.is_boolean():
            return value
        text = value.cast(dt.string).strip().lower()
        return text.isin(("true", "1", "yes", "t", "y", "match"))
    raise ValueError(f"unknown column kind {kind!r}")


def _refuse_mixed_offsets(table: ir.Table, contract: Contract, path: str | Path | None) -> None:
    """Text timestamps must all carry an offset or all lack one; a mix has no single meaning."""
    for column in contract.columns:
        if column.kind != "time" or column.name not in table.columns:
            continue
        value = table[column.name]
        if not value.type().is_string():
            continue
        has_offset = value.strip().re_search(_OFFSET)
        counts = (
            table.aggregate(
                with_offset=has_offset.ifelse(1, 0).sum(),
                without=(~has_offset & value.notnull()).ifelse(1, 0).sum(),
            )
            .to_pyarrow()
            .to_pylist()[0]
        )
        if (counts["with_offset"] or 0) and (counts["without"] or 0):
            example = _first(table.filter(~has_offset & value.notnull()), contract, column.name)
            raise InputError(
                path,
                f"{column.name} mixes times with a UTC offset ({counts['with_offset']:,} rows) "
                f"and without one ({counts['without']:,} rows), e.g. {example[1]!r}; give every "
                "time an offset (or none, meaning UTC)",
                row=_row_of(path, contract.key, example[0]),
                field=column.name,
            )


def _check_values(conformed: ir.Table, contract: Contract, path: str | Path | None) -> None:
    """One pass that counts every kind of bad value; the first one found is reported."""
    checks: dict[str, tuple[ir.BooleanValue, str, str]] = {}
    for column in contract.columns:
        value = conformed[column.name]
        if _RAW + column.name in conformed.columns:
            bad = conformed[_RAW + column.name].notnull() & value.isnull()
            checks[f"parse:{column.name}"] = (bad, column.name, f"is not a {column.kind}")
        if column.required:
            checks[f"empty:{column.name}"] = (value.isnull(), column.name, "is empty")
        if column.kind == "number" and column.name == "amount":
            checks["negative:amount"] = (value < 0, column.name, "is negative")
    if not checks:
        return
    flags = conformed.select(
        **{f"c{i}": check[0].ifelse(1, 0) for i, check in enumerate(checks.values())}
    )
    counts = flags.aggregate(**{name: flags[name].sum() for name in flags.columns})
    found = counts.to_pyarrow().to_pylist()[0]
    for i, (condition, field, problem) in enumerate(checks.values()):
        if found[f"c{i}"]:
            key, _ = _first(conformed.filter(condition), contract, field)
            raw_value = _raw_value(conformed, contract, field, key)
            raise InputError(
                path,
                f"{contract.name}: {field} {problem} ({raw_value!r}); "
                f"{found[f'c{i}']:,} row(s) like this",
                row=_row_of(path, contract.key, key),
                field=field,
            )
    if contract.key:
        _check_unique(conformed, contract, path)


def _check_unique(table: ir.Table, contract: Contract, path: str | Path | None) -> None:
    """Keys must be unique: a repeated transaction id would count money twice."""
    key = table[contract.key]
    dupes = table.group_by(key.name("key")).aggregate(n=table.count()).filter(ibis._.n > 1)
    found = dupes.order_by("key").limit(1).to_pyarrow().to_pylist()
    if found:
        value, times = found[0]["key"], found[0]["n"]
        total = dupes.count().to_pyarrow().as_py()
        rows = _rows_of(path, contract.key, value)
        raise InputError(
            path,
            f"{contract.name}: {contract.key} {value!r} appears {times} times"
            + (f" (rows {', '.join(map(str, rows))})" if rows else "")
            + f"; {total:,} id(s) repeat. Ids must be unique",
            row=rows[1] if len(rows) > 1 else None,
            field=contract.key,
        )


def _first(table: ir.Table, contract: Contract, field: str) -> tuple[object, object]:
    """The key and value of one offending row (the smallest key, so the report is stable)."""
    key = contract.key or field
    rows = table.select(key=table[key], value=table[field]).order_by("key").limit(1)
    record = rows.to_pyarrow().to_pylist()[0]
    return record["key"], record["value"]


def _raw_value(conformed: ir.Table, contract: Contract, field: str, key: object) -> object:
    """The value as the file wrote it, for the error message."""
    name = _RAW + field if _RAW + field in conformed.columns else field
    keyed = contract.key or field
    if key is None:
        rows = conformed.filter(conformed[keyed].isnull())
    else:
        rows = conformed.filter(conformed[keyed] == key)
    found = rows.select(value=rows[name]).limit(1).to_pyarrow().to_pylist()
    return found[0]["value"] if found else None


def _row_of(path: str | Path | None, key: str | None, value: object) -> int | None:
    rows = _rows_of(path, key, value)
    return rows[0] if rows else None


def _rows_of(path: str | Path | None, key: str | None, value: object) -> list[int]:
    """1-based data rows (header excluded) where ``key`` equals ``value``, for one local file."""
    if path is None or key is None or value is None or not Path(path).is_file():
        return []
    import pyarrow.compute as pc

    from sever.tables.io import read_column

    column = read_column(path, key)
    if column is None:
        return []
    mask = pc.equal(column.cast("string"), str(value))
    return [int(i) + 1 for i in pc.indices_nonzero(mask).to_pylist()[:5]]
