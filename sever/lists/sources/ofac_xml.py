"""OFAC's SDN list in the advanced sanctions data standard (``SDN_ADVANCED.XML``).

Root ``Sanctions`` (namespace ``…/exports/ADVANCED_XML``, formerly
``http://www.un.org/sanctions/1.0``), in this order: ``DateOfIssue``; ``ReferenceValueSets``
(the code lists every other element points into by ID: alias types, countries, feature types,
document types…); ``Locations``; ``IDRegDocuments`` (passports, IMO and SWIFT numbers, attached
to an identity); ``DistinctParties`` (one ``DistinctParty FixedRef=…`` per listed party, the
number the legacy CSV calls ``ent_num``; our id ``ofac-{FixedRef}``), each with a ``Profile``
holding an ``Identity`` (aliases made of typed name parts) and ``Feature`` elements (birth
date, nationality, addresses, vessel flag, digital currency addresses…);
``ProfileRelationships``; ``SanctionsEntries`` (programs and listing dates per profile).

Each section is streamed and released as it is read; parties are finished once the whole file
has been seen, since their documents, programs and links come from other sections.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import EntityProxy, model
from lxml import etree

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, Source
from sever.lists.sources.ofac_csv import is_cons_name
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
    texts,
    to_date,
)

AUTHORITY = "US Office of Foreign Assets Control"
PREFIX = "ofac"
NAMESPACES = (
    b"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
    b"http://www.un.org/sanctions/1.0",
)
_RECORDS = {
    "DateOfIssue",
    "ReferenceValueSets",
    "Location",
    "IDRegDocument",
    "DistinctParty",
    "ProfileRelationship",
    "SanctionsEntry",
}
_SCHEMATA = {"Individual": "Person", "Vessel": "Vessel", "Aircraft": "Airplane"}
_WALLET_FEATURE = "Digital Currency Address - "
_FEATURE_PROPS = {
    "Birthdate": "birthDate",
    "Place of Birth": "birthPlace",
    "Nationality Country": "nationality",
    "Citizenship Country": "citizenship",
    "Gender": "gender",
    "Title": "title",
    "Website": "website",
    "Email Address": "email",
    "Phone Number": "phone",
    "SWIFT/BIC": "swiftBic",
    "Vessel Call Sign": "callSign",
    "Vessel Flag": "flag",
    "Other Vessel Flag": "pastFlags",
    "Former Vessel Flag": "pastFlags",
    "Vessel Type": "type",
    "Other Vessel Type": "pastTypes",
    "Vessel Tonnage": "tonnage",
    "Vessel Gross Registered Tonnage": "grossRegisteredTonnage",
    "Vessel Deadweight Tonnage": "deadweightTonnage",
    "Vessel Year of Build": "buildDate",
    "MMSI": "mmsi",
    "Aircraft Model": "model",
    "Aircraft Manufacturer's Serial Number (MSN)": "serialNumber",
    "Aircraft Tail Number": "registrationNumber",
    "Aircraft Manufacture Date": "buildDate",
    "Organization Established Date": "incorporationDate",
    "Organization Type:": "legalForm",
}
"""Feature type → property. A feature not named here is kept in ``notes`` as ``label: value``."""
_DATE_PROPS = {"birthDate", "buildDate", "incorporationDate"}
_DOCUMENT_PROPS = (
    ("passport", "passportNumber"),
    ("swift", "swiftBic"),
    ("mmsi", "mmsi"),
    ("vessel registration", "imoNumber"),
    ("tax id", "taxNumber"),
    ("registration", "registrationNumber"),
    ("company number", "registrationNumber"),
)
"""Words in an ID/registration document type → property (first match); anything else: idNumber."""
_ALIAS_PROPS = {"F.K.A.": "previousName"}
_ADDRESS_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "REGION")
_EVM = re.compile(r"0x[0-9a-fA-F]{40}")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent)", re.IGNORECASE)
"""A share in a relationship's comment (``owns 51 %``): the schema has no percentage field."""
CONSOLIDATED_DATASET = "us_ofac_cons"
_LATIN_CODES = (None, "Latn", "Latin")
"""ISO 15924 writes ``Latn``; files of 2020 and before wrote ``ScriptCode="Latin"``."""


@dataclass
class Location:
    """One address from ``Locations``: a one-line text and its country name."""

    line: str | None
    country: str | None


@dataclass
class RegDocument:
    """One ``IDRegDocument``: its type as OFAC names it, number, issuer and dates."""

    identity_id: str
    kind: str
    number: str
    country: str | None
    authority: str | None
    comment: str | None
    issued: list[str]
    expires: list[str]


@dataclass
class AdvancedXml:
    """The state of one file being read: code lists, locations, and parties found so far."""

    path: Path
    warnings: list[str]
    refs: dict[str, dict[str, etree._Element]] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    documents: list[RegDocument] = field(default_factory=list)
    parties: dict[str, EntityProxy] = field(default_factory=dict)
    """Party entities by profile ID."""
    identities: dict[str, str] = field(default_factory=dict)
    """Profile ID by identity ID."""
    programs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sanctions: dict[str, EntityProxy] = field(default_factory=dict)
    wallets: dict[str, EntityProxy] = field(default_factory=dict)
    links: dict[str, EntityProxy] = field(default_factory=dict)
    identifications: list[EntityProxy] = field(default_factory=list)
    documents_per_party: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    published: str | None = None

    def ref(self, kind: str, ref_id: str | None) -> etree._Element | None:
        """The reference value of a kind (``Country``, ``AliasType``…) with this ID."""
        return self.refs.get(kind, {}).get(ref_id or "")

    def ref_text(self, kind: str, ref_id: str | None) -> str | None:
        """The text of a reference value, e.g. ``Passport`` for an IDRegDocType ID."""
        value = self.ref(kind, ref_id)
        return clean(value.text) if value is not None else None

    def read(self, record: etree._Element) -> None:
        """Dispatch one complete record element to its reader."""
        readers = {
            "DateOfIssue": self.read_date_of_issue,
            "ReferenceValueSets": self.read_references,
            "Location": self.read_location,
            "IDRegDocument": self.read_document,
            "DistinctParty": self.read_party,
            "ProfileRelationship": self.read_relationship,
            "SanctionsEntry": self.read_sanctions_entry,
        }
        readers[record.tag](record)

    def read_date_of_issue(self, record: etree._Element) -> None:
        """The publication date."""
        self.published = date_of(record)

    def read_references(self, record: etree._Element) -> None:
        """Keep every reference value (``<CountryValues><Country ID=…>``) by kind and ID."""
        for values in record:
            for value in values:
                self.refs.setdefault(value.tag, {})[value.get("ID") or ""] = value

    def read_location(self, record: etree._Element) -> None:
        """One address: its parts in order, and the country (or area) it is in."""
        parts: dict[str, str] = {}
        for part in record.iterfind("LocationPart"):
            kind = self.ref_text("LocPartType", part.get("LocPartTypeID")) or "Unknown"
            parts[kind] = text(part, "LocationPartValue/Value") or ""
        country = self.ref_text("Country", record.xpath("string(LocationCountry/@CountryID)"))
        area = self.ref("AreaCode", record.xpath("string(LocationAreaCode/@AreaCodeID)"))
        country = country or (area.get("Description") if area is not None else None)
        line = join_parts(
            *(parts.get(kind) for kind in _ADDRESS_PARTS),
            parts.get("POSTAL CODE"),
            parts.get("Unknown"),
            country,
        )
        self.locations[record.get("ID") or ""] = Location(line, country)

    def read_document(self, record: etree._Element) -> None:
        """One ID or registration document, kept until its identity's party has been read."""
        number = text(record, "IDRegistrationNo")
        if not number:
            return
        dates: dict[str, list[str]] = defaultdict(list)
        for when in record.iterfind("DocumentDate"):
            kind = self.ref_text("IDRegDocDateType", when.get("IDRegDocDateTypeID")) or ""
            dates[kind.lower()].extend(period_dates(when.find("DatePeriod")))
        self.documents.append(
            RegDocument(
                identity_id=record.get("IdentityID") or "",
                kind=self.ref_text("IDRegDocType", record.get("IDRegDocTypeID")) or "",
                number=number,
                country=self.ref_text("Country", record.get("IssuedBy-CountryID")),
                authority=text(record, "IssuingAuthority"),
                comment=text(record, "Comment"),
                issued=dates["issue date"],
                expires=dates["expiration date"],
            )
        )

    def read_party(self, record: etree._Element) -> None:
        """One DistinctParty: schema, names and features of its profile."""
        fixed_ref = require(self.path, record, "FixedRef", clean(record.get("FixedRef")))
        profile = record.find("Profile")
        if profile is None:
            raise InputError(self.path, "no <Profile>", row=record.sourceline, field="Profile")
        party = model.make_entity(self.party_schema(profile))
        party.id = f"{PREFIX}-{fixed_ref}"
        self.parties[profile.get("ID") or fixed_ref] = party
        for identity in profile.iterfind("Identity"):
            self.identities[identity.get("ID") or ""] = profile.get("ID") or fixed_ref
            self.add_names(party, identity)
        for feature in profile.iterfind("Feature"):
            self.add_feature(party, feature)
        put(party, "notes", text(record, "Comment"))
        party.add("topics", "sanction")

    def party_schema(self, profile: etree._Element) -> str:
        """Person, Vessel or Airplane by party subtype; Company or Organization for an entity."""
        subtype = self.ref("PartySubType", profile.get("PartySubTypeID"))
        name = clean(subtype.text) if subtype is not None else None
        if name in (None, "Unknown") and subtype is not None:
            name = self.ref_text("PartyType", subtype.get("PartyTypeID"))
        if name in _SCHEMATA:
            return _SCHEMATA[name]
        names = " ".join(texts(profile, "Identity/Alias/DocumentedName/*/NamePartValue"))
        return "Company" if looks_like_company(names) else "Organization"

    def add_names(self, party: EntityProxy, identity: etree._Element) -> None:
        """Each alias's documented names: the primary Latin one is the name, the rest aliases."""
        part_types = {
            group.get("ID") or "": self.ref_text("NamePartType", group.get("NamePartTypeID")) or ""
            for group in identity.iterfind("NamePartGroups/MasterNamePartGroup/NamePartGroup")
        }
        for alias in identity.iterfind("Alias"):
            kind = self.ref_text("AliasType", alias.get("AliasTypeID")) or ""
            primary = alias.get("Primary") == "true"
            prop = _ALIAS_PROPS.get(kind, "alias")
            if alias.get("LowQuality") == "true":
                prop = "weakAlias"
            for documented in alias.iterfind("DocumentedName"):
                parts = self.name_parts(documented, part_types)
                latin = self.is_latin(documented)
                is_name = primary and latin and not party.has("name")
                put(party, "name" if is_name else prop, compose_name(parts, latin))
                if is_name and party.schema.is_a("Person"):
                    put(party, "firstName", parts.get("First Name"))
                    put(party, "middleName", parts.get("Middle Name"))
                    put(party, "lastName", parts.get("Last Name"))

    def name_parts(self, documented: etree._Element, part_types: dict[str, str]) -> dict[str, str]:
        """Name part type (``Last Name``, ``Entity Name``…) → its value, in document order."""
        parts: dict[str, str] = {}
        for value in documented.iterfind("DocumentedNamePart/NamePartValue"):
            kind = part_types.get(value.get("NamePartGroupID") or "", "")
            parts[kind] = join_parts(parts.get(kind), text(value), sep=" ") or ""
        return parts

    def is_latin(self, documented: etree._Element) -> bool:
        """True when the name's parts are written in the Latin script (or state no script)."""
        for value in documented.iterfind("DocumentedNamePart/NamePartValue"):
            script = self.ref("Script", value.get("ScriptID"))
            if script is not None and script.get("ScriptCode") not in _LATIN_CODES:
                return False
        return True

    def add_feature(self, party: EntityProxy, feature: etree._Element) -> None:
        """One feature: a property, an address, a CryptoWallet, or a note."""
        label = self.ref_text("FeatureType", feature.get("FeatureTypeID")) or ""
        for version in feature.iterfind("FeatureVersion"):
            if label.startswith(_WALLET_FEATURE):
                self.add_wallet(
                    party, label[len(_WALLET_FEATURE) :], text(version, "VersionDetail")
                )
            elif label == "Location":
                self.add_location(party, version)
            elif label in _FEATURE_PROPS:
                self.add_feature_values(party, label, version)
            else:
                for value in self.feature_values(version, "notes"):
                    put(party, "notes", labelled(label, value))

    def add_location(self, party: EntityProxy, version: etree._Element) -> None:
        """An address feature: the one-line address and its country."""
        for where in version.iterfind("VersionLocation"):
            location = self.locations.get(where.get("LocationID") or "")
            if location is None:
                self.warnings.append(f"{party.id}: unknown location {where.get('LocationID')}")
                continue
            put(party, "address", location.line)
            put(party, "country", location.country)

    def add_feature_values(self, party: EntityProxy, label: str, version: etree._Element) -> None:
        """A mapped feature's values; kept in notes where the party's schema lacks the property."""
        prop = _FEATURE_PROPS[label]
        for value in self.feature_values(version, prop):
            if prop not in party.schema.properties:
                put(party, "notes", labelled(label, value))
            elif not put(party, prop, gender(value) if prop == "gender" else value):
                self.warnings.append(f"{party.id}: {label} {value!r} not recognised")

    def feature_values(self, version: etree._Element, prop: str) -> list[str]:
        """A feature version's values: dates for a date property, else the detail or place."""
        if prop in _DATE_PROPS and version.find("DatePeriod") is not None:
            return period_dates(version.find("DatePeriod"))
        values = []
        for detail in version.iterfind("VersionDetail"):
            reference = detail.get("DetailReferenceID")
            value = self.ref_text("DetailReference", reference) if reference else text(detail)
            values.append(iso_date(value) if prop in _DATE_PROPS else value)
        for where in version.iterfind("VersionLocation"):
            location = self.locations.get(where.get("LocationID") or "")
            values.append(location.country or location.line if location else None)
        return [value for value in values if value]

    def add_wallet(self, party: EntityProxy, asset: str, address: str | None) -> None:
        """A Digital Currency Address: one CryptoWallet per (asset, address), for every holder."""
        if not address:
            self.warnings.append(f"{party.id}: empty {asset} digital currency address")
            return
        wallet_id = f"{PREFIX}-wallet-{asset.lower()}-{wallet_key(address)}"
        wallet = self.wallets.get(wallet_id)
        if wallet is None:
            wallet = model.make_entity("CryptoWallet")
            wallet.id = wallet_id
            wallet.add("publicKey", address, cleaned=True)
            wallet.add("currencySymbol", asset, cleaned=True)
            wallet.add("topics", "sanction")
            self.wallets[wallet_id] = wallet
        wallet.add("holder", party)

    def read_relationship(self, record: etree._Element) -> None:
        """A profile relationship: Ownership for owned/controlled by, else an UnknownLink."""
        source = self.parties.get(record.get("From-ProfileID") or "")
        target = self.parties.get(record.get("To-ProfileID") or "")
        kind = self.ref_text("RelationType", record.get("RelationTypeID")) or "Linked To"
        if source is None or target is None:
            self.warnings.append(f"relationship {record.get('ID')} ({kind}) names an unknown party")
            return
        link_id = f"{PREFIX}-link-{number_of(source)}-{number_of(target)}"
        owned = "owned or controlled" in kind.lower()
        link = self.links.get(link_id)
        if link is None:
            link = model.make_entity("Ownership" if owned else "UnknownLink")
            link.id = link_id
            self.links[link_id] = link
        if link.schema.name == "Ownership":
            link.add("owner", target)
            link.add("asset", source)
        else:
            link.add("subject", source)
            link.add("object", target)
        put(link, "role", kind)
        put(link, "status", "former" if record.get("Former") == "true" else None)
        comment = text(record, "Comment")
        put(link, "summary", comment)
        share = _PERCENT.search(comment or "")
        if share and link.schema.name == "Ownership" and float(share.group(1)) <= 100:
            put(link, "percentage", share.group(1))

    def read_sanctions_entry(self, record: etree._Element) -> None:
        """A sanctions entry: the party's list, programs and listing date."""
        party = self.parties.get(record.get("ProfileID") or "")
        if party is None:
            self.warnings.append(f"sanctions entry {record.get('ID')} names an unknown profile")
            return
        sanction = self.sanctions.get(party.id or "")
        if sanction is None:
            sanction = model.make_entity("Sanction")
            sanction.id = f"{party.id}-sanction"
            sanction.add("entity", party)
            sanction.add("authority", AUTHORITY)
            sanction.add("country", "us")
            sanction.add("recordId", number_of(party))
            self.sanctions[party.id or ""] = sanction
        put(sanction, "description", self.ref_text("List", record.get("ListID")))
        for event in record.iterfind("EntryEvent"):
            listed = date_of(event.find("Date"))
            put(sanction, "listingDate", listed)
            put(sanction, "startDate", listed)
        for measure in record.iterfind("SanctionsMeasure"):
            kind = self.ref_text("SanctionsType", measure.get("SanctionsTypeID"))
            if kind == "Program" and text(measure, "Comment"):
                self.programs[party.id or ""].append(text(measure, "Comment") or "")
            else:
                put(sanction, "provisions", kind)

    def finish(self) -> list[EntityProxy]:
        """Attach documents, programs and owners' assets; return every entity made."""
        for document in self.documents:
            self.attach_document(document)
        for party in self.parties.values():
            for program in self.programs.get(party.id or "", []):
                put(party, "programId", program)
                sanction = self.sanctions.get(party.id or "")
                if sanction is not None:
                    put(sanction, "program", program)
                    put(sanction, "programId", program)
        for wallet in self.wallets.values():
            for holder in wallet.get("holder"):
                wallet.add("programId", self.programs.get(holder, []))
        self.upgrade_owned_organizations()
        return [
            *self.parties.values(),
            *self.sanctions.values(),
            *self.identifications,
            *self.wallets.values(),
            *self.links.values(),
        ]

    def attach_document(self, document: RegDocument) -> None:
        """A document → a property of its party and, for a person's papers, a document entity."""
        party = self.parties.get(self.identities.get(document.identity_id, ""))
        if party is None:
            self.warnings.append(f"document {document.number!r} belongs to no listed identity")
            return
        prop = document_property(party, document)
        put(party, prop, document.number)
        if party.schema.is_a("Person") and prop in ("passportNumber", "idNumber"):
            self.documents_per_party[party.id or ""] += 1
            index = self.documents_per_party[party.id or ""]
            self.identifications.append(make_identification(party, document, prop, index))

    def upgrade_owned_organizations(self) -> None:
        """An Organization that is owned is a Company (FtM only lets assets be owned)."""
        owned = {asset for link in self.links.values() for asset in link.get("asset", quiet=True)}
        for profile_id, party in self.parties.items():
            if party.id in owned and party.schema.name == "Organization":
                company = model.make_entity("Company")
                company.id = party.id
                company.merge(party)
                self.parties[profile_id] = company


def detect_ofac_xml(path: Path, head: bytes) -> bool:
    """True for a ``Sanctions`` root in either of OFAC's advanced XML namespaces."""
    return root_localname(head) == "Sanctions" and any(ns in head for ns in NAMESPACES)


def parse_ofac_xml(paths: Sequence[Path]) -> ParsedList:
    """Parse SDN advanced XML files into parties, Sanctions, documents, wallets and links.

    OFAC publishes the consolidated (non-SDN) list in the same schema as ``CONS_ADVANCED.XML``;
    files named ``cons_*``, as the legacy CSV's are, go into ``us_ofac_cons``."""
    consolidated = bool(paths) and all(is_cons_name(path) for path in paths)
    dataset = CONSOLIDATED_DATASET if consolidated else SOURCE.dataset
    parsed = ParsedList(dataset=dataset, source=SOURCE.name, entities=[], files=list(paths))
    for path in paths:
        reader = AdvancedXml(path, parsed.warnings)
        for record in XmlRecords(path, {"Sanctions"}, _RECORDS):
            reader.read(record)
        parties = reader.finish()
        parsed.entities.extend(parties)
        parsed.published = parsed.published or to_date(reader.published)
        if to_date(reader.published) is None:
            parsed.incomplete.append(
                InputError(
                    path,
                    "the list has no valid <DateOfIssue> (a date), which every OFAC export carries",
                    row=1,
                    field="DateOfIssue",
                )
            )
        if not parties:
            parsed.incomplete.append(
                InputError(path, "the list holds no <DistinctParty> record", row=1)
            )
    return parsed


def labelled(label: str, value: str) -> str:
    """``Secondary sanctions risk: …`` from a feature label (OFAC ends some with ``:`` or ``-``)."""
    return f"{label.rstrip(':- ')}: {value}"


def number_of(party: EntityProxy) -> str:
    """The FixedRef in a party's id (``ofac-12345`` → ``12345``)."""
    return (party.id or "").removeprefix(f"{PREFIX}-")


def date_of(element: etree._Element | None) -> str | None:
    """An ISO date from an element's ``Year``, ``Month`` and ``Day`` children."""
    if element is None:
        return None
    return partial_date(text(element, "Year"), text(element, "Month"), text(element, "Day"))


def period_dates(period: etree._Element | None) -> list[str]:
    """A DatePeriod as dates: one date, one year when it spans whole years, or both ends."""
    if period is None:
        return []
    start = date_of(period.find("Start/From")) or date_of(period.find("Start/To"))
    end = date_of(period.find("End/To")) or date_of(period.find("End/From")) or start
    if start is None or end is None or start == end:
        return [d for d in (start or end,) if d]
    if start.endswith("-01-01") and end.endswith("-12-31"):
        start, end = start[:4], end[:4]
    return [start] if start == end else [start, end]


def compose_name(parts: dict[str, str], latin: bool) -> str | None:
    """A full name from typed parts: ``LAST, First Middle`` for a Latin-script person name (as
    OFAC writes it), the entity, vessel or aircraft name as is, else the parts in order."""
    for whole in ("Entity Name", "Vessel Name", "Aircraft Name"):
        if parts.get(whole):
            return parts[whole]
    last = parts.get("Last Name")
    given = join_parts(parts.get("First Name"), parts.get("Middle Name"), sep=" ")
    if latin and last and given:
        rest = [v for k, v in parts.items() if k not in ("Last Name", "First Name", "Middle Name")]
        return join_parts(f"{last}, {given}", *rest, sep=" ")
    return join_parts(*parts.values(), sep=" ")


def wallet_key(address: str) -> str:
    """The address as used in a wallet id: lower-cased for an EVM (0x…) address, else as written."""
    return address.lower() if _EVM.fullmatch(address) else address


def document_property(party: EntityProxy, document: RegDocument) -> str:
    """The party property a document's number goes to, by its type (IMO numbers by prefix)."""
    kind = document.kind.lower()
    if document.number.upper().startswith("IMO") and "imoNumber" in party.schema.properties:
        return "imoNumber"
    for words, prop in _DOCUMENT_PROPS:
        if words in kind and prop in party.schema.properties:
            return prop
    return "idNumber" if "idNumber" in party.schema.properties else "registrationNumber"


def make_identification(
    party: EntityProxy, document: RegDocument, prop: str, index: int
) -> EntityProxy:
    """A person's Passport or Identification entity, with issuer and dates."""
    is_passport = prop == "passportNumber"
    entity = model.make_entity("Passport" if is_passport else "Identification")
    # The same ids as the legacy CSV parser gives, so both OFAC formats diff cleanly.
    entity.id = f"{party.id}-{'passport' if is_passport else 'id'}-{index}"
    entity.add("holder", party)
    entity.add("number", document.number)
    put(entity, "type", document.kind)
    put(entity, "country", document.country)
    put(entity, "authority", document.authority)
    put(entity, "summary", document.comment)
    for issued in document.issued:
        put(entity, "startDate", issued)
    for expires in document.expires:
        put(entity, "endDate", expires)
    return entity


SOURCE = Source(
    name="ofac_xml",
    dataset="us_ofac_sdn",
    title="OFAC SDN list, advanced XML",
    detect=detect_ofac_xml,
    parse=parse_ofac_xml,
    urls=(
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML",
    ),
)
