"""The EU Financial Sanctions Files (FSF), XML 1.1 (``xmlFullSanctionsList_1_1``).

Root ``export`` in namespace ``http://eu.europa.ec/fpi/fsd/export`` (attribute
``generationDate``), one ``sanctionEntity`` per listed party with attributes ``logicalId`` (our
id: ``eu-fsf-{logicalId}``), ``euReferenceNumber`` and ``unitedNationId``, and children
``remark``, ``regulation`` (``programme`` such as ``PRK``, ``publicationDate``),
``subjectType`` (``person`` or ``enterprise``), ``nameAlias`` (``strong="false"`` for weak
aliases, in any script), ``birthdate``, ``citizenship``, ``address`` (with ``contactInfo``) and
``identification`` (``identificationTypeCode``: passport, id, swiftbic, imo, regnumber…).
Everything is in attributes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from followthemoney import EntityProxy, model
from lxml import etree

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, Source
from sever.lists.sources.xml_reading import (
    XmlRecords,
    clean,
    gender,
    iso_date,
    join_parts,
    looks_like_company,
    partial_date,
    put,
    require,
    root_localname,
    text,
    to_date,
)

AUTHORITY = "European Union"
PREFIX = "eu-fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
_ID_PROPS = {
    "swiftbic": "swiftBic",
    "imo": "imoNumber",
    "regnumber": "registrationNumber",
    "fiscalcode": "taxNumber",
}
"""identificationTypeCode → a property of the party (no document entity)."""
_CONTACT_PROPS = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}
_UNKNOWN = {"UNKNOWN", "00"}


def detect_eu_xml(path: Path, head: bytes) -> bool:
    """True for an ``export`` root in the EU FSF namespace."""
    return root_localname(head) == "export" and NAMESPACE.encode() in head


def parse_eu_xml(paths: Sequence[Path]) -> ParsedList:
    """Parse EU FSF XML files into parties, their Sanctions and identity documents."""
    parsed = ParsedList(dataset=SOURCE.dataset, source=SOURCE.name, entities=[], files=list(paths))
    for path in paths:
        records = XmlRecords(path, {"export"}, {"sanctionEntity"})
        count = 0
        for record in records:
            parsed.entities.extend(read_entry(path, record, parsed.warnings))
            count += 1
        generated = records.root.get("generationDate") if records.root is not None else None
        if parsed.published is None:
            parsed.published = to_date(iso_date(generated))
        if to_date(iso_date(generated)) is None:
            parsed.incomplete.append(
                InputError(
                    path,
                    "<export> has no valid generationDate attribute (a date), which every EU "
                    "export carries",
                    row=1,
                    field="generationDate",
                )
            )
        if count == 0:
            parsed.incomplete.append(
                InputError(path, "the list holds no <sanctionEntity> record", row=1)
            )
    return parsed


def read_entry(path: Path, record: etree._Element, warnings: list[str]) -> list[EntityProxy]:
    """One sanctionEntity → the party, its Sanction and its documents."""
    logical_id = require(path, record, "logicalId", clean(record.get("logicalId")))
    party = model.make_entity(entry_schema(path, record))
    party.id = f"{PREFIX}-{logical_id}"
    add_names(party, record)
    if party.schema.is_a("Person"):
        add_person_details(party, record)
    add_addresses(party, record, warnings)
    documents = read_identifications(party, record)
    put(party, "notes", text(record, "remark"))
    for programme in programmes(record):
        put(party, "programId", programme)
    party.add("topics", "sanction")
    return [party, make_sanction(party, record, logical_id), *documents]


def entry_schema(path: Path, record: etree._Element) -> str:
    """Person, or for an enterprise: Vessel, Company or Organization.

    The FSF has no vessel subject type: an enterprise that carries an IMO number and whose names
    read like no company (no Ltd, Corporation, Bank…) is taken to be a ship, since companies
    carry IMO *company* numbers too.
    """
    code = record.xpath("string(subjectType/@code)").strip()
    if require(path, record, "subjectType", code).lower() == "person":
        return "Person"
    if any(looks_like_company(alias.get("wholeName")) for alias in record.iterfind("nameAlias")):
        return "Company"
    codes = {node.get("identificationTypeCode") for node in record.iterfind("identification")}
    return "Vessel" if "imo" in codes else "Organization"


def add_names(party: EntityProxy, record: etree._Element) -> None:
    """The first strong Latin-script name is the name; other strong ones aliases, weak ones weak."""
    aliases = record.findall("nameAlias")
    strong = [alias for alias in aliases if is_strong(alias)]
    latin = [alias for alias in strong if is_latin(alias.get("wholeName"))]
    primary = next(iter(latin or strong or aliases), None)
    for alias in aliases:
        whole = clean(alias.get("wholeName"))
        if alias is primary:
            put(party, "name", whole)
        else:
            put(party, "alias" if is_strong(alias) else "weakAlias", whole)
        if party.schema.is_a("Person"):
            add_person_name_details(party, alias, alias is primary)
        else:
            put(party, "notes", clean(alias.get("function")))


def add_person_name_details(party: EntityProxy, alias: etree._Element, primary: bool) -> None:
    """Name parts (of the primary name), and the gender, title and function stated with a name."""
    if primary:
        put(party, "firstName", clean(alias.get("firstName")))
        put(party, "middleName", clean(alias.get("middleName")))
        put(party, "lastName", clean(alias.get("lastName")))
    put(party, "gender", gender(alias.get("gender")))
    put(party, "title", clean(alias.get("title")))
    put(party, "position", clean(alias.get("function")))


def is_strong(alias: etree._Element) -> bool:
    """False only where the EU marks the alias ``strong="false"``."""
    return (alias.get("strong") or "true").lower() != "false"


def is_latin(name: str | None) -> bool:
    """True when every letter of the name is in the Latin script."""
    letters = [c for c in name or "" if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def add_person_details(party: EntityProxy, record: etree._Element) -> None:
    """Dates and places of birth, and citizenships."""
    for birth in record.iterfind("birthdate"):
        put(party, "birthDate", birth_date(birth))
        put(party, "birthPlace", join_parts(birth.get("city"), birth.get("place"), country(birth)))
        put(party, "birthCountry", country_code(birth))
    for citizenship in record.iterfind("citizenship"):
        put(party, "nationality", country_code(citizenship) or country(citizenship))


def birth_date(birth: etree._Element) -> str | None:
    """The full ``birthdate`` attribute, else what the year, month and day attributes give."""
    return iso_date(birth.get("birthdate")) or partial_date(
        birth.get("year"), birth.get("monthOfYear"), birth.get("dayOfMonth")
    )


def country(node: etree._Element) -> str | None:
    """The country description, unless the EU wrote UNKNOWN."""
    value = clean(node.get("countryDescription"))
    return None if value is None or value.upper() in _UNKNOWN else value


def country_code(node: etree._Element) -> str | None:
    """The ISO 3166 alpha-2 code, unless unknown (``00``)."""
    value = clean(node.get("countryIso2Code"))
    return None if value is None or value.upper() in _UNKNOWN else value.lower()


def add_addresses(party: EntityProxy, record: etree._Element, warnings: list[str]) -> None:
    """Each address as one line with its country, and the phone, e-mail and web contacts in it."""
    for node in record.iterfind("address"):
        line = join_parts(
            node.get("street"),
            node.get("poBox"),
            node.get("city"),
            node.get("place"),
            node.get("region"),
            node.get("zipCode"),
            country(node),
        )
        put(party, "address", line)
        put(party, "country", country_code(node) or country(node))
        for contact in node.iterfind("contactInfo"):
            add_contact(party, contact, warnings)


def add_contact(party: EntityProxy, contact: etree._Element, warnings: list[str]) -> None:
    """One contactInfo key/value: PHONE and FAX → phone, EMAIL → email, WEB → website."""
    key = (contact.get("key") or "").upper()
    value = clean(contact.get("value"))
    prop = _CONTACT_PROPS.get(key)
    if prop is None or prop not in party.schema.properties:
        warnings.append(f"{party.id}: contact {key or '?'} {value!r} not kept as a property")
        put(party, "notes", join_parts(key, value, sep=": "))
        return
    for item in re.split(r"[;,]\s*|\s+and\s+", value or ""):
        put(party, prop, item.strip())


def read_identifications(party: EntityProxy, record: etree._Element) -> list[EntityProxy]:
    """SWIFT, IMO, registration and tax numbers as properties; passports and ids as documents."""
    documents: list[EntityProxy] = []
    for node in record.iterfind("identification"):
        code = (node.get("identificationTypeCode") or "").lower()
        number = clean(node.get("number")) or clean(node.get("latinNumber"))
        if not number:
            continue
        prop = _ID_PROPS.get(code)
        if prop is not None and prop in party.schema.properties:
            put(party, prop, number)
        elif party.schema.is_a("Person"):
            documents.append(make_document(party, node, code, number, len(documents) + 1))
        else:
            other = "idNumber" if "idNumber" in party.schema.properties else "registrationNumber"
            put(party, other, number)
    return documents


def make_document(
    party: EntityProxy, node: etree._Element, code: str, number: str, index: int
) -> EntityProxy:
    """A Passport (code ``passport``) or Identification of a person, with its dates and issuer."""
    is_passport = code == "passport"
    put(party, "passportNumber" if is_passport else "idNumber", number)
    document = model.make_entity("Passport" if is_passport else "Identification")
    document.id = f"{party.id}-doc-{index}"
    document.add("holder", party)
    document.add("number", number)
    put(document, "number", clean(node.get("latinNumber")))
    put(document, "type", clean(node.get("identificationTypeDescription")) or code)
    put(document, "country", country_code(node) or country(node))
    put(document, "authority", clean(node.get("issuedBy")))
    put(document, "startDate", iso_date(node.get("issueDate") or node.get("validFrom")))
    put(document, "endDate", iso_date(node.get("validTo")))
    put(document, "summary", text(node, "remark"))
    return document


def programmes(record: etree._Element) -> list[str]:
    """The programme codes (``PRK``…) of the entry's regulations, in order, once each."""
    codes = (clean(reg.get("programme")) for reg in record.iterfind("regulation"))
    return list(dict.fromkeys(code for code in codes if code))


def make_sanction(party: EntityProxy, record: etree._Element, logical_id: str) -> EntityProxy:
    """The party's EU Sanction: programmes, regulations, UN reference and dates."""
    sanction = model.make_entity("Sanction")
    sanction.id = f"{party.id}-sanction"
    sanction.add("entity", party)
    sanction.add("authority", AUTHORITY)
    for programme in programmes(record):
        put(sanction, "program", programme)
        put(sanction, "programId", programme)
    put(sanction, "unscId", clean(record.get("unitedNationId")))
    put(sanction, "authorityId", clean(record.get("euReferenceNumber")))
    regulations = record.findall("regulation")
    published = sorted(filter(None, (iso_date(r.get("publicationDate")) for r in regulations)))
    in_force = sorted(filter(None, (iso_date(r.get("entryIntoForceDate")) for r in regulations)))
    put(sanction, "listingDate", published[0] if published else None)
    start = iso_date(record.get("designationDate")) or (in_force or published or [None])[0]
    put(sanction, "startDate", start)
    for regulation in regulations:
        put(sanction, "reason", clean(regulation.get("numberTitle")))
        put(sanction, "sourceUrl", text(regulation, "publicationUrl"))
    sanction.add("recordId", logical_id)
    return sanction


SOURCE = Source(
    name="eu_xml",
    dataset="eu_fsf",
    title="EU Financial Sanctions Files (XML)",
    detect=detect_eu_xml,
    parse=parse_eu_xml,
    urls=(
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
        "?token=dG9rZW4tMjAxNw",
    ),
)
