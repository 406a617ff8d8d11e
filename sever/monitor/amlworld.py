"""IBM's AMLworld transaction files, converted into sever's contracts and labels.

AMLworld (Altman et al., "Realistic Synthetic Financial Transactions for Anti-Money Laundering
Models", NeurIPS 2023) publishes six labelled worlds, ``HI-`` and ``LI-`` (higher and lower
illicit ratio) in ``Small``, ``Medium`` and ``Large``. Each world's ``*_Trans.csv`` has this header
(the name ``Account`` appears twice: the payer's, then the payee's)::

    Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,
    Amount Paid,Payment Currency,Payment Format,Is Laundering

and its ``*_Patterns.txt`` lists the laundering payments again, in blocks fenced by
``BEGIN LAUNDERING ATTEMPT - FAN-OUT: …`` and ``END LAUNDERING ATTEMPT - FAN-OUT``.

:func:`import_amlworld` writes a folder laid out like a ``sever simulate`` world, so every command
and bench that takes a world takes it:

- ``transactions.parquet``: one row per payment, ``tx_id`` numbered in file order, the amount and
  currency paid (the payer's side); the amount and currency received are kept as extra columns;
- ``accounts.parquet`` and ``parties.parquet``: one account per (bank, account number), written
  ``BANK-ACCOUNT`` with the bank's leading zeros dropped; the holder is not in the file, so each
  account is its own holder;
- ``labels/transactions.parquet``: the payments marked ``Is Laundering`` = 1;
- ``labels/accounts.parquet``: every account that sent or received such a payment;
- ``rates.csv``: US dollars per unit of each currency, from the file's own cross-currency
  payments (AMLworld's rates are its own, not today's); give it to ``sever monitor run --rates``;
- ``import.json``: what was read and counted.

With the patterns file, a labelled payment and its accounts carry the pattern's name as typology
(``fan_out``, ``cycle``, ``scatter_gather``…) and the block as ``scheme_id``; without it, and for
laundering payments no block lists, the typology is ``unknown``.

The transaction file is read by DuckDB, streaming, so the multi-gigabyte ``Large`` files convert
in bounded memory. Reading is strict: a wrong header, a row with too few or too many cells, a
time, amount, currency, payment format or label that does not parse is an error naming the file,
the line and the column, and nothing is written.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from sever.errors import InputError
from sever.tables.atomic import OutputError
from sever.tables.currencies import USD_PER_UNIT
from sever.tables.engine import first_line

HEADER = (
    "Timestamp",
    "From Bank",
    "Account",
    "To Bank",
    "Account",
    "Amount Received",
    "Receiving Currency",
    "Amount Paid",
    "Payment Currency",
    "Payment Format",
    "Is Laundering",
)
"""The header of every ``*_Trans.csv`` file, in order."""

_COLUMNS = {
    "ts": "TIMESTAMP",
    "from_bank": "VARCHAR",
    "from_account": "VARCHAR",
    "to_bank": "VARCHAR",
    "to_account": "VARCHAR",
    "amount_received": "DOUBLE",
    "receiving_currency": "VARCHAR",
    "amount_paid": "DOUBLE",
    "payment_currency": "VARCHAR",
    "payment_format": "VARCHAR",
    "is_laundering": "VARCHAR",
}
"""Our name and DuckDB type for each column of the header, in the same order."""

TIME_FORMAT = "%Y/%m/%d %H:%M"
"""How AMLworld writes a time (``2022/09/01 00:20``), taken to be UTC."""

CURRENCIES = {
    "US Dollar": "USD",
    "Euro": "EUR",
    "UK Pound": "GBP",
    "Swiss Franc": "CHF",
    "Yen": "JPY",
    "Yuan": "CNY",
    "Ruble": "RUB",
    "Rupee": "INR",
    "Canadian Dollar": "CAD",
    "Australian Dollar": "AUD",
    "Mexican Peso": "MXN",
    "Brazil Real": "BRL",
    "Saudi Riyal": "SAR",
    "Shekel": "ILS",
    "Bitcoin": "BTC",
}
"""AMLworld's currency names and the codes sever writes for them."""

PAYMENT_FORMATS = {
    "ACH": "ach",
    "Bitcoin": "crypto",
    "Cash": "cash",
    "Cheque": "cheque",
    "Credit Card": "card",
    "Reinvestment": "reinvestment",
    "Wire": "wire",
}
"""AMLworld's payment formats and sever's names for them."""

UNKNOWN = "unknown"
"""The typology of a laundering payment or account that no pattern block names."""


@dataclass(frozen=True)
class Imported:
    """What an import read and wrote."""

    out: Path
    transactions: int
    accounts: int
    laundering_transactions: int
    laundering_accounts: int
    typologies: dict[str, int]
    """Labelled accounts per typology."""
    rates: dict[str, float]

    def to_dict(self) -> dict:
        return {
            "out": str(self.out),
            "transactions": self.transactions,
            "accounts": self.accounts,
            "laundering_transactions": self.laundering_transactions,
            "laundering_accounts": self.laundering_accounts,
            "typologies": self.typologies,
            "rates": self.rates,
        }


def import_amlworld(
    path: str | Path,
    out: str | Path,
    *,
    patterns: str | Path | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> Imported:
    """Convert one AMLworld ``*_Trans.csv`` (and optionally its ``*_Patterns.txt``) into a world
    folder at ``out``. The folder appears whole or not at all; an existing one is replaced."""
    path, out = Path(path), Path(out)
    if not path.is_file():
        raise InputError(path, "AMLworld transactions file not found")
    if out.exists() and not out.is_dir():
        raise OutputError(out, "is a file; give a folder for the converted world")
    _check_header(path)
    blocks = list(read_patterns(Path(patterns))) if patterns else []
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)  # as a folder made by mkdir would be, not private
    try:
        con = duckdb.connect()
        con.execute(f"SET temp_directory = '{_sql_text(work / 'spill')}'")
        progress(f"reading {path.name}")
        staged = work / "staged.parquet"
        _stage(con, path, staged)
        con.execute(f"CREATE VIEW staged AS SELECT * FROM read_parquet('{_sql_text(staged)}')")
        _check_values(con, path)
        _pattern_table(con, blocks)
        progress("writing transactions, accounts and parties")
        rates = _rates(con, path)
        imported = _write(con, work, rates)
        staged.unlink()
        shutil.rmtree(work / "spill", ignore_errors=True)
        con.close()
        summary = imported | {"source": str(path), "patterns": str(patterns) if patterns else None}
        (work / "import.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        _publish(work, out)
    except duckdb.Error as exc:  # the disk filled, or the engine failed: say so in one line
        shutil.rmtree(work, ignore_errors=True)
        raise InputError(path, f"cannot convert: {first_line(exc)}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Imported(out=out, **imported)


def _sql_text(value: object) -> str:
    return str(value).replace("'", "''")


def _check_header(path: Path) -> None:
    """The first line must be AMLworld's header; anything else is not this format."""
    with open(path, "rb") as handle:
        line = handle.readline(1 << 16)
    try:
        first = next(csv.reader([line.decode("utf-8-sig")]), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, f"not an AMLworld CSV file: {exc}", row=1) from None
    names = tuple(name.strip() for name in first or ())
    if names == HEADER:
        return
    for position, (want, have) in enumerate(zip(HEADER, names, strict=False), start=1):
        if want != have:
            raise InputError(
                path,
                f"column {position} is {have!r} where AMLworld's header has {want!r}",
                row=1,
                field=have or None,
            )
    raise InputError(
        path,
        f"the header has {len(names)} columns where AMLworld's has {len(HEADER)} "
        f"({', '.join(HEADER)})",
        row=1,
    )


def _stage(con: duckdb.DuckDBPyConnection, path: Path, staged: Path) -> None:
    """Every row, typed, into one Parquet file with its ``tx_id``; a row that does not parse is
    an InputError naming its line and column."""
    source = f"""read_csv('{_sql_text(path)}', header = true, delim = ',', quote = '"',
        escape = '"', columns = {_COLUMNS!r}, timestampformat = '{TIME_FORMAT}',
        auto_detect = false, strict_mode = true, null_padding = false, store_rejects = true,
        rejects_limit = 1)"""
    con.execute(
        f"COPY (SELECT row_number() OVER () AS row_no, * FROM {source}) "
        f"TO '{_sql_text(staged)}' (FORMAT parquet)"
    )
    reject = con.execute(
        "SELECT line, column_idx, error_type, error_message FROM reject_errors "
        "ORDER BY line LIMIT 1"
    ).fetchone()
    if reject:
        line, column, kind, message = reject
        field = HEADER[column - 1] if column and 0 < column <= len(HEADER) else None
        if kind == "CAST":
            value = message.split("Could not convert string ", 1)[-1].split(" to ", 1)[0]
            wanted = "a time (YYYY/MM/DD HH:MM)" if column == 1 else "a number"
            message = f"cannot read {value} as {wanted}"
        raise InputError(path, message, row=int(line), field=field)


_CHECKS = (
    # (column position in HEADER, SQL condition that is true for a bad value, what was wanted)
    (2, "from_bank IS NULL", "a bank id"),
    (3, "from_account IS NULL", "an account number"),
    (4, "to_bank IS NULL", "a bank id"),
    (5, "to_account IS NULL", "an account number"),
    (6, "amount_received IS NULL OR amount_received < 0 OR NOT isfinite(amount_received)",
     "an amount of 0 or more"),
    (7, "receiving_currency NOT IN ({currencies})", "an AMLworld currency name"),
    (8, "amount_paid IS NULL OR amount_paid < 0 OR NOT isfinite(amount_paid)",
     "an amount of 0 or more"),
    (9, "payment_currency NOT IN ({currencies})", "an AMLworld currency name"),
    (10, "payment_format NOT IN ({formats})", "an AMLworld payment format"),
    (11, "is_laundering NOT IN ('0', '1') OR is_laundering IS NULL", "0 or 1"),
    (1, "ts IS NULL", "a time (YYYY/MM/DD HH:MM)"),
)  # fmt: skip


def _check_values(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Each value must be one AMLworld writes; the first that is not is named by line and column."""
    names = {
        "currencies": ", ".join(f"'{_sql_text(name)}'" for name in CURRENCIES),
        "formats": ", ".join(f"'{_sql_text(name)}'" for name in PAYMENT_FORMATS),
    }
    for position, condition, wanted in _CHECKS:
        column = list(_COLUMNS)[position - 1]
        bad = con.execute(
            f"SELECT row_no, CAST({column} AS VARCHAR) FROM staged "
            f"WHERE {condition.format(**names)} ORDER BY row_no LIMIT 1"
        ).fetchone()
        if bad:
            row_no, value = bad
            raise InputError(
                path,
                f"{value if value is not None else 'an empty cell'!s} is not {wanted}",
                row=_line_of(path, row_no),
                field=HEADER[position - 1],
            )


def _line_of(path: Path, row_no: int) -> int:
    """The line on which data row ``row_no`` (1 = the first after the header) starts; blank
    lines are skipped, as DuckDB skips them. Read only when there is an error to report."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        rows = -1  # the header is row 0
        start = 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows += 1
                if rows == row_no:
                    return start
            start = reader.line_num + 1
    return start


@dataclass(frozen=True)
class PatternBlock:
    """One laundering attempt of a ``*_Patterns.txt`` file: its typology and its payments."""

    scheme_id: str
    typology: str
    rows: list[list[str]]


def read_patterns(path: Path) -> Iterator[PatternBlock]:
    """The blocks of an AMLworld patterns file, read strictly: every payment line must sit inside
    a block and have the transaction file's eleven cells, and every block must be closed."""
    if not path.is_file():
        raise InputError(path, "AMLworld patterns file not found")
    begin, end = "BEGIN LAUNDERING ATTEMPT - ", "END LAUNDERING ATTEMPT"
    block: PatternBlock | None = None
    number = 0
    opened = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line_no, line in enumerate(handle, start=1):
            text = line.strip()
            if not text:
                continue
            if text.startswith(begin):
                if block is not None:
                    raise InputError(
                        path, f"a block opens before the one opened on line {opened} closes",
                        row=line_no,
                    )  # fmt: skip
                number += 1
                opened = line_no
                name = text[len(begin) :].split(":", 1)[0].strip()
                typology = name.lower().replace("-", "_").replace(" ", "_") or UNKNOWN
                block = PatternBlock(f"amlworld-{number}", typology, [])
            elif text.startswith(end):
                if block is None:
                    raise InputError(path, "a block closes that never opened", row=line_no)
                yield block
                block = None
            else:
                if block is None:
                    raise InputError(path, "a payment outside any laundering block", row=line_no)
                cells = next(csv.reader([text]))
                if len(cells) != len(HEADER):
                    raise InputError(
                        path, f"{len(cells)} cells where a payment has {len(HEADER)}", row=line_no
                    )
                block.rows.append([cell.strip() for cell in cells])
    if block is not None:
        raise InputError(path, "the block opened here is never closed", row=opened)


def _pattern_table(con: duckdb.DuckDBPyConnection, blocks: list[PatternBlock]) -> None:
    """The pattern payments as a table keyed like the staged rows (text parsed the same way)."""
    names = list(_COLUMNS)
    columns: dict[str, list] = {"scheme_id": [], "typology": []} | {name: [] for name in names}
    for block in blocks:
        for row in block.rows:
            columns["scheme_id"].append(block.scheme_id)
            columns["typology"].append(block.typology)
            for name, cell in zip(names, row, strict=True):
                columns[name].append(cell)
    raw = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    con.register("pattern_raw", raw)
    con.execute(
        f"""CREATE TABLE patterns AS SELECT scheme_id, typology,
            try_strptime(ts, '{TIME_FORMAT}') AS ts,
            {_bank("from_bank")} AS from_bank, from_account,
            {_bank("to_bank")} AS to_bank, to_account,
            TRY_CAST(amount_paid AS DOUBLE) AS amount_paid, payment_currency
        FROM pattern_raw"""
    )


def _bank(column: str) -> str:
    """A bank id without leading zeros (``010`` and ``10`` are one bank)."""
    return f"coalesce(nullif(ltrim(trim({column}), '0'), ''), '0')"


def _rates(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, float]:
    """US dollars per unit of each currency the file uses: the median ratio of its payments that
    pay in one and receive in US dollars (or the reverse); the built-in rate when it has none."""
    rows = con.execute(
        """
        WITH pairs AS (
            SELECT payment_currency AS currency, amount_received / amount_paid AS rate
            FROM staged WHERE receiving_currency = 'US Dollar' AND amount_paid > 0
            UNION ALL
            SELECT receiving_currency, amount_paid / amount_received
            FROM staged WHERE payment_currency = 'US Dollar' AND amount_received > 0
        ),
        used AS (
            SELECT payment_currency AS currency FROM staged
            UNION SELECT receiving_currency FROM staged
        )
        SELECT used.currency, median(pairs.rate) FROM used
        LEFT JOIN pairs ON pairs.currency = used.currency AND pairs.rate > 0
        GROUP BY used.currency ORDER BY used.currency
        """
    ).fetchall()
    rates = {}
    for name, rate in rows:
        code = CURRENCIES[name]
        if code == "USD":
            rates[code] = 1.0
        elif rate is not None:
            rates[code] = float(f"{rate:.6g}")
        elif code in USD_PER_UNIT:
            rates[code] = USD_PER_UNIT[code]
        else:
            raise InputError(
                path,
                f"no rate for {name}: no payment in the file exchanges it with US Dollar, and "
                "sever has no built-in rate for it",
                field="Payment Currency",
            )
    return rates


def _write(con: duckdb.DuckDBPyConnection, work: Path, rates: dict[str, float]) -> dict:
    """The world's files from the staged rows; the counts for ``import.json``."""
    code = "CASE {column} " + " ".join(
        f"WHEN '{_sql_text(name)}' THEN '{iso}'" for name, iso in CURRENCIES.items()
    ) + " END"  # fmt: skip
    fmt = "CASE payment_format " + " ".join(
        f"WHEN '{_sql_text(name)}' THEN '{ours}'" for name, ours in PAYMENT_FORMATS.items()
    ) + " END"  # fmt: skip
    con.execute(
        f"""CREATE VIEW tx AS SELECT
            row_no, 'aml-' || row_no AS tx_id,
            timezone('UTC', ts) AS timestamp,
            {_bank("from_bank")} || '-' || from_account AS src_account,
            {_bank("to_bank")} || '-' || to_account AS dst_account,
            amount_paid AS amount,
            {code.format(column="payment_currency")} AS currency,
            {_bank("from_bank")} AS src_bank,
            {_bank("to_bank")} AS dst_bank,
            {fmt} AS payment_format,
            amount_received,
            {code.format(column="receiving_currency")} AS received_currency,
            is_laundering = '1' AS laundering,
            ts AS source_ts, {_bank("from_bank")} AS source_from_bank, from_account,
            {_bank("to_bank")} AS source_to_bank, to_account, amount_paid, payment_currency AS
            source_currency
        FROM staged"""
    )
    labels = work / "labels"
    labels.mkdir()
    con.execute(
        f"""COPY (SELECT tx_id, timestamp, src_account, dst_account, amount, currency, src_bank,
                dst_bank, payment_format, amount_received, received_currency FROM tx
            ORDER BY row_no) TO '{_sql_text(work / "transactions.parquet")}' (FORMAT parquet)"""
    )
    con.execute(
        """CREATE TABLE tx_labels AS
        SELECT DISTINCT tx.tx_id, p.scheme_id, coalesce(p.typology, 'unknown') AS typology,
            'laundering' AS role, tx.src_account, tx.dst_account
        FROM tx LEFT JOIN patterns p ON p.ts = tx.source_ts
            AND p.from_bank = tx.source_from_bank AND p.from_account = tx.from_account
            AND p.to_bank = tx.source_to_bank AND p.to_account = tx.to_account
            AND p.amount_paid = tx.amount_paid AND p.payment_currency = tx.source_currency
        WHERE tx.laundering"""
    )
    con.execute(
        f"""COPY (SELECT tx_id, scheme_id, typology, role FROM tx_labels ORDER BY tx_id, scheme_id)
            TO '{_sql_text(labels / "transactions.parquet")}' (FORMAT parquet)"""
    )
    con.execute(
        """CREATE TABLE account_labels AS
        WITH touched AS (
            SELECT src_account AS account_id, scheme_id, typology, 'payer' AS role FROM tx_labels
            UNION ALL
            SELECT dst_account, scheme_id, typology, 'payee' FROM tx_labels
        ),
        named AS (SELECT account_id FROM touched WHERE typology <> 'unknown')
        SELECT account_id, scheme_id, typology,
            CASE WHEN count(DISTINCT role) > 1 THEN 'payer_and_payee' ELSE min(role) END AS role
        FROM touched
        WHERE typology <> 'unknown' OR account_id NOT IN (SELECT account_id FROM named)
        GROUP BY account_id, scheme_id, typology"""
    )
    con.execute(
        f"""COPY (SELECT * FROM account_labels ORDER BY account_id, scheme_id)
            TO '{_sql_text(labels / "accounts.parquet")}' (FORMAT parquet)"""
    )
    con.execute(
        """CREATE TABLE accounts AS
        SELECT src_account AS account_id, src_bank AS bank FROM tx
        UNION SELECT dst_account, dst_bank FROM tx"""
    )
    con.execute(
        f"""COPY (SELECT account_id, account_id AS holder_id, bank, CAST(NULL AS VARCHAR) AS
                country, CAST(NULL AS DATE) AS opened, CAST(NULL AS VARCHAR) AS account_type
            FROM accounts ORDER BY account_id)
            TO '{_sql_text(work / "accounts.parquet")}' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT account_id AS party_id, 'LegalEntity' AS schema,
                'holder of ' || account_id AS name FROM accounts ORDER BY account_id)
            TO '{_sql_text(work / "parties.parquet")}' (FORMAT parquet)"""
    )
    with open(work / "rates.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("currency", "usd_per_unit"))
        writer.writerows(sorted(rates.items()))

    def count(sql: str) -> int:
        return con.execute(sql).fetchone()[0]

    typologies = dict(
        con.execute(
            "SELECT typology, count(DISTINCT account_id) FROM account_labels GROUP BY typology "
            "ORDER BY typology"
        ).fetchall()
    )
    return {
        "transactions": count("SELECT count(*) FROM staged"),
        "accounts": count("SELECT count(*) FROM accounts"),
        "laundering_transactions": count("SELECT count(DISTINCT tx_id) FROM tx_labels"),
        "laundering_accounts": count("SELECT count(DISTINCT account_id) FROM account_labels"),
        "typologies": typologies,
        "rates": rates,
    }


def _publish(work: Path, out: Path) -> None:
    """Put the finished folder under its name; an existing folder there is replaced only once the
    new one is complete."""
    old = None
    try:
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
        os.replace(work, out)
    except OSError as exc:
        if old is not None and not out.exists():
            os.replace(old / out.name, out)
        raise OutputError(out, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
