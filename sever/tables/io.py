"""Reading input files onto an engine and writing result tables (Parquet, CSV, JSON lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sever.errors import InputError
from sever.tables.atomic import atomic_output
from sever.tables.contracts import Contract, conform
from sever.tables.csv_output import write_csv
from sever.tables.engine import Engine

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
    try:
        table = engine.read(source, fmt)
    except Exception as exc:  # unreadable, truncated or not the format its name says
        raise InputError(path, f"cannot read as {fmt}: {exc}") from None
    return conform(table, contract, path)


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


def write_records(
    records: Iterable[Mapping[str, Any]], path: str | Path, schema: pa.Schema, *, raw: bool = False
) -> Path:
    """Write records as Parquet, CSV or JSON lines (by the name), atomically. CSV text cells that
    a spreadsheet would run as formulas are escaped unless ``raw``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".pq", ".csv", ".jsonl", ".json"):
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
