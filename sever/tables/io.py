"""Reading input files onto an engine and writing result tables (Parquet, CSV, JSON lines)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sever.errors import InputError, SeverError
from sever.tables.atomic import atomic_output
from sever.tables.contracts import Contract, conform
from sever.tables.csv_input import CsvReader
from sever.tables.csv_output import write_csv
from sever.tables.engine import Engine, first_line

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".gz": "csv"}


def file_format(path: str | Path) -> str:
    """``parquet`` or ``csv``, from the name; a folder is read as a set of Parquet files."""
    path = Path(path)
    if path.is_dir():
        return "parquet"
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, "unknown file type; give a .parquet or .csv file")
    return fmt


def read_input(engine: Engine, path: str | Path, contract: Contract) -> Any:
    """Open ``path`` on ``engine`` and conform it to ``contract`` (errors name file, row, field)."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, f"{contract.name} file not found")
    fmt = file_format(path)
    source = str(path / "*.parquet") if path.is_dir() else str(path)
    header = csv_header(path) if fmt == "csv" else None
    try:
        table = engine.read(source, fmt, header)
        # The engines read lazily: a bad byte or a truncated file surfaces while conforming.
        return conform(table, contract, path)
    except SeverError:
        raise
    except Exception as exc:  # unreadable, truncated or not the format its name says
        raise InputError(
            path, f"cannot read as {fmt} on {engine.name}: {first_line(exc)}"
        ) from None


HEADER_BYTES = 1 << 20
"""How much of a CSV file is read to find its header row."""


def csv_header(path: Path) -> list[str]:
    """The names in a CSV file's first row; an empty file, an empty name or a name given twice
    is an InputError (an engine would rename or drop one of the two columns)."""
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
    text = head.decode("utf-8-sig", errors="replace")
    first = next(csv.reader(io.StringIO(text, newline="")), None)
    if not first:
        raise InputError(path, "empty file: no header row", row=1)
    names = [name.strip() for name in first]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            raise InputError(path, f"column {position} has no name in the header row", row=1)
        if name in seen:
            raise InputError(
                path,
                f"column {name!r} appears twice in the header (columns {seen[name]} and "
                f"{position}); rename one",
                row=1,
                field=name,
            )
        seen[name] = position
    return first


def label_column(path: str | Path, name: str) -> set[str]:
    """The values of one column of a small labels file (Parquet or CSV), as text; a file that
    cannot be read, or lacks the column, is an InputError naming it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "labels file not found")
    if file_format(path) == "csv":
        reader = CsvReader(path, required=(name,), what="labels file")
        return {row[name] for _, row in reader if row[name]}
    try:
        names = pq.read_schema(path).names
        column = pq.read_table(path, columns=[name]).column(name) if name in names else None
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"cannot read as parquet: {first_line(exc)}") from None
    if column is None:
        raise InputError(path, f"missing column {name}", field=name)
    return {str(value) for value in column.to_pylist() if value is not None}


def read_column(path: str | Path, name: str) -> pa.ChunkedArray | None:
    """One column of a local Parquet or CSV file, for pointing at the row behind an error."""
    fmt = file_format(path)
    if fmt == "parquet":
        schema = pq.read_schema(path)
        return pq.read_table(path, columns=[name]).column(name) if name in schema.names else None
    from pyarrow import csv

    options = csv.ConvertOptions(include_columns=[name], column_types={name: pa.string()})
    try:
        return csv.read_csv(path, convert_options=options).column(name)
    except (pa.ArrowInvalid, KeyError):
        return None


RECORD_SUFFIXES = (".parquet", ".pq", ".csv", ".jsonl", ".json")
"""The file types :func:`write_records` writes (``.json`` is written as JSON lines)."""


def write_records(
    records: Iterable[Mapping[str, Any]], path: str | Path, schema: pa.Schema, *, raw: bool = False
) -> Path:
    """Write records as Parquet, CSV or JSON lines (by the name), atomically. CSV text cells that
    a spreadsheet would run as formulas are escaped unless ``raw``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in RECORD_SUFFIXES:
        raise InputError(path, "unknown output type; use .parquet, .csv or .jsonl")
    rows = [_flatten(record, schema) for record in records]
    table = pa.Table.from_pylist(rows, schema=schema)
    if suffix == ".csv":
        names = table.schema.names
        listed = {f.name for f in table.schema if pa.types.is_list(f.type)}
        flat = [
            {k: (";".join(v) if v else "") if k in listed else v for k, v in row.items()}
            for row in table.to_pylist()
        ]
        return write_csv(path, names, flat, raw=raw)
    with atomic_output(path) as temp:
        if suffix in (".parquet", ".pq"):
            pq.write_table(table, temp)
        else:
            with open(temp, "w", encoding="utf-8") as handle:
                for row in table.to_pylist():
                    handle.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
    return path


def _flatten(record: Mapping[str, Any], schema: pa.Schema) -> dict[str, Any]:
    """Nested values (dicts) go out as JSON text so every engine and tool can read them."""
    row = {}
    for field in schema:
        value = record.get(field.name)
        if isinstance(value, Mapping):
            value = json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
        row[field.name] = value
    return row
