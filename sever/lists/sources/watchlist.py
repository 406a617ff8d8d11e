"""A user's own watchlist: FtM JSON lines, or a simple CSV, kept as its own dataset with its ids.

The simple CSV has a header row. Required: ``id, schema, name``. Optional columns map to FtM
properties (``alias``, ``birth_date``, ``country``, ``nationality``, ``passport_number``,
``id_number``, ``registration_number``, ``imo_number``, ``swift_bic``, ``crypto_address``,
``address``, ``email``, ``phone``, ``program``, ``notes``), or may be named as FtM properties
directly (``birthPlace``, ``callSign``…). Several values in one cell are separated by ``;``.
Any other column is kept in ``notes`` as ``column: value`` so nothing is dropped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, Source

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


def detect_watchlist(path: Path, head: bytes) -> bool:
    """FtM JSON lines (``{"id":…,"schema":…}``) or a CSV whose header has id, schema and name."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    if first.startswith("{"):
        return '"schema"' in first
    header = {c.strip().lower() for c in first.split(",")}
    return set(REQUIRED) <= header


def _schema(path: Path, row: int, name: str) -> str:
    schema = model.get(name.strip())
    if schema is None or schema.abstract:
        raise InputError(path, f"unknown FtM schema {name!r}", row=row, field="schema")
    return schema.name


def _from_jsonl(path: Path) -> list[EntityProxy]:
    entities = []
    with open(path, encoding="utf-8") as fh:
        for row, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"invalid JSON: {exc.msg}", row=row) from None
            if not isinstance(data, dict) or not data.get("id"):
                raise InputError(
                    path, "each line must be an entity with an id", row=row, field="id"
                )
            _schema(path, row, str(data.get("schema", "")))
            try:
                entities.append(model.get_proxy(data, cleaned=False))
            except InvalidData as exc:
                raise InputError(path, str(exc), row=row) from None
    return entities


def _from_csv(path: Path) -> list[EntityProxy]:
    entities = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [c.strip() for c in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in {h.lower() for h in header}]
        if missing:
            raise InputError(path, f"missing required column(s): {', '.join(missing)}", row=1)
        for row_no, raw in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            row = {k.lower() if k.lower() in REQUIRED else k: v for k, v in row.items()}
            for column in REQUIRED:
                if not row.get(column):
                    raise InputError(path, "empty value", row=row_no, field=column)
            entity = model.make_entity(_schema(path, row_no, row["schema"]))
            entity.id = row["id"]
            entity.add("name", row["name"])
            entity.add("topics", "sanction", quiet=True)
            for column, cell in row.items():
                if column in REQUIRED or not cell:
                    continue
                prop = COLUMN_PROPS.get(column.lower(), column)
                values = [v.strip() for v in cell.split(";") if v.strip()]
                if entity.schema.get(prop) is None:
                    entity.add("notes", f"{column}: {cell}", quiet=True)
                    continue
                cleaned = [v for v in values if entity.schema.get(prop).type.clean(v)]
                if len(cleaned) != len(values):
                    raise InputError(path, f"invalid value {cell!r}", row=row_no, field=column)
                entity.add(prop, values)
            entities.append(entity)
    return entities


def parse_watchlist(paths: Sequence[Path], dataset: str) -> ParsedList:
    """Read one or more watchlist files into one user dataset."""
    entities: list[EntityProxy] = []
    for path in paths:
        if not path.exists():
            raise InputError(path, "no such file")
        head = path.read_bytes()[:65536]
        if not head.strip():
            raise InputError(path, "the file is empty", offset=0)
        if head.lstrip().startswith(b"{"):
            entities.extend(_from_jsonl(path))
        elif detect_watchlist(path, head):
            entities.extend(_from_csv(path))
        else:
            raise InputError(
                path,
                "a watchlist must be FtM JSON lines or a CSV with columns id, schema, name",
                row=1,
            )
    seen: set[str] = set()
    for entity in entities:
        if entity.id in seen:
            raise InputError(paths[0], f"duplicate entity id {entity.id!r}", field="id")
        seen.add(entity.id)  # type: ignore[arg-type]
    return ParsedList(dataset=dataset, source=WATCHLIST, entities=entities, files=list(paths))


SOURCE = Source(
    name=WATCHLIST,
    dataset="",
    title="Your own watchlist (FtM JSON lines or CSV)",
    detect=detect_watchlist,
    parse=lambda paths: parse_watchlist(paths, "watchlist"),
)
