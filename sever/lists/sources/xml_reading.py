"""What the four XML list parsers (UN, OFAC advanced, EU, UK) share.

``XmlRecords`` streams the record elements of an official XML file with ``lxml.etree.iterparse``,
clearing each record once it has been read, so a 100 MB list stays in bounded memory. It checks
the root element, turns lxml's syntax errors into ``InputError`` naming the file and line, and
strips XML namespaces from each record so that parsers use plain element names.

The small functions below it read text, dates and values the same way in every parser, and keep
values that FollowTheMoney could not normalise (a DPRK phone number, say) instead of dropping them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthemoney import EntityProxy
from lxml import etree

from sever.errors import InputError

_SPACES = re.compile(r"\s+")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_COMPANY = re.compile(
    r"\b(company|corporation|corp|co|ltd|limited|llc|inc|bank|trading|shipping|gmbh|jsc|plc)\b",
    re.I,
)
_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}


def localname(element: etree._Element) -> str:
    """The element's name without its namespace."""
    return etree.QName(element).localname


def root_localname(head: bytes) -> str | None:
    """The root element's local name read from the first bytes of a file, for format detection."""
    match = re.search(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]", _skip_prolog(head))
    return match.group(2).decode("ascii") if match else None


def _skip_prolog(head: bytes) -> bytes:
    """The bytes after the XML declaration, comments, processing instructions and DOCTYPE."""
    return re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)


@dataclass
class XmlRecords:
    """The record elements of one XML file, streamed and cleared as they are read.

    Iterating yields each element whose local name is in ``records`` once it is complete, with
    namespaces stripped from it and its descendants. ``root`` holds the root element (with its
    attributes) from the first step of the iteration on.
    """

    path: Path
    root_names: Collection[str]
    """Local names the root element may have."""
    records: Collection[str]
    root: etree._Element | None = field(default=None, init=False)

    def __iter__(self) -> Iterator[etree._Element]:
        if self.path.stat().st_size == 0:
            raise InputError(self.path, "the file is empty", row=1)
        events = etree.iterparse(
            str(self.path),
            events=("start", "end"),
            tag=[f"{{*}}{name}" for name in (*self.root_names, *self.records)],
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        )
        try:
            yield from self._walk(events)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or (exc.position[0] if exc.position else None)
            raise InputError(self.path, f"malformed XML: {exc.msg}", row=line) from exc

    def _walk(self, events: etree.iterparse) -> Iterator[etree._Element]:
        """Check the root, then yield complete records and free them once they were read.

        Only the root and record elements raise events (the ``tag`` filter), which keeps the
        Python loop short; a wrong root raises none, so it is checked again at the end.
        """
        for event, element in events:
            if self.root is None:
                self.root = element.getroottree().getroot()
                self._check_root(self.root)
            if event != "end" or localname(element) not in self.records:
                continue
            strip_namespaces(element)
            yield element
            release(element)
        if events.root is None:
            raise InputError(self.path, "no XML element found", row=1)
        self._check_root(events.root)
        self.root = events.root

    def _check_root(self, element: etree._Element) -> None:
        """Raise unless the root element is one this format uses."""
        name = localname(element)
        if name not in self.root_names:
            expected = " or ".join(f"<{n}>" for n in sorted(self.root_names))
            raise InputError(
                self.path,
                f"root element is <{name}>, expected {expected}",
                row=element.sourceline,
                field=name,
            )


def strip_namespaces(element: etree._Element) -> None:
    """Rename the element and its descendants to their local names."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = localname(node)


def release(element: etree._Element) -> None:
    """Free a record that has been read, and the siblings read before it."""
    element.clear()
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]


def text(element: etree._Element | None, path: str | None = None) -> str | None:
    """The text at ``path`` under ``element`` (or its own text), spaces collapsed; None if blank."""
    if element is None:
        return None
    raw = element.text if path is None else element.findtext(path)
    return clean(raw)


def texts(element: etree._Element, path: str) -> list[str]:
    """Every non-blank text at ``path`` under ``element``, in document order."""
    values = (clean(node.text) for node in element.iterfind(path))
    return [value for value in values if value]


def clean(value: str | None) -> str | None:
    """The value with runs of whitespace collapsed to one space; None if blank."""
    if value is None:
        return None
    collapsed = _SPACES.sub(" ", value).strip()
    return collapsed or None


def require(path: Path, element: etree._Element, name: str, value: str | None) -> str:
    """The value, or an InputError naming the record's line and the missing element or attribute."""
    if value:
        return value
    raise InputError(
        path,
        f"<{localname(element)}> has no {name}",
        row=element.sourceline,
        field=name,
    )


def join_parts(*parts: str | None, sep: str = ", ") -> str | None:
    """The non-blank parts joined into one line; None if all are blank."""
    present = [part for part in (clean(p) for p in parts) if part]
    return sep.join(present) if present else None


def partial_date(year: str | None, month: str | None = None, day: str | None = None) -> str | None:
    """An ISO date as precise as the parts allow: ``1944-10-13``, ``1944-10`` or ``1944``."""
    if not year or not year.strip().isdigit() or int(year) == 0:
        return None
    out = f"{int(year):04d}"
    if not month or not month.strip().isdigit() or not 1 <= int(month) <= 12:
        return out
    out += f"-{int(month):02d}"
    if not day or not day.strip().isdigit() or not 1 <= int(day) <= 31:
        return out
    return out + f"-{int(day):02d}"


def iso_date(value: str | None) -> str | None:
    """The (partial) ISO date at the start of ``value``, e.g. ``2026-02-27`` of a timestamp."""
    match = _ISO_DATE.match(value.strip()) if value else None
    return partial_date(*match.groups()) if match else None


def day_month_year(value: str | None) -> str | None:
    """An ISO date from ``dd/mm/yyyy``, where ``dd`` or ``mm`` may be letters or 00 (unknown)."""
    parts = value.strip().split("/") if value else []
    if len(parts) != 3:
        return iso_date(value)
    day, month, year = parts
    return partial_date(year, month, day)


def to_date(value: str | None) -> date | None:
    """A full ISO date string as a ``datetime.date``; None when it is partial, absent or not a
    day of the calendar (``2026-02-31``)."""
    if value is None or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def looks_like_company(name: str | None) -> bool:
    """True when an organisation's name says it is a company: Co., Ltd, Corporation, Bank…"""
    return bool(name and _COMPANY.search(name))


def gender(value: str | None) -> str | None:
    """FollowTheMoney's gender for ``M``, ``F``, ``Male`` or ``Female``."""
    return _GENDERS.get(value.strip().lower()) if value else None


def put(entity: EntityProxy, prop: str, value: str | None) -> bool:
    """Add a value, keeping it as written when FollowTheMoney cannot normalise it.

    Countries get a second, fuzzy try and are dropped only when that fails too (False is
    returned so the caller can warn); phone numbers, e-mails and other strings that FtM rejects
    are kept verbatim, since a number DPRK fronts really use is worth more than a tidy field.
    """
    if not value:
        return True
    prop_type = entity.schema.properties[prop].type
    prop_format = entity.schema.properties[prop].format
    cleaned = prop_type.clean(value, proxy=entity, format=prop_format)
    if cleaned is not None:
        entity.add(prop, cleaned, cleaned=True)
        return True
    if prop_type.name == "country":
        fuzzy = prop_type.clean(value, fuzzy=True)
        if fuzzy is not None:
            entity.add(prop, fuzzy, cleaned=True)
        return fuzzy is not None
    if prop_type.name in ("date", "gender", "entity"):
        return False
    entity.add(prop, value, cleaned=True)
    return True
