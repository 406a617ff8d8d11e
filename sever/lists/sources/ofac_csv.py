"""OFAC's legacy CSV set: SDN.CSV, ALT.CSV, ADD.CSV and SDN_COMMENTS.CSV.

The same four-file layout carries the SDN list (this module's ``SOURCE``) and the consolidated
non-SDN list (``ofac_cons``, which calls ``parse_csv_set`` with its own dataset name).

Format, as OFAC documents it: no header row; ``-0-`` (often ``-0- ``) means empty; cp1252 text
with CRLF lines; the file may end with a 0x1A end-of-file byte. Which file is which is told by
its column count, not its name: primary 12 columns, aliases 5, addresses 6, comments 2.

Whole or not: OFAC ends the primary, alias and address files with the 0x1A byte (every published
file we hold does; only the small comments file sometimes lacks it). A file cut at a line boundary
(``head -n 5000 sdn.csv``) parses cleanly but lacks that byte; an alias or address row naming an
ent_num the primary file lacks shows a primary file cut short or from another day. Both are noted
in ``ParsedList.incomplete``, and the load refuses the set.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import EntityProxy, model
from followthemoney.types import registry

from sever.entities.limits import MAX_NAMES_PER_ENTITY
from sever.errors import InputError
from sever.lists.sources.base import ParsedList, Source
from sever.lists.sources.ofac_remarks import (
    Document,
    RemarkFacts,
    WalletMention,
    country_code,
    document_property,
    parse_remarks,
)

AUTHORITY = "Office of Foreign Assets Control"
EMPTY = "-0-"
EOF_MARKER = "\x1a"

LAYOUTS: dict[str, tuple[str, ...]] = {
    "primary": (
        "ent_num",
        "SDN_Name",
        "SDN_Type",
        "Program",
        "Title",
        "Call_Sign",
        "Vess_type",
        "Tonnage",
        "GRT",
        "Vess_flag",
        "Vess_owner",
        "Remarks",
    ),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "add": ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks"),
    "comments": ("ent_num", "remarks_extended"),
}
"""Column names of each file of the set; the role of a file is read from its column count."""

_ROLE_BY_WIDTH = {len(columns): role for role, columns in LAYOUTS.items()}

_FIRST_LINE_SHAPES = (
    re.compile(rb'^\d+,"[^"]*",(-0- ?|"[a-z]+"),"'),  # primary: ent_num, "NAME", type, "PROGRAM"
    re.compile(rb'^\d+,\d+,"(aka|fka|nka)","'),  # alt
    re.compile(rb"^\d+,\d+,(-0- ?|\"[^\"]*\"),(-0- ?|\"[^\"]*\"),"),  # add
    re.compile(rb'^\d+,"'),  # comments (checked last: the primary shape also starts so)
)

MARKED_ROLES = ("primary", "alt", "add")
"""Files OFAC always ends with the 0x1A end-of-file byte."""

SCHEMA_BY_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}

LEGAL_FORMS = frozenset(
    (
        *("LTD", "LIMITED", "CO", "COMPANY", "CORP", "CORPORATION", "LLC", "INC", "INCORPORATED"),
        *("GMBH", "JSC", "OJSC", "PJSC", "CJSC", "OOO", "ZAO", "OAO", "AO", "SA", "SAS", "SARL"),
        *("SRL", "BV", "NV", "PLC", "LLP", "AG", "PTE", "PVT", "FZE", "FZCO", "FZC", "DMCC"),
        "TRADING",
    )
)
"""Name tokens (upper case, dots removed) that make an entity a Company rather than an
Organization."""

_RAW_KEPT_TYPES = (registry.phone, registry.identifier)
"""Property types whose value is kept as written when FtM cannot normalise it (a phone number
without a country code, an IMO number failing its check digit): dropping it would lose a lead."""


@dataclass
class PrimaryRow:
    """One listed party as read from SDN.CSV / CONS_PRIM.CSV (``-0-`` already turned to "")."""

    row: int
    ent_num: str
    name: str
    sdn_type: str
    programs: list[str]
    title: str
    call_sign: str
    vessel_type: str
    tonnage: str
    grt: str
    vessel_flag: str
    vessel_owner: str
    remarks: str


@dataclass
class CsvSet:
    """The rows of one legacy CSV set, by file role."""

    files: list[Path]
    primary: list[PrimaryRow]
    alt: list[list[str]] = field(default_factory=list)
    add: list[list[str]] = field(default_factory=list)
    comments: dict[str, str] = field(default_factory=dict)
    """Remark continuation per ent_num, joined in file order."""
    roles: dict[str, Path] = field(default_factory=dict)
    """The file of each role (primary, alt, add, comments)."""
    incomplete: list[InputError] = field(default_factory=list)
    """Signs that a file is not whole (see the module's docstring)."""


def looks_like_csv_set_file(head: bytes) -> bool:
    """True when the first line has the shape of one of the four files of the legacy CSV set."""
    first_line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return any(shape.match(first_line) for shape in _FIRST_LINE_SHAPES)


def is_cons_name(path: Path) -> bool:
    """Consolidated (non-SDN) files are named ``cons_prim.csv``, ``cons_alt.csv``…"""
    return path.name.lower().startswith("cons_")


def detect_sdn(path: Path, head: bytes) -> bool:
    """A legacy CSV set file not named ``cons_*`` (the consolidated list's files are)."""
    return looks_like_csv_set_file(head) and not is_cons_name(path)


def empty_to_blank(value: str) -> str:
    """OFAC's ``-0-`` (with or without trailing space) means an empty field."""
    value = value.strip()
    return "" if value == EMPTY else value


def decode(path: Path, data: bytes) -> str:
    """The file's text: cp1252 (a superset of the documented Latin-1), EOF marker removed."""
    if not data.strip(b"\x1a\r\n\t "):
        raise InputError(path, "file is empty")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"undecodable byte 0x{data[exc.start]:02x}", offset=exc.start
        ) from exc
    return text.rstrip(EOF_MARKER).rstrip("\r\n")


def read_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, fields) for every non-blank row; a cut-off quoted field raises InputError."""
    text = decode(path, path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row_number = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                path,
                f"malformed CSV (truncated file or unterminated quote?): {exc}",
                row=row_number + 1,
            ) from exc
        row_number += 1
        if fields and any(value.strip() for value in fields):
            yield row_number, fields


def read_file(path: Path) -> tuple[str, list[tuple[int, list[str]]]]:
    """The file's role (primary, alt, add, comments) and its checked rows."""
    records = list(read_records(path))
    if not records:
        raise InputError(path, "file has no rows")
    first_row, first = records[0]
    role = _ROLE_BY_WIDTH.get(len(first))
    if role is None:
        raise InputError(
            path,
            f"not an OFAC legacy CSV file: {len(first)} columns "
            f"(expected 12 for SDN.CSV, 5 ALT.CSV, 6 ADD.CSV or 2 SDN_COMMENTS.CSV)",
            row=first_row,
        )
    columns = LAYOUTS[role]
    for row, fields in records:
        if len(fields) != len(columns):
            raise InputError(path, f"expected {len(columns)} columns, found {len(fields)}", row=row)
        if not fields[0].strip().isdigit():
            raise InputError(
                path,
                f"ent_num must be a number, found {fields[0].strip()!r}",
                row=row,
                field="ent_num",
            )
    return role, records


def ends_with_marker(path: Path) -> bool:
    """True when the file's last byte, line breaks and spaces aside, is OFAC's 0x1A."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - 64))
        tail = fh.read()
    return tail.rstrip(b"\r\n\t ").endswith(EOF_MARKER.encode())


def check_alias_counts(path: Path, records: list[tuple[int, list[str]]]) -> None:
    """Refuse an alias file giving one party more names than an entity may carry, before any
    alias is added (adding them one by one would take time growing with their square)."""
    counts: dict[str, int] = defaultdict(int)
    for row, fields in records:
        ent_num = fields[0].strip()
        counts[ent_num] += 1
        if counts[ent_num] > MAX_NAMES_PER_ENTITY:
            raise InputError(
                path,
                f"ent_num {ent_num} has more than {MAX_NAMES_PER_ENTITY:,} aliases; the limit is "
                f"{MAX_NAMES_PER_ENTITY:,} names per entity (MAX_NAMES_PER_ENTITY)",
                row=row,
                field="alt_name",
            )


def split_programs(value: str) -> list[str]:
    """``SDGT] [IRGC`` → ``["SDGT", "IRGC"]``."""
    return [code.strip(" []") for code in value.split("] [") if code.strip(" []")]


def primary_row(row: int, fields: list[str]) -> PrimaryRow:
    """One SDN.CSV row with ``-0-`` blanked and its programs split.

    The remark is kept exactly as written (not stripped): at the 1,000-character cut a trailing
    space belongs to the text that SDN_COMMENTS.CSV continues."""
    values = [empty_to_blank(value) for value in fields[:11]]
    remarks = "" if empty_to_blank(fields[11]) == "" else fields[11]
    return PrimaryRow(
        row,
        values[0],
        values[1],
        values[2].lower(),
        split_programs(values[3]),
        *values[4:],
        remarks,
    )


def read_csv_set(paths: Sequence[Path]) -> CsvSet:
    """Read the files of one set, telling each file's role from its columns.

    The primary file is required; the alias, address and comments files are optional.
    """
    by_role: dict[str, tuple[Path, list[tuple[int, list[str]]]]] = {}
    for path in map(Path, paths):
        role, records = read_file(path)
        if role in by_role:
            raise InputError(path, f"two {role} files given: {by_role[role][0]} and {path}")
        by_role[role] = (path, records)
    if "primary" not in by_role:
        raise InputError(
            paths[0] if paths else None,
            "the primary file (SDN.CSV or CONS_PRIM.CSV) is missing from the set",
        )

    def rows(role: str) -> list[list[str]]:
        return [fields for _, fields in by_role[role][1]] if role in by_role else []

    if "alt" in by_role:
        check_alias_counts(*by_role["alt"])
    csv_set = CsvSet(
        files=[Path(p) for p in paths],
        primary=[primary_row(row, fields) for row, fields in by_role["primary"][1]],
        alt=[[empty_to_blank(value) for value in fields] for fields in rows("alt")],
        add=[[empty_to_blank(value) for value in fields] for fields in rows("add")],
        roles={role: path for role, (path, _) in by_role.items()},
    )
    for role in MARKED_ROLES:
        if role in by_role and not ends_with_marker(by_role[role][0]):
            path, records = by_role[role]
            csv_set.incomplete.append(
                InputError(
                    path,
                    "the file ends here without OFAC's end-of-file byte (0x1A): it is "
                    "probably cut short",
                    row=records[-1][0],
                )
            )
    for ent_num, extension in rows("comments"):
        key = ent_num.strip()
        csv_set.comments[key] = csv_set.comments.get(key, "") + extension
    return csv_set


def add_value(entity: EntityProxy, prop: str, value: str, warnings: list[str]) -> None:
    """Add a value to an entity; a phone or identifier FtM cannot normalise is kept as written.

    A property the entity's schema lacks is reported in ``warnings`` (the value stays in notes).
    """
    if not value:
        return
    prop_obj = entity.schema.get(prop)
    if prop_obj is None:
        warnings.append(
            f"{entity.id}: {entity.schema.name} has no {prop!r}; kept in notes: {value}"
        )
        return
    if prop_obj.type.clean(value, proxy=entity) is None and prop_obj.type in _RAW_KEPT_TYPES:
        entity.add(prop, value.strip(), cleaned=True)
    else:
        entity.add(prop, value)


def is_company_name(name: str) -> bool:
    """True when the name carries a legal form such as LTD, CO., LLC, S.A., GMBH or JSC."""
    tokens = re.split(r"[^A-Z0-9]+", name.upper().replace(".", ""))
    return not LEGAL_FORMS.isdisjoint(tokens)


def party_schema(row: PrimaryRow, facts: RemarkFacts) -> str:
    """Person, Vessel or Airplane by SDN_Type; otherwise Company when the name carries a legal
    form or the remarks give a company registration number, else Organization."""
    if row.sdn_type in SCHEMA_BY_TYPE:
        return SCHEMA_BY_TYPE[row.sdn_type]
    registered = any(doc.kind == "registration" for doc in facts.documents)
    return "Company" if registered or is_company_name(row.name) else "Organization"


def full_remark(row: PrimaryRow, comments: dict[str, str]) -> str:
    """The remark with its SDN_COMMENTS.CSV continuation appended directly (it may start
    mid-word)."""
    return row.remarks + comments.get(row.ent_num, "")


def party_entity(row: PrimaryRow, schema: str, remark: str) -> EntityProxy:
    """The listed party with its name, programs, title, vessel columns and full remark.

    Title goes to ``title`` for a Person; the rare title on any other party goes to
    ``description`` (only Persons have a ``title`` in FtM)."""
    entity = model.make_entity(schema)
    entity.id = f"ofac-{row.ent_num}"
    entity.add("name", row.name)
    entity.add("topics", "sanction")
    entity.add("programId", row.programs)
    entity.add("notes", remark or None)
    if schema == "Person":
        entity.add("title", row.title or None)
        if "," in row.name:
            last, first = row.name.split(",", 1)
            entity.add("lastName", last.strip())
            entity.add("firstName", first.strip())
    elif row.title:
        entity.add("description", row.title)
    if schema == "Vessel":
        entity.add("callSign", row.call_sign or None)
        entity.add("type", row.vessel_type or None)
        entity.add("tonnage", row.tonnage or None)
        entity.add("grossRegisteredTonnage", row.grt or None)
        entity.add("flag", country_code(row.vessel_flag) if row.vessel_flag else None)
    return entity


def sanction_entity(row: PrimaryRow, party: EntityProxy, facts: RemarkFacts) -> EntityProxy:
    """The designation itself: who, under which programs, since when (when remarks say)."""
    sanction = model.make_entity("Sanction")
    sanction.id = f"ofac-{row.ent_num}-sanction"
    sanction.add("entity", party.id)
    sanction.add("authority", AUTHORITY)
    sanction.add("country", "us")
    sanction.add("program", row.programs)
    sanction.add("programId", row.programs)
    sanction.add("recordId", row.ent_num)
    sanction.add("startDate", facts.start_dates)
    sanction.add("listingDate", facts.listing_dates)
    return sanction


def document_entity(
    ent_num: str, party: EntityProxy, doc: Document, index: int
) -> EntityProxy | None:
    """A Passport or Identification entity for a document; None when the holder cannot hold
    one (FtM documents belong to people and organisations, not to vessels or aircraft)."""
    if not party.schema.is_a("LegalEntity"):
        return None
    is_passport = doc.kind == "passport"
    entity = model.make_entity("Passport" if is_passport else "Identification")
    entity.id = f"ofac-{ent_num}-{'passport' if is_passport else 'id'}-{index}"
    entity.add("holder", party.id)
    entity.add("number", doc.number)
    entity.add("type", doc.label)
    entity.add("country", doc.country)
    entity.add("startDate", doc.issued)
    entity.add("endDate", doc.expires)
    return entity


def wallet_id(mention: WalletMention) -> str:
    """``ofac-wallet-{asset}-{address}``; EVM (0x…) addresses are lower-cased, others kept."""
    address = mention.address
    if re.fullmatch(r"0x[0-9a-fA-F]{40}", address):
        address = address.lower()
    return f"ofac-wallet-{mention.asset.lower()}-{address}"


@dataclass
class Builder:
    """Turns the rows of one CSV set into entities, resolving names across the set."""

    csv_set: CsvSet
    entities: dict[str, EntityProxy] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    parties: dict[str, EntityProxy] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    orphans: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """ent_nums of ALT or ADD rows that name no listed party, by file role."""

    def emit(self, entity: EntityProxy) -> None:
        assert entity.id is not None
        self.entities[entity.id] = entity

    def build(self) -> None:
        for row in self.csv_set.primary:
            self.by_name[row.name.lower()].append(row.ent_num)
        facts_by_row = [(row, self.add_party(row)) for row in self.csv_set.primary]
        for row, facts in facts_by_row:
            self.add_links(row, facts)
            self.add_vessel_owner(row)
        self.add_aliases()
        self.add_addresses()

    def add_party(self, row: PrimaryRow) -> RemarkFacts:
        """The party, its sanction, documents and wallets; returns the remark's facts."""
        remark = full_remark(row, self.csv_set.comments)
        facts = parse_remarks(remark)
        party = party_entity(row, party_schema(row, facts), remark)
        for prop, value in facts.values:
            add_value(party, prop, value, self.warnings)
        for index, doc in enumerate(facts.documents, start=1):
            add_value(
                party, document_property(party.schema.name, doc.kind), doc.number, self.warnings
            )
            if (document := document_entity(row.ent_num, party, doc, index)) is not None:
                self.emit(document)
        self.parties[row.ent_num] = party
        self.emit(party)
        self.emit(sanction_entity(row, party, facts))
        for mention in facts.wallets:
            self.add_wallet(row, party, mention)
        return facts

    def add_wallet(self, row: PrimaryRow, party: EntityProxy, mention: WalletMention) -> None:
        """One CryptoWallet per (asset, address), held by every party that lists it."""
        if mention.truncated:
            self.warnings.append(
                f"possibly truncated: ent_num {row.ent_num} {mention.asset} address "
                f"{mention.address!r} ends at the legacy CSV's 1,000-character cut; no wallet made"
            )
            return
        entity_id = wallet_id(mention)
        wallet = self.entities.get(entity_id)
        if wallet is None:
            wallet = model.make_entity("CryptoWallet")
            wallet.id = entity_id
            wallet.add("publicKey", mention.address, cleaned=True)
            wallet.add("currencySymbol", mention.asset)
            wallet.add("topics", "sanction")
            self.emit(wallet)
        wallet.add("holder", party.id)
        wallet.add("programId", row.programs)

    def resolve(self, name: str) -> list[str]:
        """ent_nums listed under exactly this name (case-insensitive); a trailing full stop the
        remark's own terminator may have swallowed is tried too."""
        key = name.lower()
        return self.by_name.get(key) or self.by_name.get(key + ".") or []

    def add_links(self, row: PrimaryRow, facts: RemarkFacts) -> None:
        """``Linked To: NAME`` → UnknownLink to the listed party of that name, or a warning."""
        for name in facts.linked_to:
            targets = self.resolve(name)
            if not targets:
                self.warnings.append(f"ent_num {row.ent_num}: Linked To {name!r} is not listed")
            for target in targets:
                link = model.make_entity("UnknownLink")
                link.id = f"ofac-link-{row.ent_num}-{target}"
                link.add("subject", f"ofac-{row.ent_num}")
                link.add("object", f"ofac-{target}")
                link.add("role", "Linked To")
                self.emit(link)

    def add_vessel_owner(self, row: PrimaryRow) -> None:
        """Vess_owner → Ownership of the vessel by the listed party of that name, or else by a
        new Organization ``ofac-{ent_num}-owner`` carrying the name as written."""
        if not row.vessel_owner:
            return
        listed = [
            t for t in self.resolve(row.vessel_owner) if self.parties[t].schema.is_a("LegalEntity")
        ]
        if listed:
            owner_id = f"ofac-{listed[0]}"
        else:
            owner = model.make_entity("Organization")
            owner.id = owner_id = f"ofac-{row.ent_num}-owner"
            owner.add("name", row.vessel_owner)
            self.emit(owner)
        ownership = model.make_entity("Ownership")
        ownership.id = f"ofac-{row.ent_num}-ownership"
        ownership.add("owner", owner_id)
        ownership.add("asset", f"ofac-{row.ent_num}")
        self.emit(ownership)

    def party_for(self, ent_num: str, role: str) -> EntityProxy | None:
        """The listed party of an ALT or ADD row; None (and noted) when the primary file lacks
        it, a sign that the primary file is cut short or from another day."""
        party = self.parties.get(ent_num.strip())
        if party is None:
            self.orphans[role].append(ent_num.strip())
        return party

    def orphan_problems(self) -> list[InputError]:
        """One problem per file whose rows name parties the primary file lacks."""
        problems = []
        primary = self.csv_set.roles.get("primary")
        for role, ent_nums in self.orphans.items():
            problems.append(
                InputError(
                    self.csv_set.roles.get(role),
                    f"{len(ent_nums):,} row(s) refer to ent_nums missing from "
                    f"{primary.name if primary else 'the primary file'} (first: {ent_nums[0]}); "
                    "the files are not one consistent set, or the primary file is cut short",
                    field="ent_num",
                )
            )
        return problems

    def add_aliases(self) -> None:
        """ALT.CSV: aka and nka → ``alias``, fka → ``previousName``; an alias whose remarks
        call it weak → ``weakAlias``."""
        for ent_num, _alt_num, alt_type, alt_name, alt_remarks in self.csv_set.alt:
            party = self.party_for(ent_num, "alt")
            if party is None or not alt_name:
                continue
            prop = "previousName" if alt_type.lower() == "fka" else "alias"
            if "weak" in alt_remarks.lower():
                prop = "weakAlias"
            party.add(prop, alt_name)

    def add_addresses(self) -> None:
        """ADD.CSV: the one-line address (street, city/state/postal, country) → ``address``;
        the country → ``country``."""
        for ent_num, _add_num, street, city, country, add_remarks in self.csv_set.add:
            party = self.party_for(ent_num, "add")
            if party is None:
                continue
            line = ", ".join(part for part in (street, city, country) if part)
            party.add("address", line or None)
            if country:
                add_value(party, "country", country, self.warnings)
            if add_remarks:
                party.add("notes", add_remarks)


def parse_csv_set(paths: Sequence[Path], *, dataset: str, source: str) -> ParsedList:
    """Parse one legacy CSV set (primary file plus any of aliases, addresses, comments)."""
    csv_set = read_csv_set(paths)
    builder = Builder(csv_set)
    builder.build()
    return ParsedList(
        dataset=dataset,
        source=source,
        entities=list(builder.entities.values()),
        published=None,
        warnings=builder.warnings,
        files=csv_set.files,
        incomplete=[*csv_set.incomplete, *builder.orphan_problems()],
    )


def parse_sdn(paths: Sequence[Path]) -> ParsedList:
    """Parse OFAC's legacy SDN CSV set into the ``us_ofac_sdn`` dataset."""
    return parse_csv_set(paths, dataset="us_ofac_sdn", source="ofac_csv")


_BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

SOURCE = Source(
    name="ofac_csv",
    dataset="us_ofac_sdn",
    title="OFAC SDN list (legacy CSV: SDN.CSV, ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV)",
    detect=detect_sdn,
    parse=parse_sdn,
    urls=tuple(_BASE_URL + name for name in ("SDN.CSV", "ALT.CSV", "ADD.CSV", "SDN_COMMENTS.CSV")),
)
