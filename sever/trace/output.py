"""Writing the per-address table (``--out``): Parquet, CSV or JSON lines, atomically; and
writing a trace's several outputs all together or not at all (:func:`all_or_nothing`)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
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


@contextlib.contextmanager
def all_or_nothing() -> Iterator[Callable[[Path], Path]]:
    """Yield ``stage(path) -> temporary path``: each output is written under a hidden name
    beside its final one, and only when every one is written are they all renamed into place
    (with Ctrl-C held off for the renames). An error or Ctrl-C before that removes the hidden
    files and leaves every earlier output as it was: a trace's outputs never disagree."""
    staged: list[tuple[Path, Path]] = []

    def stage(path: Path) -> Path:
        path = Path(path)
        temp = path.with_name(f".{path.stem}-partial-{os.getpid()}{path.suffix}")
        staged.append((temp, path))
        return temp

    try:
        yield stage
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
