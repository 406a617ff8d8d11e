"""Read OFAC's free-text Remarks field into structured facts.

OFAC packs everything it knows about a listed party into one Remarks string of ``; ``-separated
segments: ``DOB 08 Jan 1984; POB Pyongyang, North Korea; nationality Korea, North; Passport
836410035 (Korea, North) issued 03 Jun 2016; Digital Currency Address - ETH 0x098B…; Linked To:
LAZARUS GROUP.`` A segment may start with ``alt.`` (an alternative value of the same kind).

``parse_remarks`` runs every segment through the readers below, one small function per kind of
fact. A segment no reader understands is kept in ``RemarkFacts.unparsed``; the full remark always
stays in the party's ``notes`` as well, so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from followthemoney import model

LEGACY_REMARK_LIMIT = 1000
"""The legacy CSV cuts a remark at this many characters; SDN_COMMENTS.CSV carries the rest."""

_COUNTRY_TYPE = model.get("Person").get("nationality").type  # type: ignore[union-attr]

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Z][a-z]{2}) (\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(.+?)\s*(?: to |-)\s*(.+)$")


@dataclass
class Document:
    """An identity or registration document read from a remark segment."""

    label: str
    """The document type as OFAC writes it, e.g. ``Passport`` or ``Tax ID No.``."""
    kind: str
    """What it identifies: passport, personal_id, registration, tax, lei or duns."""
    number: str
    country: str | None = None
    """ISO code of the issuing country, when given."""
    issued: str | None = None
    expires: str | None = None


@dataclass
class WalletMention:
    """A ``Digital Currency Address - ASSET ADDRESS`` segment."""

    asset: str
    address: str
    truncated: bool
    """True when the address runs into the legacy CSV's 1,000-character cut."""


@dataclass
class RemarkFacts:
    """Everything read from one party's remark."""

    values: list[tuple[str, str]] = field(default_factory=list)
    """(FtM property, value) pairs for the party itself."""
    documents: list[Document] = field(default_factory=list)
    wallets: list[WalletMention] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    """Names after ``Linked To:``, as written."""
    start_dates: list[str] = field(default_factory=list)
    listing_dates: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)

    def add(self, prop: str, value: str | None) -> None:
        if value:
            self.values.append((prop, value))


SegmentReader = Callable[[str, RemarkFacts, bool], bool]
"""Reads one segment into the facts; returns False when the segment is not its kind.

The third argument says whether the segment ends exactly at the legacy 1,000-character cut."""


def split_segments(remark: str) -> list[str]:
    """Split a remark into its ``; ``-separated segments, dropping the final full stop (or the
    final separator of a remark cut just after one)."""
    text = remark.strip().removesuffix(";").removesuffix(".")
    return [segment.strip() for segment in re.split(r";\s+", text) if segment.strip()]


def parse_date(text: str) -> str | None:
    """One OFAC date (``08 Jan 1984``, ``Jan 1984`` or ``1984``) in ISO form, or None."""
    text = text.strip().rstrip(".")
    if _DAY_MONTH_YEAR.match(text):
        try:
            return datetime.strptime(text, "%d %b %Y").date().isoformat()
        except ValueError:
            return None
    if _MONTH_YEAR.match(text):
        try:
            return datetime.strptime(text, "%b %Y").strftime("%Y-%m")
        except ValueError:
            return None
    if match := _YEAR.match(text):
        return match.group(1)
    return None


def parse_dates(text: str) -> list[str]:
    """Dates from ``1984``, ``circa 1958``, ``1960 to 1962`` or ``circa 1958-1960``.

    A range gives both endpoints as separate values (not every year between): the analyst sees
    exactly the bounds OFAC wrote. ``circa`` is dropped: the date given is the best estimate.
    Returns an empty list when any part is not a date.
    """
    text = re.sub(r"^circa\s+", "", text.strip().rstrip("."))
    single = parse_date(text)
    if single:
        return [single]
    if match := _RANGE.match(text):
        start, end = parse_date(match.group(1)), parse_date(match.group(2))
        if start and end:
            return [start, end]
    return []


def country_code(name: str) -> str | None:
    """ISO code of a country as OFAC spells it (``Korea, North`` → ``kp``), via FtM."""
    return _COUNTRY_TYPE.clean(name.strip())


def read_birth_date(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``DOB 08 Jan 1984`` / ``DOB circa 1958`` / ``DOB 1960 to 1962`` → ``birthDate`` (ISO)."""
    if not segment.startswith("DOB "):
        return False
    dates = parse_dates(segment[4:])
    for value in dates:
        facts.add("birthDate", value)
    return bool(dates)


def read_birth_place(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``POB Pyongyang, North Korea`` → ``birthPlace``, as written."""
    if not segment.startswith("POB "):
        return False
    facts.add("birthPlace", segment[4:].strip())
    return True


def read_nationality(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``nationality Korea, North`` → ``nationality`` (``kp``); unknown countries stay unparsed."""
    return _read_country(segment, "nationality ", "nationality", facts)


def read_citizenship(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``citizen Russia`` → ``citizenship`` (``ru``); an unknown country stays unparsed."""
    return _read_country(segment, "citizen ", "citizenship", facts)


def _read_country(segment: str, prefix: str, prop: str, facts: RemarkFacts) -> bool:
    if not segment.startswith(prefix):
        return False
    code = country_code(segment[len(prefix) :])
    facts.add(prop, code)
    return code is not None


def read_gender(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``Gender Male`` / ``Gender Female`` → ``gender`` (``male`` / ``female``)."""
    if segment not in ("Gender Male", "Gender Female"):
        return False
    facts.add("gender", segment.split()[1].lower())
    return True


_QUOTED_NAME = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.|d\.b\.a\.) '(.+)'$")
_QUOTED_NAME_PROPS = {
    "a.k.a.": "weakAlias",
    "f.k.a.": "previousName",
    "n.k.a.": "alias",
    "d.b.a.": "alias",
}


def read_quoted_name(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``a.k.a. 'X'`` → ``weakAlias`` (OFAC's low-quality aliases); ``f.k.a. 'X'`` →
    ``previousName``; ``n.k.a. 'X'`` and ``d.b.a. 'X'`` → ``alias``."""
    match = _QUOTED_NAME.match(segment)
    if match is None:
        return False
    facts.add(_QUOTED_NAME_PROPS[match.group(1)], match.group(2).strip())
    return True


def read_linked_to(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``Linked To: LAZARUS GROUP`` → a link to the listed party of that name."""
    if not segment.startswith("Linked To: ") or cut:
        return False
    facts.linked_to.append(segment[len("Linked To: ") :].strip())
    return True


_WALLET = re.compile(r"^Digital Currency Address - ([A-Za-z0-9]+)(?: ([^\s;]*))?$")


def read_wallet(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``Digital Currency Address - ETH 0x…`` → a CryptoWallet for that asset and address.

    The address is kept exactly as written. When it runs into the legacy CSV's 1,000-character
    cut (or is empty there) it is flagged as possibly truncated: no wallet is made from it.
    """
    match = _WALLET.match(segment)
    if match is None:
        return False
    address = (match.group(2) or "").rstrip(".,")
    facts.wallets.append(WalletMention(match.group(1).upper(), address, cut or not address))
    return True


_PREFIXED_VALUES: tuple[tuple[str, str], ...] = (
    ("Email Address ", "email"),
    ("Website ", "website"),
    ("Phone Number ", "phone"),
    ("Telephone: ", "phone"),
    ("Telephone No. ", "phone"),
    ("Telephone ", "phone"),
    ("PHONE ", "phone"),
    ("SWIFT/BIC ", "swiftBic"),
    ("MMSI ", "mmsi"),
    ("Vessel Registration Identification IMO ", "imoNumber"),
    ("Identification Number IMO ", "imoNumber"),
    ("Company Number IMO ", "imoNumber"),
    ("International Maritime Organization No. ", "imoNumber"),
    ("Vessel Registration Identification ", "registrationNumber"),
    ("Vessel Year of Build ", "buildDate"),
    ("Former Vessel Flag ", "pastFlags"),
    ("Aircraft Model ", "model"),
    ("Aircraft Manufacturer's Serial Number (MSN) ", "serialNumber"),
    ("Aircraft Tail Number ", "registrationNumber"),
    ("Aircraft Manufacture Date ", "buildDate"),
    ("Organization Established Date ", "incorporationDate"),
    ("Organization Type: ", "sector"),
)
"""Segments that are a label and one value. Fax numbers are not read (FtM has no fax property
and a fax is not a number to screen callers against): they stay in ``notes``."""

_DATE_PROPS = {"buildDate", "incorporationDate"}
_COUNTRY_PROPS = {"pastFlags"}


def read_labelled_value(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """A label and one value: email, website, phone, SWIFT/BIC, IMO, MMSI, aircraft model,
    serial and tail numbers, build and establishment dates, organisation type, former flags."""
    if cut:
        return False
    for label, prop in _PREFIXED_VALUES:
        if segment.startswith(label):
            value = segment[len(label) :].strip()
            if prop in _DATE_PROPS:
                dates = parse_dates(value)
                for date in dates:
                    facts.add(prop, date)
                return bool(dates)
            if prop in _COUNTRY_PROPS:
                code = country_code(value)
                facts.add(prop, code)
                return code is not None
            facts.add(prop, value)
            return bool(value)
    return False


_DESIGNATION_DATE = re.compile(r"^(Effective|Listing) Date \([^)]*\): (.+)$")


def read_designation_date(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``Effective Date (EO 14024 Directive 1a): 24 Feb 2022`` → the sanction's ``startDate``;
    ``Listing Date (…): …`` → its ``listingDate``."""
    match = _DESIGNATION_DATE.match(segment)
    if match is None:
        return False
    date = parse_date(match.group(2))
    if date is None:
        return False
    target = facts.start_dates if match.group(1) == "Effective" else facts.listing_dates
    target.append(date)
    return True


DOCUMENT_LABELS: dict[str, str] = {
    "Passport": "passport",
    "Diplomatic Passport": "passport",
    "British National Overseas Passport": "passport",
    "Stateless Person Passport": "passport",
    "National ID No.": "personal_id",
    "Identification Number": "personal_id",
    "Cedula No.": "personal_id",
    "C.U.R.P.": "personal_id",
    "C.U.R.P. #": "personal_id",
    "C.U.I.": "personal_id",
    "C.U.I.P.": "personal_id",
    "D.N.I.": "personal_id",
    "Personal ID Card": "personal_id",
    "Kenyan ID No.": "personal_id",
    "Bosnian Personal ID No.": "personal_id",
    "Moroccan Personal ID No.": "personal_id",
    "Turkish Identification Number": "personal_id",
    "National Foreign ID Number": "personal_id",
    "Citizen's Card Number": "personal_id",
    "Tazkira National ID Card": "personal_id",
    "Refugee ID Card": "personal_id",
    "Stateless Person ID Card": "personal_id",
    "Residency Number": "personal_id",
    "Birth Certificate Number": "personal_id",
    "Electoral Registry No.": "personal_id",
    "Driver's License No.": "personal_id",
    "Cartilla de Servicio Militar Nacional": "personal_id",
    "Travel Document Number": "personal_id",
    "Seafarer's Identification Document": "personal_id",
    "UAE Identification": "personal_id",
    "Immigration No.": "personal_id",
    "CNP (Personal Numerical Code)": "personal_id",
    "SSN": "personal_id",
    "Numero de Identidad": "personal_id",
    "Credencial electoral": "personal_id",
    "I.F.E.": "personal_id",
    "Registration ID": "registration",
    "Registration Number": "registration",
    "Company Number": "registration",
    "UK Company Number": "registration",
    "Business Registration Number": "registration",
    "Business Registration Document #": "registration",
    "Business Number": "registration",
    "Unified Social Credit Code (USCC)": "registration",
    "United Social Credit Code Certificate (USCCC)": "registration",
    "Commercial Registry Number": "registration",
    "Chamber of Commerce Number": "registration",
    "Istanbul Chamber of Comm. No.": "registration",
    "Dubai Chamber of Commerce Membership No.": "registration",
    "Certificate of Incorporation Number": "registration",
    "Central Registration System Number": "registration",
    "Public Registration Number": "registration",
    "Government Gazette Number": "registration",
    "Economic Register Number (CBLS)": "registration",
    "Enterprise Number": "registration",
    "Branch Unit Number": "registration",
    "Folio Mercantil No.": "registration",
    "Matricula Mercantil No": "registration",
    "C.R. No.": "registration",
    "Trade License No.": "registration",
    "Registered Charity No.": "registration",
    "MSB Registration Number": "registration",
    "Afghan Money Service Provider License Number": "registration",
    "Permit Number": "registration",
    "License": "registration",
    "Organization Code": "registration",
    "LE Number": "registration",
    "BIK (RU)": "registration",
    "Tax ID No.": "tax",
    "US FEIN": "tax",
    "RTN": "tax",
    "NIT #": "tax",
    "RUC #": "tax",
    "RIF #": "tax",
    "R.F.C. #": "tax",
    "C.U.I.T.": "tax",
    "C.I.F.": "tax",
    "V.A.T. Number": "tax",
    "Italian Fiscal Code": "tax",
    "Fiscal Code": "tax",
    "Numero Unico de Identificacao Tributaria (NUIT)": "tax",
    "Legal Entity Number": "lei",
    "D-U-N-S Number": "duns",
}
"""Document types OFAC writes as ``LABEL NUMBER (Country) issued DATE expires DATE``, and what
each identifies. A label missing here leaves its segment in ``notes``."""

_LABELS_LONGEST_FIRST = sorted(DOCUMENT_LABELS, key=len, reverse=True)
_DOCUMENT_TAIL = re.compile(
    r"^(?P<number>.+?)(?: \((?P<country>[^()]+)\))?"
    r"(?: issued (?P<issued>[^()]+?))?(?: expires (?P<expires>[^()]+?))?$"
)


def read_document(segment: str, facts: RemarkFacts, cut: bool) -> bool:
    """``Passport 836410035 (Korea, North) issued 03 Jun 2016 expires 03 Jun 2021`` and the other
    labelled documents in ``DOCUMENT_LABELS`` → a document with number, country and dates.

    A parenthesised part that is not a country stays in the number, e.g. ``HRA 738077
    (Stuttgart)``. A segment cut by the 1,000-character limit is not read (its number may be
    incomplete)."""
    if cut:
        return False
    label = next((lb for lb in _LABELS_LONGEST_FIRST if segment.startswith(lb + " ")), None)
    if label is None:
        return False
    match = _DOCUMENT_TAIL.match(segment[len(label) + 1 :].strip().lstrip(":").strip())
    if match is None:
        return False
    number, country = match.group("number").strip(), None
    if match.group("country"):
        country = country_code(match.group("country"))
        if country is None:
            number = f"{number} ({match.group('country')})"
    issued = parse_date(match.group("issued")) if match.group("issued") else None
    expires = parse_date(match.group("expires")) if match.group("expires") else None
    kind = DOCUMENT_LABELS[label]
    facts.documents.append(Document(label, kind, number, country, issued, expires))
    return True


SEGMENT_READERS: tuple[SegmentReader, ...] = (
    read_birth_date,
    read_birth_place,
    read_nationality,
    read_citizenship,
    read_gender,
    read_quoted_name,
    read_linked_to,
    read_wallet,
    read_designation_date,
    read_labelled_value,
    read_document,
)
"""Every reader, tried in this order on each segment; the first that accepts it wins."""


def parse_remarks(remark: str) -> RemarkFacts:
    """Read every segment of a (complete, comments-joined) remark into structured facts.

    A remark exactly 1,000 characters long was cut by the legacy CSV: its last segment may be
    incomplete, and readers are told so."""
    facts = RemarkFacts()
    segments = split_segments(remark)
    at_cut = len(remark) == LEGACY_REMARK_LIMIT and not remark.rstrip().endswith((".", ";"))
    for index, raw in enumerate(segments):
        segment = raw[len("alt. ") :] if raw.startswith("alt. ") else raw
        cut = at_cut and index == len(segments) - 1
        if not any(reader(segment, facts, cut) for reader in SEGMENT_READERS):
            facts.unparsed.append(raw)
    return facts


def document_property(schema_name: str, kind: str) -> str:
    """The party property a document's number goes into, for a party of this schema.

    Persons carry personal IDs in ``idNumber``; organisations carry them in
    ``registrationNumber``. Passports, tax numbers, LEI and DUNS have their own properties."""
    if kind == "passport":
        return "passportNumber" if schema_name == "Person" else "idNumber"
    if kind == "tax":
        return "taxNumber"
    if kind == "lei":
        return "leiCode"
    if kind == "duns":
        return "dunsCode"
    if kind == "personal_id" and schema_name == "Person":
        return "idNumber"
    return "registrationNumber"
