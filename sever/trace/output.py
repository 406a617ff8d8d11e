"""Writing the per-address table (``--out``): Parquet, CSV or JSON lines, atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from sever.tables.io import write_records

ADDRESS_SCHEMA = pa.schema(
    [
        ("address", pa.string()),
        ("asset", pa.string()),
        ("traced_value", pa.float64()),
        ("traced_usd", pa.float64()),
        ("share", pa.float64()),
        ("min_hops", pa.int64()),
        ("first_arrival", pa.timestamp("s", tz="UTC")),
        ("last_arrival", pa.timestamp("s", tz="UTC")),
        ("paths", pa.int64()),
        ("held_value", pa.float64()),
        ("tag", pa.string()),
        ("service", pa.string()),
        ("category", pa.string()),
        ("role", pa.string()),
    ]
)
"""The ``--out`` columns (:data:`sever.trace.results.ADDRESS_COLUMNS`) and their types."""


def write_addresses(rows: pd.DataFrame, path: str | Path, *, raw: bool = False) -> Path:
    """One row per address that received traced value; CSV text cells escaped unless ``raw``."""
    records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
    for record in records:
        for name in ("first_arrival", "last_arrival"):
            if record[name] is not None:
                record[name] = record[name].to_pydatetime()
    return write_records(records, path, ADDRESS_SCHEMA, raw=raw)
