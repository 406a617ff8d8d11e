"""Company registries: the ``registry`` table contract and FollowTheMoney JSON lines.

Two shapes are read, strictly (any fault is one InputError naming the file, row and field):

- **registry** (CSV or Parquet, as ``sever simulate`` writes it): one company per row,
  ``company_id`` and ``name`` required; ``jurisdiction``, ``incorporation_date``, ``address``,
  ``phone``, ``email`` optional; ``directors`` a JSON list of ids (or of objects with ``id`` and
  ``name``); ``owners`` a JSON list of objects ``{"owner_id", "share", "name"?, "schema"?}``, the
  share a fraction 0–1 (``null`` when not stated). An owner that is not a company of the file
  becomes a party of its own, named by its ``name``.
- **ftm** (JSON lines, one FtM entity per line): ``Company``, ``Organization``, ``LegalEntity`` and
  ``Person`` parties; ``Ownership`` (``owner``, ``asset``, ``percentage`` in per cent, FtM's unit,
  ``startDate``, ``endDate``); ``Directorship`` (``director``, ``organization``). Every id an
  Ownership or Directorship names must be a party of the file.
"""

from __future__ import annotations

import calendar
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData

from sever.errors import InputError
from sever.network.ownership import Stake
from sever.tables.contracts import REGISTRY
from sever.tables.csv_input import CsvReader
from sever.tables.text_input import read_text

FORMATS = ("registry", "ftm")
PARTY_SCHEMATA = ("Company", "Organization", "LegalEntity", "Person")
LINK_SCHEMATA = ("Ownership", "Directorship")
REGISTRY_REQUIRED = REGISTRY.required
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Directorship:
    """A director (person or company) of an organisation."""

    director: str
    organization: str
    source: str = ""


@dataclass
class Registry:
    """The parties of a registry (FtM entities, ready to screen), their stakes and directors."""

    path: Path
    parties: dict[str, EntityProxy] = field(default_factory=dict)
    stakes: list[Stake] = field(default_factory=list)
    directorships: list[Directorship] = field(default_factory=list)

    def label(self, party_id: str) -> str:
        """The party's name as the registry writes it (its id when it has none)."""
        party = self.parties.get(party_id)
        return party.caption if party is not None and party.caption else party_id


def read_registry(path: str | Path, fmt: str = "registry") -> Registry:
    """A registry file in the named format (``registry`` or ``ftm``)."""
    path = Path(path)
    if fmt == "ftm":
        return read_ftm(path)
    if fmt == "registry":
        return read_registry_table(path)
    raise InputError(
        None,
        f"{fmt!r} is not a registry format; use one of: {', '.join(FORMATS)}",
        field="--format",
    )


# -- FtM JSON lines --------------------------------------------------------------------------


def read_ftm(path: Path) -> Registry:
    """Parties, Ownership and Directorship from FtM JSON lines."""
    registry = Registry(path)
    links: list[tuple[int, EntityProxy]] = []
    rows: dict[str, int] = {}
    for row, line in enumerate(read_text(path, what="FtM JSON lines file").splitlines(), 1):
        if not line.strip():
            continue
        entity = _ftm_entity(path, row, line)
        if entity.id in rows:
            raise InputError(
                path, f"id {entity.id!r} already used on row {rows[entity.id]}", row=row, field="id"
            )
        rows[entity.id] = row  # type: ignore[index]
        if entity.schema.name in PARTY_SCHEMATA:
            registry.parties[entity.id] = entity  # type: ignore[index]
        else:
            links.append((row, entity))
    for row, link in links:
        source = f"{path.name} row {row}"
        if link.schema.name == "Ownership":
            owner = _reference(registry, path, row, link, "owner")
            asset = _reference(registry, path, row, link, "asset")
            registry.stakes.append(
                Stake(
                    owner=owner,
                    asset=asset,
                    share=_percentage(path, row, link),
                    start=_date(path, row, link, "startDate", end=False),
                    end=_date(path, row, link, "endDate", end=True),
                    source=source,
                )
            )
        else:
            director = _reference(registry, path, row, link, "director")
            organization = _reference(registry, path, row, link, "organization")
            registry.directorships.append(Directorship(director, organization, source))
    return registry


def _ftm_entity(path: Path, row: int, line: str) -> EntityProxy:
    """One line as an FtM entity of an accepted schema, with an id."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON: {exc.msg}", row=row) from None
    if not isinstance(data, dict):
        raise InputError(path, "each line must be one JSON object (an FtM entity)", row=row)
    schema = data.get("schema")
    accepted = (*PARTY_SCHEMATA, *LINK_SCHEMATA)
    if schema not in accepted:
        raise InputError(
            path,
            f"schema {schema!r} is not read here; use one of: {', '.join(accepted)}",
            row=row,
            field="schema",
        )
    if not isinstance(data.get("id"), str) or not data["id"].strip():
        raise InputError(path, "every entity needs an id", row=row, field="id")
    properties = data.get("properties", {})
    if not isinstance(properties, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in properties.values()
    ):
        raise InputError(
            path, "properties must map each name to a list of strings", row=row, field="properties"
        )
    for name in properties:
        if name not in model.schemata[schema].properties:
            raise InputError(path, f"{schema} has no property {name!r}", row=row, field=name)
    try:
        return model.get_proxy({"id": data["id"], "schema": schema, "properties": properties})
    except InvalidData as exc:
        raise InputError(path, str(exc), row=row, field="properties") from None


def _reference(registry: Registry, path: Path, row: int, link: EntityProxy, prop: str) -> str:
    """The one party id a link's property names; it must be a party of the file."""
    values = link.get(prop)
    if len(values) != 1:
        raise InputError(
            path,
            f"{link.schema.name} needs exactly one {prop}, not {len(values)}",
            row=row,
            field=prop,
        )
    if values[0] not in registry.parties:
        raise InputError(path, f"{values[0]!r} is not a party of this file", row=row, field=prop)
    return values[0]


def _percentage(path: Path, row: int, link: EntityProxy) -> float | None:
    """FtM's ``percentage`` (``30``, ``30 %``, ``12.5``) as a share 0–1; None when not stated."""
    values = link.get("percentage")
    if not values:
        return None
    if len(values) > 1:
        raise InputError(
            path, f"one percentage per Ownership, not {values}", row=row, field="percentage"
        )
    found = _PERCENT.match(values[0])
    if found is None:
        raise InputError(
            path,
            f"{values[0]!r} is not a percentage (e.g. 30 or 12.5 %)",
            row=row,
            field="percentage",
        )
    return float(found.group(1)) / 100


def _date(path: Path, row: int, link: EntityProxy, prop: str, *, end: bool) -> date | None:
    """An FtM date (``2019``, ``2019-05``, ``2019-05-04``); a partial end date is its last day."""
    values = link.get(prop)
    if not values:
        return None
    found = _PARTIAL_DATE.match(values[0])
    try:
        year, month, day = (int(g) if g else None for g in found.groups())  # type: ignore[union-attr]
        month = month or (12 if end else 1)
        day = day or (calendar.monthrange(year, month)[1] if end else 1)  # type: ignore[arg-type]
        return date(year, month, day)  # type: ignore[arg-type]
    except (AttributeError, ValueError):
        raise InputError(path, f"{values[0]!r} is not a date", row=row, field=prop) from None


# -- the registry table ----------------------------------------------------------------------


def read_registry_table(path: Path) -> Registry:
    """The ``registry`` contract from CSV or Parquet."""
    registry = Registry(path)
    owners: list[tuple[int, str, Any]] = []
    directors: list[tuple[int, str, Any]] = []
    for row, record in _table_rows(path):
        company_id = record.get("company_id") or ""
        name = record.get("name") or ""
        for column, value in (("company_id", company_id), ("name", name)):
            if not str(value).strip():
                raise InputError(path, f"{column} is empty", row=row, field=column)
        if company_id in registry.parties:
            raise InputError(
                path, f"company_id {company_id!r} is repeated", row=row, field="company_id"
            )
        company = model.make_entity("Company")
        company.id = company_id
        company.add("name", name)
        for column, prop in (
            ("jurisdiction", "jurisdiction"),
            ("incorporation_date", "incorporationDate"),
            ("address", "address"),
            ("phone", "phone"),
            ("email", "email"),
        ):
            if record.get(column) not in (None, ""):
                company.add(prop, str(record[column]), quiet=True)
        registry.parties[company_id] = company
        owners.append((row, company_id, _json_list(path, row, "owners", record.get("owners"))))
        directors.append(
            (row, company_id, _json_list(path, row, "directors", record.get("directors")))
        )
    for row, company_id, items in owners:
        for item in items:
            registry.stakes.append(_owner(registry, path, row, company_id, item))
    for row, company_id, items in directors:
        for item in items:
            director = _party(registry, path, row, "directors", item, "Person")
            registry.directorships.append(
                Directorship(director, company_id, f"{path.name} row {row}")
            )
    return registry


def _table_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row, record) from a CSV (row = line) or Parquet file (row = 1-based record number)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise InputError(path, f"not a readable Parquet file: {exc}") from None
        missing = [c for c in REGISTRY_REQUIRED if c not in table.column_names]
        if missing:
            raise InputError(path, "required column missing", field=missing[0])
        return [(i, record) for i, record in enumerate(table.to_pylist(), 1)]
    return list(CsvReader(path, required=REGISTRY_REQUIRED, what="registry CSV file"))


def _json_list(path: Path, row: int, column: str, value: Any) -> list[Any]:
    """A JSON list cell (empty or missing: no items)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON: {exc.msg}", row=row, field=column) from None
    if not isinstance(items, list):
        raise InputError(path, "must be a JSON list", row=row, field=column)
    return items


def _owner(registry: Registry, path: Path, row: int, company_id: str, item: Any) -> Stake:
    """One owner object → a Stake (and a party for an owner that is not a company of the file)."""
    if not isinstance(item, dict):
        raise InputError(
            path, f"each owner must be an object, not {item!r}", row=row, field="owners"
        )
    owner = _party(registry, path, row, "owners", item, "LegalEntity")
    share = item.get("share")
    if share is not None and (
        isinstance(share, bool)
        or not isinstance(share, (int, float))
        or not (math.isfinite(share) and share >= 0)
    ):
        raise InputError(
            path, f"share {share!r} is not a finite fraction of at least 0", row=row, field="owners"
        )
    return Stake(
        owner, company_id, None if share is None else float(share), source=f"{path.name} row {row}"
    )


def _party(registry: Registry, path: Path, row: int, column: str, item: Any, schema: str) -> str:
    """The id an owner or director item names; a party is made for it when it is new."""
    if isinstance(item, str):
        party_id, name, item_schema = item, None, schema
    elif isinstance(item, dict):
        party_id = item.get("owner_id") or item.get("id") or item.get("director_id")
        name, item_schema = item.get("name"), item.get("schema") or schema
    else:
        party_id = None
    if not isinstance(party_id, str) or not party_id.strip():
        raise InputError(path, f"an item without an id: {item!r}", row=row, field=column)
    if item_schema not in PARTY_SCHEMATA:
        raise InputError(
            path,
            f"schema {item_schema!r} is not one of {', '.join(PARTY_SCHEMATA)}",
            row=row,
            field=column,
        )
    if party_id not in registry.parties:
        party = model.make_entity(item_schema)
        party.id = party_id
        if name:
            party.add("name", str(name))
        registry.parties[party_id] = party
    elif name and not registry.parties[party_id].has("name"):
        registry.parties[party_id].add("name", str(name))
    return party_id
