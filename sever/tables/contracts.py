"""The input tables sever reads, their columns, and the checks that keep bad input out.

Each contract names its columns, what kind of value each holds and whether it is required. A file
is conformed to its contract before any rule sees it: required columns must be present, values must
parse as their kind, keys must be unique. Anything else is an :class:`~sever.errors.InputError` that
names the file, the row and the field. Extra columns are kept and carried into evidence.

Documented handling (never a silent wrong answer):

- Timestamps are stored in UTC. Text with an offset (``2024-05-01T09:00:00+09:00``, ``...Z``) is
  converted to UTC; text without an offset, and Parquet timestamps without a zone, are taken to be
  UTC already. A column mixing text with and without offsets is refused: its meaning is ambiguous.
- Numbers must be finite: NaN and infinity are refused, and so are true/false values (a Parquet
  boolean column, or text such as ``true``). Numbers written as text must look like numbers
  (``1250``, ``-3.5``, ``1.2e6``); ``1,000``, ``1_000``, ``0x10``, ``nan`` and ``inf`` are
  refused on every engine alike.
- Amounts must not be negative (the direction of money is given by the accounts) nor above
  :data:`MAX_AMOUNT` (10^15 in any currency, more than any real payment). Screening scores lie
  between 0 and 1.
- Times must fall between :data:`EARLIEST_TIME` (1970-01-01, UTC: rules count seconds from it) and
  :data:`LATEST_TIME` (9999-12-31, the last day every engine and Python can hold); dates between
  0001-01-01 and 9999-12-31. Text times and dates must begin with a ``YYYY-MM-DD`` date: words such
  as ``epoch`` or ``infinity`` are refused. Payments dated after the run are accepted here; the
  incremental mode reports them (:mod:`sever.monitor.run`).
- Flags (a hit's ``match``) are true/false values, or text such as ``true``/``false``,
  ``yes``/``no``, ``1``/``0``, or ``match``/``review`` as ``sever screen`` writes them; any other
  text is refused rather than read as false.
- Every currency must be in the rate table (:mod:`sever.tables.currencies`), or the run stops.
- Transaction ids must be unique; a repeated id is an error naming both rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from sever.errors import InputError

KINDS = ("text", "number", "time", "date", "flag")

_PARSED = ("number", "time", "date", "flag")
_RAW = "_sever_raw_"  # the file's own value, kept while checking that it parsed

# An ISO 8601 offset at the end of a timestamp written as text: Z, +09:00, -0500.
_OFFSET = r"(Z|z|[+-]\d{2}:?\d{2})$"

# What text must look like before an engine is asked to parse it. Engines disagree on the rest
# (DuckDB reads ``1_000`` and ``epoch``, Spark does not), so both get only what both read alike.
_NUMBER_TEXT = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}"

FLAG_TRUE = ("true", "t", "yes", "y", "1", "match")
FLAG_FALSE = ("false", "f", "no", "n", "0", "review", "no_match")
"""Text read as a flag; ``match``/``review`` are the decisions ``sever screen`` writes."""

MAX_AMOUNT = 1e15
"""The largest amount accepted, in any currency: above any real payment (10^15 VND is about
39 billion USD), and low enough that sums stay exact to the cent."""

EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
"""The earliest time accepted: rules measure time in seconds since then."""

LATEST_TIME = datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
"""The latest time accepted: the last instant every engine and Python can hold."""

EARLIEST_DATE = date(1, 1, 1)
LATEST_DATE = date(9999, 12, 31)


@dataclass(frozen=True)
class Column:
    """One column of a contract: its name, the kind of value it holds, whether it must be there."""

    name: str
    kind: str
    required: bool = False
    help: str = ""
    low: float | None = None
    """For numbers: the smallest value accepted (inclusive)."""
    high: float | None = None
    """For numbers: the largest value accepted (inclusive)."""


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
        Column("amount", "number", True, "amount in `currency`, 0 to 10^15", 0.0, MAX_AMOUNT),
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
        Column("address", "text", help="postal address as the customer gave it"),
        Column("phone", "text"),
        Column("email", "text"),
        Column("ip", "text", help="IP address the customer was last seen from"),
        Column("device_id", "text", help="the customer's device, as the bank's app knows it"),
        Column("directors", "text", help="JSON list of the party ids of its directors"),
        Column("owners", "text", help='JSON list of {"owner_id": …, "share": 0–1}'),
    ),
)

HITS = Contract(
    "hits",
    key=None,
    columns=(
        Column("party_id", "text", True, "the screened party"),
        Column("entity_id", "text", True, "the listed entity it matched"),
        Column("score", "number", True, "match score between 0 and 1", 0.0, 1.0),
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
            f"the file has {_names(table.columns)}",
            field=missing[0],
        )
    source = _Source(path, contract, renames)
    _refuse_mixed_offsets(table, source)
    parsed = [c for c in contract.columns if c.kind in _PARSED and c.name in table.columns]
    staged = table.mutate(**{_RAW + c.name: table[c.name] for c in parsed})
    cast = {}
    for column in contract.columns:
        if column.name not in table.columns:
            cast[column.name] = ibis.null(_TYPES[column.kind])
        else:
            cast[column.name] = _to_kind(staged[column.name], column.kind)
    conformed = staged.mutate(**cast)
    _check_values(conformed, source)
    return conformed.drop(*(_RAW + c.name for c in parsed))


def _names(columns: Sequence[str], most: int = 12) -> str:
    """Column names for a message: printable, each cut short, at most ``most`` of them (a binary
    file read as CSV has a header of noise)."""
    shown = [
        name if name.isprintable() and len(name) <= 40 else repr(name[:40]) for name in columns
    ]
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


@dataclass(frozen=True)
class _Source:
    """Where a table came from, for pointing at the row behind an error."""

    path: str | Path | None
    contract: Contract
    renames: dict[str, str]
    """Contract column name -> the file's own name, for columns read under an alias."""

    def file_column(self, name: str) -> str:
        return self.renames.get(name, name)


def _to_kind(value: ir.Value, kind: str) -> ir.Value:
    """Cast one column to its kind; values that do not parse become null (and are then reported)."""
    source = value.type()
    if kind == "text":
        return value if source.is_string() else value.cast(dt.string)
    if kind == "number":
        return _to_number(value)
    if kind == "time":
        if source.is_timestamp():
            # A zone-less stored timestamp is taken to be UTC already.
            return value.cast(dt.Timestamp(timezone="UTC"))
        if source.is_date():
            return value.cast(dt.Timestamp(timezone="UTC"))
        return _from_date_text(value, dt.Timestamp(timezone="UTC"))
    if kind == "date":
        if source.is_date():
            return value
        if source.is_timestamp():
            return value.date()
        return _from_date_text(value, dt.date)
    if kind == "flag":
        if source.is_boolean():
            return value
        text = value.cast(dt.string).strip().lower()
        return ibis.cases(
            (text.isin(FLAG_TRUE), True),
            (text.isin(FLAG_FALSE), False),
            else_=ibis.null(dt.boolean),
        )
    raise ValueError(f"unknown column kind {kind!r}")


def _to_number(value: ir.Value) -> ir.Value:
    """A number from a numeric column, or from text that looks like a number on every engine.

    A true/false column is not a number, though engines would cast it to 1 and 0.
    """
    source = value.type()
    if source.is_boolean():
        return ibis.null(dt.float64)
    if source.is_numeric():
        return value.cast(dt.float64)
    text = value.cast(dt.string).strip()
    return text.re_search(_NUMBER_TEXT).ifelse(text.try_cast(dt.float64), ibis.null(dt.float64))


def _from_date_text(value: ir.Value, to: dt.DataType) -> ir.Value:
    """A time or date from text that starts with a ``YYYY-MM-DD`` date (the engine parses it)."""
    text = value.cast(dt.string).strip()
    return text.re_search(_DATE_TEXT).ifelse(text.try_cast(to), ibis.null(to))


def _refuse_mixed_offsets(table: ir.Table, source: _Source) -> None:
    """Text timestamps must all carry an offset or all lack one; a mix has no single meaning."""
    for column in source.contract.columns:
        if column.kind != "time" or column.name not in table.columns:
            continue
        value = table[column.name]
        if not value.type().is_string():
            continue
        has_offset = value.strip().re_search(_OFFSET)
        # Text that is no time at all (``epoch``) is reported as such afterwards.
        without = ~has_offset & value.strip().re_search(_DATE_TEXT)
        counts = (
            table.aggregate(
                with_offset=has_offset.ifelse(1, 0).sum(),
                without=without.ifelse(1, 0).sum(),
            )
            .to_pyarrow()
            .to_pylist()[0]
        )
        if (counts["with_offset"] or 0) and (counts["without"] or 0):
            key, example = _offender(table, without, source, column.name)
            raise InputError(
                source.path,
                f"{column.name} mixes times with a UTC offset ({counts['with_offset']:,} rows) "
                f"and without one ({counts['without']:,} rows), e.g. {example!r}; give every "
                "time an offset (or none, meaning UTC)",
                row=_row_of(source, column.name, key, example),
                field=column.name,
            )


_WRITTEN = {
    "number": "",
    "time": " (write YYYY-MM-DD hh:mm:ss, with or without an offset, years 1970 to 9999)",
    "date": " (write YYYY-MM-DD)",
    "flag": " (write true/false, yes/no, 1/0 or match/review)",
}


def _value_checks(conformed: ir.Table, column: Column) -> list[tuple[ir.BooleanValue, str]]:
    """Each way one column's values can be wrong: (condition on a row, what is wrong), in the
    order they are reported."""
    value = conformed[column.name]
    checks: list[tuple[ir.BooleanValue, str]] = []
    if _RAW + column.name in conformed.columns:
        bad = conformed[_RAW + column.name].notnull() & value.isnull()
        checks.append((bad, f"is not a {column.kind}{_WRITTEN[column.kind]}"))
    if column.kind == "number":
        # Before "is empty": Spark counts NaN as null.
        checks.append((value.isnan() | value.isinf(), "is not a finite number"))
    if column.required:
        checks.append((value.isnull(), "is empty"))
    return checks + _range_checks(value, column)


def _range_checks(value: ir.Value, column: Column) -> list[tuple[ir.BooleanValue, str]]:
    """A number below or above its column's bounds; a time or date outside what engines and
    Python can hold."""
    if column.kind == "time":
        early, late = ibis.literal(EARLIEST_TIME), ibis.literal(LATEST_TIME)
        return [((value < early) | (value > late), "is out of range (1970 to 9999, UTC)")]
    if column.kind == "date":
        early, late = ibis.literal(EARLIEST_DATE), ibis.literal(LATEST_DATE)
        return [((value < early) | (value > late), "is out of range (year 1 to 9999)")]
    checks = []
    if column.low is not None:
        below = "is negative" if column.low == 0 else f"is below {_show(column.low)}"
        checks.append((value < column.low, below))
    if column.high is not None:
        checks.append((value > column.high, f"is above {_show(column.high)}"))
    return checks


def _show(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:g}"


def _check_values(conformed: ir.Table, source: _Source) -> None:
    """One pass that counts every kind of bad value; the first one found is reported."""
    contract = source.contract
    checks = [
        (condition, column.name, problem)
        for column in contract.columns
        for condition, problem in _value_checks(conformed, column)
    ]
    if not checks:
        return
    flags = conformed.select(**{f"c{i}": check[0].ifelse(1, 0) for i, check in enumerate(checks)})
    counts = flags.aggregate(**{name: flags[name].sum() for name in flags.columns})
    found = counts.to_pyarrow().to_pylist()[0]
    for i, (condition, field, problem) in enumerate(checks):
        if found[f"c{i}"]:
            key, raw_value = _offender(conformed, condition, source, field)
            what, _, hint = problem.partition(" (")
            raise InputError(
                source.path,
                f"{contract.name}: {field} {what} ({raw_value!r}); "
                f"{found[f'c{i}']:,} row(s) like this" + (f"; {hint[:-1]}" if hint else ""),
                row=_row_of(source, field, key, raw_value),
                field=field,
            )
    if contract.key:
        _check_unique(conformed, source)


def _check_unique(table: ir.Table, source: _Source) -> None:
    """Keys must be unique: a repeated transaction id would count money twice."""
    contract = source.contract
    key = table[contract.key]
    dupes = table.group_by(key.name("key")).aggregate(n=table.count()).filter(ibis._.n > 1)
    found = dupes.order_by("key").limit(1).to_pyarrow().to_pylist()
    if found:
        value, times = found[0]["key"], found[0]["n"]
        total = dupes.count().to_pyarrow().as_py()
        rows = _rows_of(source.path, source.file_column(contract.key), value)
        raise InputError(
            source.path,
            f"{contract.name}: {contract.key} {value!r} appears {times} times"
            + (f" (rows {', '.join(map(str, rows))})" if rows else "")
            + f"; {total:,} id(s) repeat. Ids must be unique",
            row=rows[1] if len(rows) > 1 else None,
            field=contract.key,
        )


def _offender(
    table: ir.Table, condition: ir.BooleanValue, source: _Source, field: str
) -> tuple[str | None, str | None]:
    """The key and the value as the file wrote it, both as text, of one offending row (the one
    with the smallest key, so the report is stable). Text, because a value can be one that
    Python cannot hold (a time in year 10000)."""
    raw = _RAW + field if _RAW + field in table.columns else field
    keyed = source.contract.key or raw
    bad = table.filter(condition)
    rows = bad.select(key=bad[keyed].cast(dt.string), value=bad[raw].cast(dt.string))
    record = rows.order_by(["key", "value"]).limit(1).to_pyarrow().to_pylist()[0]
    return record["key"], record["value"]


def _row_of(source: _Source, field: str, key: str | None, value: str | None) -> int | None:
    """The 1-based data row of an offending value: found by its key, or (for tables without
    one) by the value itself."""
    if source.contract.key:
        rows = _rows_of(source.path, source.file_column(source.contract.key), key)
    else:
        rows = _rows_of(source.path, source.file_column(field), value)
    return rows[0] if rows else None


def _rows_of(path: str | Path | None, column: str, value: object) -> list[int]:
    """1-based data rows (header excluded) where ``column`` equals ``value``, for one local
    file."""
    if path is None or value is None or not Path(path).is_file():
        return []
    import pyarrow.compute as pc

    from sever.tables.io import read_column

    found = read_column(path, column)
    if found is None:
        return []
    mask = pc.equal(pc.utf8_trim_whitespace(found.cast("string")), str(value).strip())
    return [int(i) + 1 for i in pc.indices_nonzero(mask).to_pylist()[:5]]


# -- registries, HR records and log-ins (read by `sever network build`) ------------------------

REGISTRY = Contract(
    "registry",
    key="company_id",
    columns=(
        Column("company_id", "text", True, "the company's id in the registry"),
        Column("name", "text", True),
        Column("jurisdiction", "text", help="ISO 3166 alpha-2 country of incorporation"),
        Column("incorporation_date", "date", help="the day it was formed"),
        Column("address", "text"),
        Column("phone", "text"),
        Column("email", "text"),
        Column(
            "directors",
            "text",
            help="JSON list of party ids, or of {id, name?, appointed?} (appointed: the ISO "
            "date the director joined the board)",
        ),
        Column("owners", "text", help="JSON list of {owner_id, share 0-1, name?, schema?}"),
    ),
)
"""A company registry, one company per row (FtM JSON lines are read by
:mod:`sever.tables.registry` too)."""
EMPLOYMENT = Contract(
    "employment",
    key="employee_id",
    columns=(
        Column("employee_id", "text", True, "one HR record"),
        Column("employer_id", "text", True, "the employing company"),
        Column("party_id", "text", help="the person the record is for"),
        Column("name", "text"),
        Column("start_date", "date"),
        Column("pay_account", "text", help="the account the salary goes to"),
        Column("laptop_ship_address", "text", help="where the company laptop was shipped"),
    ),
)
LOGINS = Contract(
    "logins",
    key=None,
    columns=(
        Column("employee_id", "text", True, "the HR record that logged in"),
        Column("ip", "text"),
        Column("ip_country", "text", help="ISO 3166 alpha-2 country of the IP address"),
        Column("device_id", "text"),
        Column("session_hours", "number", help="length of the session", low=0.0, high=24.0 * 366),
        Column("remote_tool", "text", help="remote-access tool seen (anydesk, rdp…), or empty"),
    ),
)
