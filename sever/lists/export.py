"""Export entities in service as FtM JSON lines (OpenSanctions/Aleph tooling reads them) or CSV.

CSV cells are escaped against spreadsheet formula injection (``sever.tables.csv_output``): a listed
name starting with ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` unless ``raw`` is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from sever.entities import Store
from sever.tables.csv_output import write_csv_rows

FORMATS = ("ftm", "csv")
CSV_COLUMNS = ("id", "schema", "caption", "dataset", "property", "value")


def _ftm_records(store: Store, scope: str) -> Iterator[dict[str, object]]:
    for dataset, record in store.iter_records(scope):
        record["datasets"] = [dataset]
        yield record


def _csv_rows(records: Iterator[dict[str, object]], counter: list[int]) -> Iterator[list[str]]:
    """One row per (entity, property, value); counts the entities in ``counter[0]``."""
    for record in records:
        datasets = ";".join(record["datasets"])  # type: ignore[arg-type]
        props: dict[str, list[str]] = record["properties"]  # type: ignore[assignment]
        caption = str(record.get("caption", ""))
        for prop, values in sorted(props.items()):
            for value in values:
                yield [str(record["id"]), str(record["schema"]), caption, datasets, prop, value]
        counter[0] += 1


def export(store: Store, scope: str, fmt: str, out: TextIO, *, raw: bool = False) -> int:
    """Write every entity of a scope; returns how many entities were written. CSV cells are
    escaped for spreadsheets unless ``raw``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {FORMATS}")
    count = 0
    if fmt == "ftm":
        for record in _ftm_records(store, scope):
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
        return count
    counter = [0]
    write_csv_rows(out, [CSV_COLUMNS], raw=raw)
    write_csv_rows(out, _csv_rows(_ftm_records(store, scope), counter), raw=raw)
    return counter[0]
