"""The UN Security Council Consolidated List, official XML (``consolidated.xml``).

Root ``CONSOLIDATED_LIST`` (attribute ``dateGenerated``) holds ``INDIVIDUALS/INDIVIDUAL`` and
``ENTITIES/ENTITY``. Each party has a ``DATAID`` (our id: ``unsc-{DATAID}``), a
``REFERENCE_NUMBER`` such as ``KPi.001`` (the 1718 Committee's DPRK numbers start ``KP``), a
``UN_LIST_TYPE`` (``DPRK``, ``Al-Qaida``…), names split over ``FIRST_NAME``…``FOURTH_NAME``,
aliases with a ``QUALITY`` (Good, Low, a.k.a., f.k.a.), dates and places of birth, nationalities,
addresses and identity documents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from followthemoney import EntityProxy, model
from lxml import etree

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, Source
from sever.lists.sources.xml_reading import (
    XmlRecords,
    gender,
    iso_date,
    join_parts,
    looks_like_company,
    put,
    require,
    root_localname,
    text,
    texts,
    to_date,
)

AUTHORITY = "United Nations Security Council"
PREFIX = "unsc"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_NAME_PROPS = {"FIRST_NAME": "firstName", "SECOND_NAME": "secondName"}
"""Only the first two parts have an FtM home; the UN labels them by position, not meaning (a
Korean FIRST_NAME holds the family name), so they are kept under the UN's own labels."""
_ALIAS_PROPS = {"low": "weakAlias", "f.k.a.": "previousName"}
"""Alias QUALITY → property; Good, a.k.a. and unstated quality are strong aliases."""
_PASSPORT = re.compile(r"pass(e)?port|pasaporte", re.I)
_NOTE_IN_NUMBER = re.compile(r"^(?P<number>[^()]+?)\s*\((?P<note>[^()]*)\)$")


def detect_un_xml(path: Path, head: bytes) -> bool:
    """True for a file whose root element is ``CONSOLIDATED_LIST``."""
    return root_localname(head) == "CONSOLIDATED_LIST"


def parse_un_xml(paths: Sequence[Path]) -> ParsedList:
    """Parse UN consolidated XML files into parties, their Sanctions and identity documents."""
    parsed = ParsedList(dataset=SOURCE.dataset, source=SOURCE.name, entities=[], files=list(paths))
    for path in paths:
        records = XmlRecords(path, {"CONSOLIDATED_LIST"}, {"INDIVIDUAL", "ENTITY"})
        count = 0
        for record in records:
            parsed.entities.extend(read_party(path, record, parsed.warnings))
            count += 1
        if records.root is not None and parsed.published is None:
            parsed.published = to_date(iso_date(records.root.get("dateGenerated")))
        parsed.incomplete.extend(whole_list_problems(path, records.root, count))
    return parsed


def whole_list_problems(path: Path, root: etree._Element | None, count: int) -> list[InputError]:
    """What shows a file is not the whole published list: the UN stamps every export with
    ``dateGenerated`` and always writes both ``INDIVIDUALS`` and ``ENTITIES``, with records."""
    problems = []
    if root is None or to_date(iso_date(root.get("dateGenerated"))) is None:
        problems.append(
            InputError(
                path,
                "<CONSOLIDATED_LIST> has no valid dateGenerated attribute (a date), which every "
                "UN export carries",
                row=1,
                field="dateGenerated",
            )
        )
    for part in ("INDIVIDUALS", "ENTITIES"):
        if root is not None and root.find(part) is None:
            problems.append(
                InputError(path, f"the list has no <{part}> section", row=1, field=part)
            )
    if count == 0:
        problems.append(InputError(path, "the list holds no INDIVIDUAL or ENTITY record", row=1))
    return problems


def read_party(path: Path, record: etree._Element, warnings: list[str]) -> list[EntityProxy]:
    """One INDIVIDUAL or ENTITY → the party, its Sanction and its documents."""
    data_id = require(path, record, "DATAID", text(record, "DATAID"))
    party = model.make_entity(party_schema(record))
    party.id = f"{PREFIX}-{data_id}"
    add_names(party, record)
    add_aliases(party, record)
    if party.schema.is_a("Person"):
        add_person_details(party, record)
    add_addresses(party, record)
    put(party, "notes", text(record, "COMMENTS1"))
    put(party, "programId", program_id(record))
    party.add("topics", "sanction")
    for country in unreadable_countries(party, record):
        warnings.append(f"{path}: {party.id}: country not recognised: {country!r}")
    if not party.has("name"):
        warnings.append(f"{path}: {party.id} (line {record.sourceline}) has no name")
    return [party, make_sanction(party, record, data_id), *make_documents(party, record)]


def party_schema(record: etree._Element) -> str:
    """Person for an INDIVIDUAL; Company for an ENTITY whose name says so; else Organization."""
    if record.tag == "INDIVIDUAL":
        return "Person"
    return "Company" if looks_like_company(text(record, "FIRST_NAME")) else "Organization"


def add_names(party: EntityProxy, record: etree._Element) -> None:
    """The full name (name parts in order), the split parts, and the name in original script."""
    party.add("name", join_parts(*(text(record, tag) for tag in _NAME_PARTS), sep=" "))
    if party.schema.is_a("Person"):
        for tag, prop in _NAME_PROPS.items():
            put(party, prop, text(record, tag))
    put(party, "alias", text(record, "NAME_ORIGINAL_SCRIPT"))


def add_aliases(party: EntityProxy, record: etree._Element) -> None:
    """Aliases by QUALITY: Low → weakAlias, f.k.a. → previousName, the rest → alias."""
    for alias in record.iterfind("*"):
        if not alias.tag.endswith("_ALIAS"):
            continue
        name = text(alias, "ALIAS_NAME")
        quality = (text(alias, "QUALITY") or "").lower()
        put(party, _ALIAS_PROPS.get(quality, "alias"), name)
        if party.schema.is_a("Person"):
            put(party, "birthDate", iso_date(text(alias, "DATE_OF_BIRTH")))
            put(party, "birthPlace", alias_birth_place(alias))


def alias_birth_place(alias: etree._Element) -> str | None:
    """The birth place some aliases carry (an alias with its own identity)."""
    return join_parts(text(alias, "CITY_OF_BIRTH"), text(alias, "COUNTRY_OF_BIRTH"))


def add_person_details(party: EntityProxy, record: etree._Element) -> None:
    """Dates and places of birth, nationality, gender, titles and designations."""
    for birth in record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        for value in birth_dates(birth):
            put(party, "birthDate", value)
    for place in record.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        put(party, "birthPlace", place_line(place))
        put(party, "birthCountry", text(place, "COUNTRY"))
    for value in texts(record, "NATIONALITY/VALUE"):
        put(party, "nationality", value)
    put(party, "gender", gender(text(record, "GENDER")))
    for value in texts(record, "TITLE/VALUE"):
        put(party, "title", value)
    for value in texts(record, "DESIGNATION/VALUE"):
        put(party, "position", value)


def birth_dates(birth: etree._Element) -> list[str]:
    """ISO dates of one INDIVIDUAL_DATE_OF_BIRTH: a date or year; BETWEEN gives both years."""
    if (text(birth, "TYPE_OF_DATE") or "").upper() == "BETWEEN":
        years = (iso_date(text(birth, "FROM_YEAR")), iso_date(text(birth, "TO_YEAR")))
        return [year for year in years if year]
    value = iso_date(text(birth, "DATE")) or iso_date(text(birth, "YEAR"))
    return [value] if value else []


def place_line(place: etree._Element) -> str | None:
    """A one-line place or address: street, city, province, postcode, country."""
    return join_parts(
        text(place, "STREET"),
        text(place, "CITY"),
        text(place, "STATE_PROVINCE"),
        text(place, "ZIP_CODE"),
        text(place, "COUNTRY"),
    )


def add_addresses(party: EntityProxy, record: etree._Element) -> None:
    """Each INDIVIDUAL_ADDRESS / ENTITY_ADDRESS as one line, and its country."""
    for address in record.iterfind("*"):
        if not address.tag.endswith("_ADDRESS"):
            continue
        put(party, "address", place_line(address))
        put(party, "country", text(address, "COUNTRY"))


def unreadable_countries(party: EntityProxy, record: etree._Element) -> list[str]:
    """Country names in the record that FtM could not turn into a country code."""
    paths = ("NATIONALITY/VALUE", "*/COUNTRY", "*/ISSUING_COUNTRY", "*/COUNTRY_OF_ISSUE")
    country = party.schema.properties["country"].type
    names = {name for path in paths for name in texts(record, path)}
    return sorted(n for n in names if country.clean(n, fuzzy=True) is None)


def program_id(record: etree._Element) -> str | None:
    """``UN-`` and the list type (``UN-DPRK``); the reference number's letters if no list type."""
    list_type = text(record, "UN_LIST_TYPE")
    if list_type:
        return f"UN-{list_type}"
    family = re.match(r"[A-Za-z]+", text(record, "REFERENCE_NUMBER") or "")
    return f"UN-{family.group(0)[:2].upper()}" if family else None


def make_sanction(party: EntityProxy, record: etree._Element, data_id: str) -> EntityProxy:
    """The party's UN Sanction: committee list, reference number, listing and update dates."""
    sanction = model.make_entity("Sanction")
    sanction.id = f"{party.id}-sanction"
    sanction.add("entity", party)
    sanction.add("authority", AUTHORITY)
    put(sanction, "program", text(record, "UN_LIST_TYPE"))
    put(sanction, "programId", program_id(record))
    put(sanction, "unscId", text(record, "REFERENCE_NUMBER"))
    listed = iso_date(text(record, "LISTED_ON"))
    put(sanction, "listingDate", listed)
    put(sanction, "startDate", listed)
    for updated in texts(record, "LAST_DAY_UPDATED/VALUE"):
        put(sanction, "modifiedAt", iso_date(updated))
    sanction.add("recordId", data_id)
    return sanction


def make_documents(party: EntityProxy, record: etree._Element) -> list[EntityProxy]:
    """Passports and identity documents: one per distinct (kind, number), details merged.

    The UN sometimes writes one passport three times (``Passport``, ``Numéro de passeport``,
    ``Número de pasaporte``), with the expiry note on only one of them.
    """
    documents: dict[tuple[bool, str], EntityProxy] = {}
    for node in record.iterfind("INDIVIDUAL_DOCUMENT"):
        number, note = split_number(text(node, "NUMBER"))
        kind = text(node, "TYPE_OF_DOCUMENT") or text(node, "TYPE_OF_DOCUMENT2") or ""
        is_passport = bool(_PASSPORT.search(kind))
        if not number:
            continue
        if (is_passport, number) not in documents:
            put(party, "passportNumber" if is_passport else "idNumber", number)
            document = model.make_entity("Passport" if is_passport else "Identification")
            document.id = f"{party.id}-doc-{len(documents) + 1}"
            document.add("holder", party)
            document.add("number", number)
            put(document, "type", "Passport" if is_passport else kind)
            documents[(is_passport, number)] = document
        add_document_details(documents[(is_passport, number)], node, note)
    return list(documents.values())


def add_document_details(document: EntityProxy, node: etree._Element, note: str | None) -> None:
    """Issuing country, issue date and place, and notes of one INDIVIDUAL_DOCUMENT."""
    put(document, "country", text(node, "ISSUING_COUNTRY") or text(node, "COUNTRY_OF_ISSUE"))
    put(document, "startDate", iso_date(text(node, "DATE_OF_ISSUE")))
    put(document, "authority", text(node, "CITY_OF_ISSUE"))
    put(document, "summary", join_parts(note, text(node, "NOTE"), sep="; "))


def split_number(raw: str | None) -> tuple[str | None, str | None]:
    """``563210184 (Expires 18 Jun. 2018)`` → the number and the note written beside it."""
    if raw is None:
        return None, None
    match = _NOTE_IN_NUMBER.match(raw)
    if match is None:
        return raw, None
    return match.group("number").strip(), match.group("note").strip()


SOURCE = Source(
    name="un_xml",
    dataset="un_sc_sanctions",
    title="UN Security Council Consolidated List (XML)",
    detect=detect_un_xml,
    parse=parse_un_xml,
    urls=("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
)
