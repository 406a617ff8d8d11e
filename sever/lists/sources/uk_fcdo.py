"""The UK Sanctions List published by the FCDO, XML format (``UK-Sanctions-List.xml``).

Root ``Designations`` with a ``DateGenerated`` and one ``Designation`` per listed person, entity
or ship: ``UniqueID`` (our id: ``gb-fcdo-{UniqueID}``, e.g. ``DPR0001``), ``RegimeName``,
``IndividualEntityShip``, ``Names/Name`` with ``Name1``…``Name6`` (``Name6`` is the family name,
or the whole name of an entity or ship), ``NonLatinNames``, ``Addresses``, ``IndividualDetails``,
``EntityDetails``, ``ShipDetails``, contact details, ``UNReferenceNumber`` and ``DateDesignated``.
Dates are written ``dd/mm/yyyy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from followthemoney import EntityProxy, model, registry
from lxml import etree

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, Source
from sever.lists.sources.xml_reading import (
    XmlRecords,
    day_month_year,
    gender,
    join_parts,
    put,
    require,
    root_localname,
    text,
    texts,
    to_date,
)

AUTHORITY = "UK Foreign, Commonwealth & Development Office"
PREFIX = "gb-fcdo"
_SCHEMATA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_GIVEN_NAMES = ("Name1", "Name2", "Name3", "Name4", "Name5")
_ADDRESS_LINES = tuple(f"AddressLine{n}" for n in range(1, 7))
_SHIP_PROPS = (
    ("IMONumber", "imoNumber"),
    ("CallSign", "callSign"),
    ("MMSI", "mmsi"),
    ("CurrentBelievedFlagOfShip", "flag"),
    ("CurrentFlag", "flag"),
    ("PreviousFlag", "pastFlags"),
    ("TypeOfShip", "type"),
    ("TonnageOfShip", "tonnage"),
    ("YearBuilt", "buildDate"),
)
"""Leaf element under ``ShipDetails/Ship`` → Vessel property."""
_SHIP_NOTES = (("CurrentOwnerOperator", "Current owner/operator"), ("LengthOfShip", "Length"))
_ENTITY_NOTES = (("ParentCompany", "Parent company"), ("Subsidiary", "Subsidiary"))
_CONTACTS = (("EmailAddress", "email"), ("PhoneNumber", "phone"), ("Website", "website"))


def detect_uk_fcdo(path: Path, head: bytes) -> bool:
    """True for a file whose root element is ``Designations``."""
    return root_localname(head) == "Designations"


def parse_uk_fcdo(paths: Sequence[Path]) -> ParsedList:
    """Parse UK Sanctions List XML files into parties, Sanctions and identity documents."""
    parsed = ParsedList(dataset=SOURCE.dataset, source=SOURCE.name, entities=[], files=list(paths))
    dated = {"DateGenerated", "PublicationDate"}
    for path in paths:
        count = 0
        stamped = False
        for record in XmlRecords(path, {"Designations"}, {"Designation", *dated}):
            if record.tag in dated:
                day = day_month_year(text(record))
                stamped = stamped or to_date(day) is not None
                parsed.published = parsed.published or to_date(day)
                continue
            parsed.entities.extend(read_designation(path, record, parsed.warnings))
            count += 1
        if not stamped:
            parsed.incomplete.append(
                InputError(
                    path,
                    "the list has no valid <DateGenerated> (a date), which every UK export carries",
                    row=1,
                    field="DateGenerated",
                )
            )
        if count == 0:
            parsed.incomplete.append(
                InputError(path, "the list holds no <Designation> record", row=1)
            )
    parsed.entities = link_named_parties(parsed.entities)
    return parsed


def read_designation(path: Path, record: etree._Element, warnings: list[str]) -> list[EntityProxy]:
    """One Designation → the party, its Sanction and its documents."""
    unique_id = require(path, record, "UniqueID", text(record, "UniqueID"))
    kind = text(record, "IndividualEntityShip") or ""
    party = model.make_entity(_SCHEMATA.get(kind.lower(), "LegalEntity"))
    party.id = f"{PREFIX}-{unique_id}"
    if party.schema.name == "LegalEntity":
        warnings.append(f"{path}: {party.id}: unknown IndividualEntityShip {kind!r}")
    add_names(party, record)
    add_addresses(party, record, warnings)
    add_contacts(party, record, warnings)
    documents: list[EntityProxy] = []
    if party.schema.is_a("Person"):
        add_person_details(party, record, warnings)
        documents = make_documents(party, record)
    elif party.schema.is_a("Vessel"):
        add_ship_details(party, record, warnings)
    else:
        add_entity_details(party, record)
    put(party, "notes", text(record, "OtherInformation"))
    put(party, "programId", text(record, "RegimeName"))
    party.add("topics", "sanction")
    return [party, make_sanction(party, record, unique_id), *documents]


def add_names(party: EntityProxy, record: etree._Element) -> None:
    """Primary name, variations and aliases (low-quality ones weak), and non-Latin names."""
    for node in record.iterfind("Names/Name"):
        full = join_parts(*(text(node, part) for part in (*_GIVEN_NAMES, "Name6")), sep=" ")
        prop = name_property(party, node)
        put(party, prop, full)
        if prop == "name" and party.schema.is_a("Person"):
            add_name_parts(party, node)
    for value in texts(record, "NonLatinNames/NonLatinName/NameNonLatinScript"):
        put(party, "alias", value)


def name_property(party: EntityProxy, node: etree._Element) -> str:
    """``name`` for the (first) primary name; ``weakAlias`` for a low-quality alias; else alias."""
    name_type = (text(node, "NameType") or "").lower()
    if name_type == "primary name" and not party.has("name"):
        return "name"
    if "low" in (text(node, "AliasStrength") or "").lower():
        return "weakAlias"
    return "alias"


def add_name_parts(party: EntityProxy, node: etree._Element) -> None:
    """A person's name parts: Name1 first, Name2–Name5 middle, Name6 the family name."""
    put(party, "firstName", text(node, "Name1"))
    put(party, "middleName", join_parts(*(text(node, p) for p in _GIVEN_NAMES[1:]), sep=" "))
    put(party, "lastName", text(node, "Name6"))


def add_addresses(party: EntityProxy, record: etree._Element, warnings: list[str]) -> None:
    """Each address as one line, and its country."""
    for node in record.iterfind("Addresses/Address"):
        lines = (text(node, tag) for tag in _ADDRESS_LINES)
        put(
            party,
            "address",
            join_parts(*lines, text(node, "AddressPostalCode"), text(node, "AddressCountry")),
        )
        add_country(party, "country", text(node, "AddressCountry"), warnings)


def add_country(party: EntityProxy, prop: str, value: str | None, warnings: list[str]) -> None:
    """Add a country-typed value, warning when it names no country FtM knows."""
    if not put(party, prop, value):
        warnings.append(f"{party.id}: {prop} not recognised as a country: {value!r}")


def add_contacts(party: EntityProxy, record: etree._Element, warnings: list[str]) -> None:
    """E-mail addresses (several may share one element), phone numbers and websites."""
    for tag, prop in _CONTACTS:
        for value in texts(record, f"*/{tag}"):
            if prop not in party.schema.properties:
                warnings.append(f"{party.id}: a {party.schema.name} has no {prop}: {value!r}")
                continue
            for item in value.replace(";", " ").split() if prop == "email" else [value]:
                put(party, prop, item)


def add_person_details(party: EntityProxy, record: etree._Element, warnings: list[str]) -> None:
    """Birth dates and places, nationalities, genders, positions and titles."""
    for individual in record.iterfind("IndividualDetails/Individual"):
        for value in texts(individual, "DOBs/DOB"):
            born = day_month_year(value)
            if born is None:
                warnings.append(f"{party.id}: unreadable date of birth {value!r}")
            put(party, "birthDate", born)
        for place in individual.iterfind("BirthDetails/Location"):
            put(
                party,
                "birthPlace",
                join_parts(text(place, "TownOfBirth"), text(place, "CountryOfBirth")),
            )
            add_country(party, "birthCountry", text(place, "CountryOfBirth"), warnings)
        for value in texts(individual, "Nationalities/Nationality"):
            add_country(party, "nationality", value, warnings)
        for value in texts(individual, "Genders/Gender"):
            put(party, "gender", gender(value))
        for value in texts(individual, "Positions/Position"):
            put(party, "position", value)
    for value in record.iter("Title"):
        put(party, "title", text(value))


def make_documents(party: EntityProxy, record: etree._Element) -> list[EntityProxy]:
    """Passports and national identifiers, once per distinct (kind, number)."""
    documents: dict[tuple[str, str], EntityProxy] = {}
    for schema, number, information in document_rows(record):
        if (schema, number) in documents:
            continue
        put(party, "passportNumber" if schema == "Passport" else "idNumber", number)
        document = model.make_entity(schema)
        document.id = f"{party.id}-doc-{len(documents) + 1}"
        document.add("holder", party)
        document.add("number", number)
        put(document, "type", "Passport" if schema == "Passport" else "National identifier")
        put(document, "summary", information)
        documents[(schema, number)] = document
    return list(documents.values())


def document_rows(record: etree._Element) -> list[tuple[str, str, str | None]]:
    """(FtM schema, number, additional information) of each numbered passport and national id."""
    rows = []
    for schema, path, prefix in (
        ("Passport", "PassportDetails/Passport", "Passport"),
        ("Identification", "NationalIdentifierDetails/NationalIdentifier", "NationalIdentifier"),
    ):
        for node in record.iterfind(f"IndividualDetails/Individual/{path}"):
            number = text(node, f"{prefix}Number")
            if number:
                rows.append((schema, number, text(node, f"{prefix}AdditionalInformation")))
    return rows


def add_entity_details(party: EntityProxy, record: etree._Element) -> None:
    """Registration numbers, type of entity, parent companies and subsidiaries."""
    entity = record.find("EntityDetails/Entity")
    if entity is None:
        return
    for value in texts(entity, "BusinessRegistrationNumbers/BusinessRegistrationNumber"):
        put(party, "registrationNumber", value)
    for value in texts(entity, "TypeOfEntities/TypeOfEntity"):
        put(party, "legalForm", value)
    for tag, label in _ENTITY_NOTES:
        for value in texts(entity, f"*/{tag}"):
            put(party, "notes", f"{label}: {value}")


def add_ship_details(party: EntityProxy, record: etree._Element, warnings: list[str]) -> None:
    """IMO number, call sign, flags, type, tonnage, year built; owner and length as notes."""
    for ship in record.iterfind("ShipDetails/Ship"):
        for tag, prop in _SHIP_PROPS:
            for node in ship.iter(tag):
                value = text(node)
                if prop == "buildDate":
                    value = day_month_year(value)
                if party.schema.properties[prop].type.name == "country":
                    add_country(party, prop, value, warnings)
                else:
                    put(party, prop, value)
        for tag, label in _SHIP_NOTES:
            for node in ship.iter(tag):
                put(party, "notes", join_parts(label, text(node), sep=": "))


def make_sanction(party: EntityProxy, record: etree._Element, unique_id: str) -> EntityProxy:
    """The party's UK Sanction: regime, UN reference, designation date, measures and reasons."""
    sanction = model.make_entity("Sanction")
    sanction.id = f"{party.id}-sanction"
    sanction.add("entity", party)
    sanction.add("authority", AUTHORITY)
    put(sanction, "program", text(record, "RegimeName"))
    put(sanction, "programId", text(record, "RegimeName"))
    for value in texts(record, "UNReferenceNumber"):
        put(sanction, "unscId", value)
    designated = day_month_year(text(record, "DateDesignated"))
    put(sanction, "listingDate", designated)
    put(sanction, "startDate", designated)
    put(sanction, "modifiedAt", day_month_year(text(record, "LastUpdated")))
    for measure in (text(record, "SanctionsImposed") or "").split("|"):
        put(sanction, "provisions", measure.strip())
    put(sanction, "reason", text(record, "UKStatementofReasons"))
    source = text(record, "DesignationSource")
    put(sanction, "summary", f"Designation source: {source}" if source else None)
    put(sanction, "authorityId", text(record, "OFSIGroupID"))
    sanction.add("recordId", unique_id)
    return sanction


SOURCE = Source(
    name="uk_fcdo",
    dataset="gb_fcdo_sanctions",
    title="UK Sanctions List (FCDO, XML)",
    detect=detect_uk_fcdo,
    parse=parse_uk_fcdo,
    urls=("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",),
)


_OWNERSHIP_NOTES = {
    "Parent company": "owner",
    "Subsidiary": "asset",
    "Current owner/operator": "owner",
}
"""Notes that name another party, and the role in an Ownership of the party named there."""


def link_named_parties(entities: list[EntityProxy]) -> list[EntityProxy]:
    """Parent companies, subsidiaries and ship owners that are designated in the same list, as
    Ownership relations (role: the list's label). The list names them in words; a name is linked
    when it is, case aside, a name or alias of exactly one designation. Unmatched names stay in
    the notes only. A designated Organization found to be owned becomes a Company (FtM lets only
    assets be owned)."""
    parties = [e for e in entities if e.schema.is_a("LegalEntity") or e.schema.is_a("Vessel")]
    by_name: dict[str, set[str]] = {}
    for party in parties:
        for name in party.get_type_values(registry.name):
            by_name.setdefault(name.casefold().strip(), set()).add(party.id or "")
    links: dict[str, EntityProxy] = {}
    for party in parties:
        for note in party.get("notes"):
            label, _, named = note.partition(": ")
            end = _OWNERSHIP_NOTES.get(label)
            targets = by_name.get(named.casefold().strip(), set()) - {party.id}
            if end is None or len(targets) != 1:
                continue
            (other,) = targets
            owner, asset = (other, party.id) if end == "owner" else (party.id, other)
            link = model.make_entity("Ownership")
            link.id = f"{PREFIX}-ownership-{owner.removeprefix(PREFIX + '-')}-" + (
                asset or ""
            ).removeprefix(PREFIX + "-")
            link.add("owner", owner)
            link.add("asset", asset)
            link.add("role", label)
            links[link.id] = link
    owned = {asset for link in links.values() for asset in link.get("asset")}
    upgraded = []
    for entity in entities:
        if entity.id in owned and entity.schema.name == "Organization":
            company = model.make_entity("Company")
            company.id = entity.id
            company.merge(entity)
            entity = company
        upgraded.append(entity)
    return [*upgraded, *links.values()]
