"""A user's own watchlist: FtM JSON lines, or a simple CSV, kept as its own dataset with its ids.

The simple CSV has a header row. Required: ``id, schema, name``. Optional columns map to FtM
properties (``alias``, ``birth_date``, ``country``, ``nationality``, ``passport_number``,
``id_number``, ``registration_number``, ``imo_number``, ``swift_bic``, ``crypto_address``,
``address``, ``email``, ``phone``, ``program``, ``notes``), or may be named as FtM properties
directly (``birthPlace``, ``callSign``…). Several values in one cell are separated by ``;``.
Any other column is kept in ``notes`` as ``column: value`` so nothing is dropped.

Nothing is dropped silently either way: the text is decoded strictly (UTF-8, UTF-16 by its mark,
or the ``--encoding`` given), the CSV is read by the strict ``CsvReader`` (a quote never closed,
a ragged row or a repeated header is an error), and in JSON lines a ``properties`` that is not an
object, a value that is not text, a value FtM cannot read or a party without a name is an error
naming the file, the row and the field. Entities past the documented name limits are refused
before they are built.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData

from sever.entities.limits import MAX_VALUES_PER_PROPERTY
from sever.errors import InputError
from sever.lists.entity_limits import check_names
from sever.lists.sources.base import ParsedList, Source
from sever.tables.csv_input import CsvReader
from sever.tables.text_input import read_text

WATCHLIST = "watchlist"

COLUMN_PROPS = {
    "alias": "alias",
    "aliases": "alias",
    "weak_alias": "weakAlias",
    "birth_date": "birthDate",
    "dob": "birthDate",
    "country": "country",
    "nationality": "nationality",
    "passport_number": "passportNumber",
    "id_number": "idNumber",
    "registration_number": "registrationNumber",
    "imo_number": "imoNumber",
    "swift_bic": "swiftBic",
    "address": "address",
    "email": "email",
    "phone": "phone",
    "website": "website",
    "program": "programId",
    "notes": "notes",
    "gender": "gender",
}
REQUIRED = ("id", "schema", "name")
NAMED_SCHEMATA = ("LegalEntity", "Vessel", "Airplane")
"""Parties screened by name: an entry of these schemata without a name would never match."""
MAX_ID_CHARS = 1_000
"""Longest entity id accepted (the official lists' ids are under 100 characters)."""


def detect_watchlist(path: Path, head: bytes) -> bool:
    """FtM JSON lines (``{"id":…,"schema":…}``) or a CSV whose header has id, schema and name."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    if first.startswith("{"):
        return '"schema"' in first
    header = {c.strip().lower() for c in first.split(",")}
    return set(REQUIRED) <= header


def _schema(path: Path, row: int, name: object) -> str:
    """The FtM schema named in a row, or an InputError naming the row."""
    if not isinstance(name, str):
        raise InputError(path, 'schema must be text, e.g. "Person"', row=row, field="schema")
    schema = model.get(name.strip())
    if schema is None or schema.abstract:
        raise InputError(path, f"unknown FtM schema {name[:100]!r}", row=row, field="schema")
    return schema.name


def _entity_id(path: Path, row: int, value: object) -> str:
    """The entry's id: non-blank text of bounded length."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, "each entry needs an id (non-blank text)", row=row, field="id")
    if len(value) > MAX_ID_CHARS:
        raise InputError(
            path,
            f"id of {len(value):,} characters; the limit is {MAX_ID_CHARS:,}",
            row=row,
            field="id",
        )
    return value.strip()


def _values(path: Path, row: int, prop: str, raw: object) -> list[str]:
    """A property's values from JSON: text or a list of texts."""
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InputError(
            path,
            f"values must be text or a list of texts, not {type(raw).__name__}",
            row=row,
            field=prop[:100],
        )
    return values


def _check_count(path: Path, row: int, field: str, values: list[str]) -> None:
    """Refuse more values than one property may carry (see ``MAX_VALUES_PER_PROPERTY``)."""
    if len(values) > MAX_VALUES_PER_PROPERTY:
        raise InputError(
            path,
            f"{len(values):,} values; the limit is {MAX_VALUES_PER_PROPERTY:,} per property "
            "(MAX_VALUES_PER_PROPERTY)",
            row=row,
            field=field[:100],
        )


def _add(
    entity: EntityProxy, path: Path, row: int, field: str, prop: str, values: list[str]
) -> None:
    """Add values to a property, refusing any FtM cannot read (a date that is not a date…)."""
    prop_obj = entity.schema.get(prop)
    if prop_obj is None:
        raise InputError(
            path, f"{entity.schema.name} has no property {prop[:100]!r}", row=row, field=field[:100]
        )
    if prop_obj.stub:
        raise InputError(
            path, f"{prop!r} is set from the other entity, not here", row=row, field=field
        )
    for value in values:
        if value.strip() and prop_obj.type.clean(value, proxy=entity) is None:
            raise InputError(
                path, f"invalid {prop_obj.type.name} {value[:100]!r}", row=row, field=field
            )
    entity.add(prop, values)


def _require_name(entity: EntityProxy, path: Path, row: int) -> None:
    """A party must carry a name, a wallet its address: otherwise it could never be matched."""
    if entity.schema.is_a("CryptoWallet"):
        if not entity.get("publicKey"):
            raise InputError(path, "a CryptoWallet needs a publicKey", row=row, field="publicKey")
    elif any(entity.schema.is_a(s) for s in NAMED_SCHEMATA) and not entity.get("name"):
        raise InputError(
            path, f"a {entity.schema.name} needs a name to be screened", row=row, field="name"
        )


def _json_entry(path: Path, row: int, line: str) -> dict[str, Any]:
    """One line parsed as a JSON object; deep nesting is an error, not a crash."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg} (column {exc.colno})", row=row) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to be an entity", row=row) from None
    if not isinstance(data, dict):
        raise InputError(
            path, f"each line must be a JSON object (an entity), not {type(data).__name__}", row=row
        )
    return data


def entity_from_json(path: Path, row: int, data: dict[str, Any]) -> EntityProxy:
    """An FtM entity from one JSON object, every field checked (see the module's docstring)."""
    entity_id = _entity_id(path, row, data.get("id"))
    schema = _schema(path, row, data.get("schema"))
    raw = data.get("properties", {})
    if not isinstance(raw, dict):
        raise InputError(
            path,
            f"properties must be an object of property: values, not {type(raw).__name__}",
            row=row,
            field="properties",
        )
    properties = {str(prop): _values(path, row, str(prop), v) for prop, v in raw.items()}
    check_names(entity_id, schema, properties, path, row)
    entity = model.make_entity(schema)
    entity.id = entity_id
    try:
        for prop, values in properties.items():
            _check_count(path, row, prop, values)
            _add(entity, path, row, prop, prop, values)
    except InvalidData as exc:
        raise InputError(path, str(exc), row=row) from None
    _require_name(entity, path, row)
    return entity


def _from_jsonl(path: Path, text: str) -> list[tuple[int, EntityProxy]]:
    """(line, entity) for each non-blank line of FtM JSON lines."""
    entities = []
    for row, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            entities.append((row, entity_from_json(path, row, _json_entry(path, row, line))))
    return entities


def _csv_columns(path: Path, header: list[str]) -> dict[str, str]:
    """Header name → the name used below: the required columns in lower case, others as given."""
    columns: dict[str, str] = {}
    for name in header:
        key = name.lower() if name.lower() in REQUIRED else name
        if key in columns.values():
            raise InputError(path, f"column {key!r} appears twice in the header", row=1, field=key)
        columns[name] = key
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        raise InputError(
            path, f"missing required column(s): {', '.join(missing)}", row=1, field=missing[0]
        )
    return columns


def entity_from_csv(path: Path, row: int, cells: dict[str, str]) -> EntityProxy:
    """An FtM entity from one CSV row; columns FtM does not know are kept in ``notes``."""
    for column in REQUIRED:
        if not cells.get(column):
            raise InputError(path, "empty value", row=row, field=column)
    entity_id = _entity_id(path, row, cells["id"])
    schema = _schema(path, row, cells["schema"])
    split = {
        column: [cell] if column == "name" else [v.strip() for v in cell.split(";") if v.strip()]
        for column, cell in cells.items()
        if column not in ("id", "schema") and cell
    }
    props = {c: COLUMN_PROPS.get(c.lower(), c) for c in split}
    by_prop: dict[str, list[str]] = {}
    for column, values in split.items():
        by_prop.setdefault(props[column], []).extend(values)
    check_names(entity_id, schema, by_prop, path, row)
    entity = model.make_entity(schema)
    entity.id = entity_id
    entity.add("topics", "sanction", quiet=True)
    for column, values in split.items():
        if column != "name" and entity.schema.get(props[column]) is None:
            entity.add("notes", f"{column}: {cells[column]}", quiet=True)
            continue
        _check_count(path, row, column, values)
        _add(entity, path, row, column, props[column], values)
    _require_name(entity, path, row)
    return entity


def _from_csv(path: Path, encoding: str | None) -> list[tuple[int, EntityProxy]]:
    """(line, entity) for each row of the simple CSV."""
    reader = CsvReader(path, encoding=encoding, what="watchlist")
    columns = _csv_columns(path, reader.header)
    entities = []
    for row, cells in reader:
        named = {columns[c]: v for c, v in cells.items()}
        entities.append((row, entity_from_csv(path, row, named)))
    return entities


def check_encoding(encoding: str | None) -> str | None:
    """The ``--encoding`` given, or an InputError when Python knows no text encoding of that name
    (``rot13`` or ``base64`` are codecs, but not for text: decoding with them would crash)."""
    if encoding is None:
        return None
    try:
        b"a".decode(encoding, "ignore")
    except LookupError:
        raise InputError(
            None,
            f"{encoding[:60]!r} is not a text encoding (e.g. latin-1, cp1252, utf-16)",
            field="--encoding",
        ) from None
    return encoding


def read_watchlist_file(path: Path, encoding: str | None = None) -> list[tuple[int, EntityProxy]]:
    """(line, entity) for every entry of one watchlist file, JSON lines or CSV by its content."""
    text = read_text(path, check_encoding(encoding), what="watchlist")
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        raise InputError(path, "the file is empty", offset=0)
    if body.startswith(("{", "[")):
        return _from_jsonl(path, text.lstrip("\ufeff"))
    first = body.splitlines()[0]
    if set(REQUIRED) <= {c.strip().strip('"').lower() for c in first.split(",")}:
        return _from_csv(path, encoding)
    raise InputError(
        path,
        "a watchlist must be FtM JSON lines or a CSV with columns id, schema, name",
        row=1,
    )


def parse_watchlist(
    paths: Sequence[Path], dataset: str, *, encoding: str | None = None
) -> ParsedList:
    """Read one or more watchlist files into one user dataset; ids must be unique across them."""
    entities: list[EntityProxy] = []
    seen: dict[str, tuple[Path, int]] = {}
    for path in map(Path, paths):
        for row, entity in read_watchlist_file(path, encoding):
            assert entity.id is not None
            if entity.id in seen:
                first_path, first_row = seen[entity.id]
                raise InputError(
                    path,
                    f"duplicate entity id {entity.id[:100]!r} (first on row {first_row} of "
                    f"{first_path.name})",
                    row=row,
                    field="id",
                )
            seen[entity.id] = (path, row)
            entities.append(entity)
    return ParsedList(dataset=dataset, source=WATCHLIST, entities=entities, files=list(paths))


SOURCE = Source(
    name=WATCHLIST,
    dataset="",
    title="Your own watchlist (FtM JSON lines or CSV)",
    detect=detect_watchlist,
    parse=lambda paths: parse_watchlist(paths, "watchlist"),
)
