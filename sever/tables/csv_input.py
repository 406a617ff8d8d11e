"""Reading CSV files strictly: every problem names the file, the line and the column.

Python's ``csv`` module and pyarrow both accept files that do not say what their author meant: a
quote that is never closed swallows every following row into one cell (the row count still looks
right), a row with extra cells loses them, a repeated header name keeps only its last column. Each
of those is a silent wrong answer in a screening tool, so this reader checks for them:

- the text is decoded strictly (:mod:`sever.tables.text_input`);
- a repeated or missing required column name in the header is an error;
- a row whose number of cells differs from the header is an error, or, when not ``strict``, a
  reported skip (``skipped``);
- a quoted cell that never closes is always an error (the rest of the file cannot be trusted);
- a quoted cell that runs over several lines, each looking like a row of its own, is treated as a
  quote opened by mistake: an error, or a reported skip.

Blank lines are ignored. Cells are stripped of surrounding spaces. Line numbers count from 1 with
the header on line 1; a row that spans lines is named by the line it starts on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from sever.errors import InputError
from sever.tables.text_input import read_text


class CsvReader:
    """The header and rows of one CSV file, checked as described in the module's docstring."""

    def __init__(
        self,
        path: str | Path,
        *,
        required: Iterable[str] = (),
        strict: bool = True,
        encoding: str | None = None,
        lower: bool = False,
        what: str = "CSV file",
    ) -> None:
        self.path = Path(path)
        self.strict = strict
        self.skipped: list[InputError] = []
        """Rows left out when not strict, each with the reason."""
        text = read_text(self.path, encoding, what=what)
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        self._line = 0
        first = self._next()
        if first is None:
            raise InputError(self.path, f"empty {what}: no header row", row=1)
        _, header = first
        self.header = [cell.strip().lower() if lower else cell.strip() for cell in header]
        seen: dict[str, int] = {}
        for position, name in enumerate(self.header, start=1):
            if name and name in seen:
                raise InputError(
                    self.path,
                    f"column {name!r} appears twice in the header (columns {seen[name]} and "
                    f"{position}); rename one",
                    row=1,
                    field=name,
                )
            seen[name] = position
        missing = [c for c in required if c not in seen]
        if missing:
            raise InputError(
                self.path,
                f"missing required column(s): {', '.join(missing)}",
                row=1,
                field=missing[0],
            )

    def _next(self) -> tuple[int, list[str]] | None:
        """The next non-blank record and the line it starts on; None at the end."""
        while True:
            start = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                message = str(exc)
                if "unexpected end of data" in message or "EOF" in message:
                    message = (
                        "a quoted cell opened here is never closed; every line after it would "
                        "be read as part of this cell"
                    )
                raise InputError(self.path, f"unreadable CSV: {message}", row=start) from None
            if cells and any(cell.strip() for cell in cells):
                return start, cells

    def _problem(self, line: int, message: str, field: str | None = None) -> None:
        error = InputError(self.path, message, row=line, field=field)
        if self.strict:
            raise error
        self.skipped.append(error)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = len(self.header)
        while (record := self._next()) is not None:
            line, cells = record
            if len(cells) != width:
                self._problem(
                    line,
                    f"{len(cells)} cells where the header has {width}; check the quotes "
                    "and separators on this row",
                )
                continue
            swallowed = _swallowed_rows(cells, width)
            if swallowed:
                column, count = swallowed
                self._problem(
                    line,
                    f"a quoted cell runs over {count} more line(s) that look like rows of their "
                    "own; a quote is probably not closed",
                    field=self.header[column] or None,
                )
                continue
            yield (
                line,
                {name: cell.strip() for name, cell in zip(self.header, cells, strict=True) if name},
            )


def _swallowed_rows(cells: list[str], width: int) -> tuple[int, int] | None:
    """(column, lines) when a multi-line cell holds lines with as many separators as a row."""
    if width < 2:
        return None
    for column, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        lines = cell.splitlines()[1:]
        rowlike = sum(1 for text in lines if text.count(",") >= width - 1)
        if rowlike:
            return column, rowlike
    return None
