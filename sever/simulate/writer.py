"""Deterministic table writers: Parquet (zstd) or CSV, appended chunk by chunk.

Nothing that varies between runs is written: no timestamps, no paths, no pandas metadata. The
same rows in the same order give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROW_GROUP = 500_000


class TableWriter:
    """Appends tables of one schema to ``DIR/NAME.parquet`` or ``DIR/NAME.csv``."""

    def __init__(self, out: Path, name: str, schema: pa.Schema, fmt: str) -> None:
        self.path = out / f"{name}.{fmt}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.rows = 0
        if fmt == "parquet":
            self._writer: Any = pq.ParquetWriter(
                self.path, schema, compression="zstd", use_dictionary=True, write_statistics=True
            )
        else:
            self._writer = pacsv.CSVWriter(self.path, schema)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            if isinstance(self._writer, pq.ParquetWriter):
                self._writer.write_table(table, row_group_size=ROW_GROUP)
            else:
                self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_table(out: Path, name: str, table: pa.Table, fmt: str) -> int:
    """Write a whole table at once; returns its row count."""
    with TableWriter(out, name, table.schema, fmt) as writer:
        writer.write(table)
    return table.num_rows


def _column(values: Any, kind: pa.DataType) -> pa.Array:
    """A column as Arrow: epoch seconds to timestamps, day numbers (-1: none) to dates."""
    if pa.types.is_timestamp(kind):
        return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64()).cast(kind)
    if pa.types.is_date32(kind) and isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        days = values.astype(np.int32)
        return pa.array(days, type=pa.int32(), mask=days < 0).cast(kind)
    if isinstance(values, np.ndarray) and values.dtype == object and pa.types.is_string(kind):
        return pa.array(values.tolist(), type=kind)
    return pa.array(values, type=kind)


def to_table(columns: dict[str, Any], schema: pa.Schema) -> pa.Table:
    """Columns (numpy arrays or lists, by name) to an Arrow table of ``schema``."""
    return pa.Table.from_arrays([_column(columns[f.name], f.type) for f in schema], schema=schema)


def rows_to_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Row dicts (planted rows) to an Arrow table of ``schema``; missing fields are null."""
    columns = {f.name: [row.get(f.name) for row in rows] for f in schema}
    return pa.Table.from_arrays([_column(columns[f.name], f.type) for f in schema], schema=schema)
