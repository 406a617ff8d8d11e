"""Writing CSV files that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula: a listed name or a screened party's name could then run
a formula on the analyst's machine (CSV injection, OWASP). Every CSV sever writes escapes such text
cells by prefixing a single quote, which spreadsheets show as text and hide. Numbers are written as
numbers and never escaped. ``raw=True`` (the commands' ``--raw``) writes the text as it is, for
programs that read the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sever.tables.atomic import atomic_output

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any, raw: bool = False) -> Any:
    """The value to write in one cell: text that a spreadsheet would run as a formula gets a
    leading ``'``; numbers, booleans and empty cells are left as they are."""
    if raw or not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    return "'" + value


def write_csv(
    path: str | Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    raw: bool = False,
) -> Path:
    """Write ``rows`` (dicts keyed by ``columns``) as UTF-8 CSV, atomically, cells escaped."""
    path = Path(path)
    with atomic_output(path) as temp, open(temp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_cell(c, raw) for c in columns])
        for row in rows:
            writer.writerow([safe_cell(row.get(c), raw) for c in columns])
    return path


def write_csv_rows(out: Any, rows: Iterable[Sequence[Any]], *, raw: bool = False) -> None:
    """Write already ordered rows to an open text stream (stdout, a file), cells escaped."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v, raw) for v in row])
