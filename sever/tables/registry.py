"""Company registries as FollowTheMoney JSON lines.

A registry comes in two shapes, each read strictly (any fault is one InputError naming the file,
row and field), and both end up as the tables of the network graph (:mod:`sever.network.graph`),
which every analysis reads:

- **registry** (CSV or Parquet, as ``sever simulate`` writes it): the ``registry`` contract
  (:data:`sever.tables.contracts.REGISTRY`), read by the graph build itself in DuckDB, its JSON
  cells checked by :mod:`sever.network.registry_cells`.
- **ftm** (JSON lines, one FtM entity per line), read here: ``Company``, ``Organization``,
  ``LegalEntity`` and ``Person`` parties; ``Ownership`` (``owner``, ``asset``, ``percentage`` in
  per cent, FtM's unit, ``startDate``, ``endDate``); ``Directorship`` (``director``,
  ``organization``, ``startDate``: the day the director was appointed, kept only when it names
  the day, since a year alone would put every appointment of that year on one date). Every id an
  Ownership or Directorship names must be a party of the file.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData

from sever.errors import InputError
from sever.network.ownership import Stake
from sever.tables.text_input import read_text

FORMATS = ("registry", "ftm")
"""The registry shapes: the ``registry`` table contract, or FtM JSON lines."""
PARTY_SCHEMATA = ("Company", "Organization", "LegalEntity", "Person")
LINK_SCHEMATA = ("Ownership", "Directorship")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Directorship:
    """A director (person or company) of an organisation."""

    director: str
    organization: str
    source: str = ""
    appointed: date | None = None
    """The day the director joined the board, where the file names the day."""


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
            start = _date(path, row, link, "startDate", end=False)
            exact = _PARTIAL_DATE.match(link.first("startDate") or "")
            registry.directorships.append(
                Directorship(
                    director,
                    organization,
                    source,
                    start if exact is not None and exact.group(3) else None,
                )
            )
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
