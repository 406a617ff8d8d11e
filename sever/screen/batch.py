"""Batch screening: a CSV or Parquet file of parties in, hits out (CSV, Parquet or JSON lines).

Parties follow DESIGN.md's contract: ``party_id, schema, name`` are required; ``birth_date,
nationality, country, address, phone, email, registration_number`` and the identifier columns
below are matched on; every other column is carried into the hits as evidence (``party.<col>``).

A bad row is reported with its file, row and field, and the batch goes on (unless strict): a row
without an id, a name or a known schema is skipped; an invalid value (a birth date that is not a
date) is left out of that party's query, which is still screened on the rest. CSV files are read
strictly (:class:`~sever.tables.csv_input.CsvReader`): a row with too many or too few cells, or a
quote that swallows the following rows, is a reported skip (an error with ``strict``), and a
quote never closed stops the batch, since no row after it can be trusted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from followthemoney import EntityProxy, model

from sever.errors import InputError
from sever.screen.index import ScreeningIndex
from sever.screen.query import MAX_VALUE_CHARS, QueryError, make_query
from sever.screen.search import MATCH, REVIEW, Hit, ScreenOptions, check_filters, screen_entity
from sever.screen.workers import map_chunks
from sever.tables.atomic import OutputError, atomic_output, check_output_path
from sever.tables.csv_input import CsvReader
from sever.tables.csv_output import write_csv

REQUIRED = ("party_id", "schema", "name")

PARTY_PROPERTIES = {
    "name": "name",
    "alias": "alias",
    "birth_date": "birthDate",
    "nationality": "nationality",
    "country": "country",
    "jurisdiction": "jurisdiction",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "registration_number": "registrationNumber",
    "incorporation_date": "incorporationDate",
    "id_number": "idNumber",
    "passport_number": "passportNumber",
    "imo_number": "imoNumber",
    "swift_bic": "swiftBic",
    "crypto_address": "publicKey",
}
"""Party columns that become query properties (where the party's schema has the property)."""

HIT_COLUMNS = (
    "query_id",
    "query_name",
    "entity_id",
    "caption",
    "schema",
    "list",
    "programs",
    "dprk",
    "holder",
    "score",
    "decision",
    "explanation",
)
FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}

CHUNK_ROWS = 1_000
"""Parties per unit of work (and per progress bar step)."""

Progress = Callable[[int], None]


@dataclass
class Party:
    """One row of a parties file, as a query, with the columns carried as evidence."""

    party_id: str
    row: int
    query: EntityProxy
    evidence: dict[str, str]


@dataclass
class BatchResult:
    """What a batch run found: hit rows, the rows it could not use, and counts for the summary."""

    path: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    parties: int = 0
    screened: int = 0
    seconds: float = 0.0
    workers: int = 1
    suppressed: int = 0
    """Hits left out because a case closed them as false positives, neither record changed since."""

    def parties_decided(self, decision: str) -> int:
        """How many parties have at least one hit with this decision (and none better)."""
        matched = {r["query_id"] for r in self.rows if r["decision"] == MATCH}
        if decision == MATCH:
            return len(matched)
        return len({r["query_id"] for r in self.rows} - matched)

    @property
    def matched_parties(self) -> int:
        return self.parties_decided(MATCH)

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "parties": self.parties,
            "screened": self.screened,
            "skipped": self.parties - self.screened,
            "problems": len(self.problems),
            "hits": len(self.rows),
            "matches": sum(1 for r in self.rows if r["decision"] == MATCH),
            "parties_matched": self.matched_parties,
            "parties_for_review": self.parties_decided(REVIEW),
            "suppressed_false_positives": self.suppressed,
            "seconds": round(self.seconds, 2),
            "parties_per_second": round(self.parties / self.seconds) if self.seconds else None,
            "workers": self.workers,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "problems": [str(p) for p in self.problems],
            "hits": self.rows,
        }


# -- reading --------------------------------------------------------------------------------


def count_rows(path: Path) -> int:
    """How many parties a file holds (for the progress bar), cheaply."""
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "not a file")
    if _format(path) == "parquet":
        return int(_parquet(path).metadata.num_rows)
    with open(path, "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(path, "parties must be a .csv or .parquet file")
    return suffix[1:]


class PartyRows:
    """The rows of a parties file: ``(row number, cells)``, the CSV header being row 1 and
    Parquet rows counting from 1. Rows the CSV reader left out (when not strict) are in
    ``skipped``, each with its reason, once the rows have been read."""

    def __init__(self, path: Path, *, strict: bool = False, encoding: str | None = None) -> None:
        self.path = path
        self.skipped: list[InputError] = []
        if not path.exists():
            raise InputError(path, "no such file")
        self._csv: CsvReader | None = None
        self._parquet: pq.ParquetFile | None = None
        if _format(path) == "parquet":
            self._parquet = _parquet(path)
            names = self._parquet.schema_arrow.names
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise InputError(path, f"column {twice[0]!r} appears twice", row=1, field=twice[0])
            _check_header(path, names)
        else:
            self._csv = CsvReader(
                path, required=REQUIRED, strict=strict, encoding=encoding, what="parties file"
            )

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self._csv is not None:
            yield from self._csv
            self.skipped = list(self._csv.skipped)
            return
        assert self._parquet is not None
        row = 0
        try:
            for batch in self._parquet.iter_batches(batch_size=10_000):
                for cells in batch.to_pylist():
                    row += 1
                    yield row, cells
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                self.path, f"unreadable Parquet after row {row}: {_first_line(exc)}"
            ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _parquet(path: Path) -> pq.ParquetFile:
    """An open Parquet file, or an InputError when it is not one (corrupt, truncated)."""
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file: {_first_line(exc)}") from None


def _check_header(path: Path, columns: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(
            path, f"missing required column(s): {', '.join(missing)}", row=1, field=missing[0]
        )


def _cell(path: Path, row: int, column: str, value: Any) -> str:
    """A cell as text; a Parquet value that is not a plain scalar (a list, bytes, a struct) is
    an InputError naming the cell, rather than its Python spelling screened as a name."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool, date)):
        return str(value).strip()
    raise InputError(
        path, f"holds a {type(value).__name__}, not text or a number", row=row, field=column
    )


def party_from_row(
    path: Path, row: int, cells: Mapping[str, Any]
) -> tuple[Party, list[InputError]]:
    """A party's query from one row; raises InputError when the row cannot be screened at all,
    and returns the problems with single values that were left out."""
    text = {column: _cell(path, row, column, cells.get(column)) for column in REQUIRED}
    party_id = text["party_id"]
    if not party_id:
        raise InputError(path, "empty party id", row=row, field="party_id")
    schema = model.get(text["schema"])
    if schema is None or not schema.matchable:
        raise InputError(path, f"unknown schema {text['schema']!r}", row=row, field="schema")
    problems: list[InputError] = []
    properties: dict[str, list[str]] = {}
    evidence: dict[str, str] = {}
    for column, raw in cells.items():
        try:
            value = _cell(path, row, column, raw)
        except InputError as exc:
            problems.append(exc)
            continue
        prop_name = PARTY_PROPERTIES.get(column)
        if prop_name is None or schema.get(prop_name) is None:
            if value and column not in REQUIRED:
                evidence[column] = value
            continue
        if not value:
            continue
        prop = schema.get(prop_name)
        if len(value) > MAX_VALUE_CHARS:
            problems.append(InputError(path, "value too long", row=row, field=column))
            continue
        clean = prop.type.clean(value, fuzzy=True, proxy=None)
        if clean is None:
            problems.append(
                InputError(
                    path, f"invalid {prop.type.label.lower()} {value!r}", row=row, field=column
                )
            )
            continue
        if prop_name == "birthDate" and is_future_date(clean):
            problems.append(
                InputError(path, f"birth date {value!r} is in the future", row=row, field=column)
            )
            continue
        properties.setdefault(prop_name, []).append(clean)
    try:
        query = make_query(schema.name, properties, query_id=party_id, cleaned=True)
    except QueryError as exc:
        raise InputError(path, exc.message, row=row, field="name") from None
    return Party(party_id, row, query, evidence), problems


def is_future_date(day: str) -> bool:
    """Whether a date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) lies after today."""
    return day[:10] > date.today().isoformat()[: len(day[:10])]


# -- screening ------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """One chunk's share of a batch, in a form that crosses process boundaries."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[str, str, int | None, str | None]] = field(default_factory=list)
    parties: int = 0
    screened: int = 0


def _problem(exc: InputError) -> tuple[str, str, int | None, str | None]:
    return (exc.path or "", exc.message, exc.row, exc.field)


def _screen_chunk(
    index: ScreeningIndex,
    path: Path,
    options: ScreenOptions,
    strict: bool,
    notes: Mapping[str, Mapping[str, str]],
    chunk: list[tuple[int, dict[str, Any]]],
) -> _Chunk:
    done = _Chunk(parties=len(chunk))
    for row, cells in chunk:
        try:
            party, problems = party_from_row(path, row, cells)
        except InputError as exc:
            if strict:
                raise
            done.problems.append(_problem(exc))
            continue
        if problems and strict:
            raise problems[0]
        done.problems.extend(_problem(p) for p in problems)
        screening = screen_entity(index, party.query, options, query_id=party.party_id)
        done.screened += 1
        done.rows.extend(hit_row(h, party, notes.get(h.entry.id, {})) for h in screening.hits)
    return done


Row = tuple[int, dict[str, Any]]
"""A row number and its cells."""


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_file(
    index: ScreeningIndex,
    path: Path,
    options: ScreenOptions | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    notes: Mapping[str, Mapping[str, str]] | None = None,
    workers: int = 1,
    encoding: str | None = None,
    rows: PartyRows | None = None,
) -> BatchResult:
    """Screen every party in a file; hits at or above ``options.cutoff`` are kept, in file order.

    ``notes`` adds columns to the hits of given entities (the delta re-screen says what
    changed on each). With ``strict``, the first bad row stops the batch with its InputError
    (and the batch runs in this process). ``workers`` > 1 screens chunks on that many cores;
    an error in any of them stops the batch with that worker's message. ``encoding`` declares
    a CSV file's encoding (default: UTF-8, or UTF-16/32 by byte-order mark); ``rows`` are the
    file's rows already opened (so that a bad file is refused before the index is loaded).
    """
    opts = options or ScreenOptions()
    check_filters(index, opts)
    rows = rows or PartyRows(path, strict=strict, encoding=encoding)
    task = partial(_screen_chunk, index, path, opts, strict, notes or {})
    used = 1 if strict or count_rows(path) <= CHUNK_ROWS else workers
    result = BatchResult(str(path), workers=used)
    started = time.perf_counter()
    for part in map_chunks(task, _chunks(rows), used):
        result.rows.extend(part.rows)
        result.problems.extend(
            InputError(file or None, message, row=row, field=column)
            for file, message, row, column in part.problems
        )
        result.parties += part.parties
        result.screened += part.screened
        if progress is not None:
            progress(part.parties)
    result.parties += len(rows.skipped)
    result.problems.extend(rows.skipped)
    result.problems.sort(key=lambda p: p.row or 0)
    result.seconds = time.perf_counter() - started
    return result


def hit_row(hit: Hit, party: Party, note: Mapping[str, str]) -> dict[str, Any]:
    """One output row: the hit, the party's name, the evidence columns and any note."""
    data = hit.to_dict()
    row = {
        **{k: data[k] for k in HIT_COLUMNS if k in data},
        "query_name": party.query.caption,
        **dict(note),
    }
    row["programs"] = ";".join(hit.entry.programs)
    row["features"] = data["features"]
    row.update({f"party.{k}": v for k, v in party.evidence.items()})
    return row


# -- writing --------------------------------------------------------------------------------


def check_hits_path(path: Path) -> str:
    """The format of a hits file, checked before any work: a known suffix, and a path that can
    be a file (not a folder, not under a file). Returns ``csv``, ``parquet`` or ``jsonl``."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise OutputError(path, f"unknown output format; use one of: {', '.join(FORMATS)}")
    check_output_path(path)
    return kind


def write_hits(path: Path, rows: list[dict[str, Any]], *, raw: bool = False) -> str:
    """Write hit rows as CSV, Parquet or JSON lines (by suffix), atomically; returns the format.

    JSON lines keep each hit's feature lines; CSV and Parquet are flat (the explanation says it).
    CSV cells a spreadsheet would run as a formula are escaped unless ``raw``.
    """
    kind = check_hits_path(path)
    if kind == "csv":
        columns, flat = _flat(rows)
        write_csv(path, columns, flat, raw=raw)
        return kind
    with atomic_output(path) as temp:
        _WRITERS[kind](temp, rows)
    return kind


def _flat(rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    columns: list[str] = list(HIT_COLUMNS)
    for row in rows:
        columns.extend(k for k in row if k not in columns and k != "features")
    return columns, [{c: row.get(c) for c in columns} for row in rows]


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    columns, flat = _flat(rows)
    types = {"score": pa.float64(), "dprk": pa.bool_()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    table = pa.Table.from_pylist(flat, schema=schema)
    pq.write_table(table, path)


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


_WRITERS: dict[str, Callable[[Path, list[dict[str, Any]]], None]] = {
    "parquet": _write_parquet,
    "jsonl": _write_jsonl,
}
