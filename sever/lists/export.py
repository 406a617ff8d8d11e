"""Export entities in service as FtM JSON lines (OpenSanctions/Aleph tooling reads them) or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from sever.entities import Store

FORMATS = ("ftm", "csv")
CSV_COLUMNS = ("id", "schema", "caption", "dataset", "property", "value")


def _ftm_records(store: Store, scope: str) -> Iterator[dict[str, object]]:
    for dataset, record in store.iter_records(scope):
        record["datasets"] = [dataset]
        yield record


def export(store: Store, scope: str, fmt: str, out: TextIO) -> int:
    """Write every entity of a scope; returns how many entities were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {FORMATS}")
    count = 0
    if fmt == "ftm":
        for record in _ftm_records(store, scope):
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
        return count
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in _ftm_records(store, scope):
        datasets = ";".join(record["datasets"])  # type: ignore[arg-type]
        props: dict[str, list[str]] = record["properties"]  # type: ignore[assignment]
        caption = record.get("caption", "")
        for prop, values in sorted(props.items()):
            for value in values:
                writer.writerow([record["id"], record["schema"], caption, datasets, prop, value])
        count += 1
    return count
