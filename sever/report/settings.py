"""Who files: the reporting institution's details, read from a small TOML file.

The file is ``$SEVER_HOME/report.toml`` unless ``--settings FILE`` names another. Example::

    [filer]
    name = "Example Bank, N.A."        # required: legal name
    tin = "123456789"                   # required: taxpayer identification number
    tin_type = "ein"                    # ein (default), ssn, tin or foreign
    regulator = "occ"                   # occ, federal_reserve, fdic, ncua, sec, cftc, irs, fhfa,
                                        # none (default)
    institution_type = "depository"     # depository (default), msb, securities, casino,
                                        # insurance, loan, housing_gse, other
    address = "1 Main Street"
    city = "Rockville"
    state = "MD"
    zip = "20852"
    country = "US"                      # two letters (default US)
    contact_office = "BSA Officer"      # the office FinCEN calls (default "Compliance")
    phone = "3015550100"                # digits only
    transmitter_control_code = ""       # FinCEN's TCC, when you transmit batches yourself

    [goaml]                             # only for `sever report goaml`
    rentity_id = 1234                   # required: your reporting-entity id at the FIU
    rentity_branch = "Head office"
    reporting_person = "Jane Doe"       # required: first and last name
    swift = ""                          # your BIC; else institution_code (default: the TIN)
    transmode_code = "-"                # your FIU's lookup codes; "-" is goAML's "not given"
    funds_code = "-"
    address_type = "-"
    indicators = ["-"]                  # report indicators from your FIU's list

Missing or malformed values are refused with one line naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sever.errors import InputError
from sever.home import Home

SETTINGS_FILE = "report.toml"

REGULATORS = {
    "federal_reserve": 1,
    "fdic": 2,
    "ncua": 3,
    "occ": 4,
    "sec": 6,
    "irs": 7,
    "cftc": 9,
    "fhfa": 13,
    "none": 99,
}
"""``regulator`` → FinCEN's PrimaryRegulatorTypeCode."""

INSTITUTION_TYPES = {
    "casino": 1,
    "depository": 2,
    "insurance": 3,
    "msb": 4,
    "securities": 5,
    "loan": 11,
    "housing_gse": 12,
    "other": 999,
}
"""``institution_type`` → FinCEN's OrganizationTypeID."""

TIN_TYPES = {"ssn": 1, "ein": 2, "tin": 4, "foreign": 9}
"""``tin_type`` → FinCEN's PartyIdentificationTypeCode."""


@dataclass(frozen=True)
class Filer:
    """The reporting institution (FinCEN's filer, transmitter and contact office)."""

    name: str
    tin: str
    tin_type: str = "ein"
    regulator: str = "none"
    institution_type: str = "depository"
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = "US"
    contact_office: str = "Compliance"
    phone: str = ""
    transmitter_control_code: str = ""


@dataclass(frozen=True)
class GoamlSettings:
    """What a goAML report needs beyond the filer: the FIU's ids for you and its lookup codes."""

    rentity_id: int
    reporting_person: str
    rentity_branch: str = "Head office"
    swift: str = ""
    transmode_code: str = "-"
    funds_code: str = "-"
    address_type: str = "-"
    indicators: tuple[str, ...] = ("-",)


@dataclass(frozen=True)
class ReportSettings:
    """The settings file, read: the filer, the goAML part (None when absent), and the file."""

    filer: Filer
    goaml: GoamlSettings | None
    path: Path


def settings_path(home: Home, explicit: Path | None = None) -> Path:
    return explicit if explicit is not None else home.root / SETTINGS_FILE


def load_settings(home: Home, explicit: Path | None = None) -> ReportSettings:
    """The filer settings from ``explicit`` or the home's ``report.toml``."""
    path = settings_path(home, explicit)
    if not path.is_file():
        raise InputError(
            path,
            "report settings not found: write a [filer] table with name and tin there "
            "(README, Reports), or pass --settings FILE",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not TOML: {exc}") from None
    filer = _filer(path, _table(path, data, "filer", required=True))
    raw_goaml = _table(path, data, "goaml", required=False)
    goaml = _goaml(path, raw_goaml) if raw_goaml is not None else None
    return ReportSettings(filer, goaml, path)


def _table(path: Path, data: Mapping[str, Any], name: str, *, required: bool) -> Any:
    table = data.get(name)
    if table is None and not required:
        return None
    if not isinstance(table, dict):
        raise InputError(path, f"needs a [{name}] table", field=name)
    return table


def _text(
    path: Path,
    table: Mapping[str, Any],
    section: str,
    key: str,
    default: str | None,
    pattern: str | None = None,
    longest: int = 150,
) -> str:
    value = table.get(key, default)
    where = f"{section}.{key}"
    if value is None:
        raise InputError(path, "missing (required)", field=where)
    if not isinstance(value, str):
        raise InputError(path, "must be text in quotes", field=where)
    value = " ".join(value.split())
    if default is None and not value:
        raise InputError(path, "empty (required)", field=where)
    if len(value) > longest:
        raise InputError(path, f"at most {longest} characters", field=where)
    if value and pattern and not re.fullmatch(pattern, value):
        raise InputError(path, f"{value!r} does not look right ({pattern})", field=where)
    return value


def _choice(path: Path, table: Mapping[str, Any], key: str, default: str, choices: Mapping) -> str:
    value = _text(path, table, "filer", key, default).lower()
    if value not in choices:
        raise InputError(
            path, f"{value!r}: choose one of {', '.join(choices)}", field=f"filer.{key}"
        )
    return value


def _filer(path: Path, table: Mapping[str, Any]) -> Filer:
    known = set(Filer.__dataclass_fields__)
    for key in table:
        if key not in known:
            raise InputError(
                path, f"unknown key; known: {', '.join(sorted(known))}", field=f"filer.{key}"
            )
    return Filer(
        name=_text(path, table, "filer", "name", None),
        tin=_text(path, table, "filer", "tin", None, r"[0-9A-Za-z-]{1,25}", 25),
        tin_type=_choice(path, table, "tin_type", "ein", TIN_TYPES),
        regulator=_choice(path, table, "regulator", "none", REGULATORS),
        institution_type=_choice(path, table, "institution_type", "depository", INSTITUTION_TYPES),
        address=_text(path, table, "filer", "address", "", longest=100),
        city=_text(path, table, "filer", "city", "", longest=50),
        state=_text(path, table, "filer", "state", "", r"[A-Z]{2,3}", 3),
        zip=_text(path, table, "filer", "zip", "", r"[0-9A-Za-z]{1,9}", 9),
        country=_text(path, table, "filer", "country", "US", r"[A-Z]{2}", 2),
        contact_office=_text(path, table, "filer", "contact_office", "Compliance"),
        phone=_text(path, table, "filer", "phone", "", r"[0-9]{1,16}", 16),
        transmitter_control_code=_text(
            path, table, "filer", "transmitter_control_code", "", r"[0-9A-Za-z]{1,25}", 25
        ),
    )


def _goaml(path: Path, table: Mapping[str, Any]) -> GoamlSettings:
    known = set(GoamlSettings.__dataclass_fields__)
    for key in table:
        if key not in known:
            raise InputError(
                path, f"unknown key; known: {', '.join(sorted(known))}", field=f"goaml.{key}"
            )
    entity = table.get("rentity_id")
    if not isinstance(entity, int) or isinstance(entity, bool) or entity < 1:
        raise InputError(
            path,
            "required: your reporting-entity id at the FIU, a whole number from 1",
            field="goaml.rentity_id",
        )
    person = _text(path, table, "goaml", "reporting_person", None, longest=200)
    if len(person.split()) < 2:
        raise InputError(path, "give a first and a last name", field="goaml.reporting_person")
    indicators = table.get("indicators", ["-"])
    if (
        not isinstance(indicators, list)
        or not indicators
        or not all(isinstance(code, str) and code for code in indicators)
    ):
        raise InputError(path, "a list of one or more codes", field="goaml.indicators")
    return GoamlSettings(
        rentity_id=entity,
        reporting_person=person,
        rentity_branch=_text(path, table, "goaml", "rentity_branch", "Head office", longest=255),
        swift=_text(path, table, "goaml", "swift", "", r"[A-Z0-9]{8}([A-Z0-9]{3})?", 11),
        transmode_code=_text(path, table, "goaml", "transmode_code", "-", longest=10),
        funds_code=_text(path, table, "goaml", "funds_code", "-", longest=10),
        address_type=_text(path, table, "goaml", "address_type", "-", longest=10),
        indicators=tuple(indicators),
    )
