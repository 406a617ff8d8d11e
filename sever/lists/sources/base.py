"""The contract every official-list parser meets.

A parser turns one or more official files into FollowTheMoney entities. It never touches the
store: ``sever.lists.load`` writes what it yields as one new snapshot, atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthemoney import EntityProxy

from sever.errors import InputError


@dataclass
class ParsedList:
    """What a parser read from a set of official files."""

    dataset: str
    """OpenSanctions-style dataset name, e.g. ``us_ofac_sdn``."""
    source: str
    """Format name from the registry, e.g. ``ofac_csv``."""
    entities: list[EntityProxy]
    """Every entity: parties, their CryptoWallets, Sanctions, UnknownLinks, Identifications…"""
    published: date | None = None
    """Publication date stated by the file itself, when it states one."""
    warnings: list[str] = field(default_factory=list)
    """Things the analyst should know (e.g. a wallet address possibly cut by a 1,000-char limit)."""
    files: list[Path] = field(default_factory=list)
    incomplete: list[InputError] = field(default_factory=list)
    """Signs that the files are not the whole published list: a missing end-of-file marker or
    publication date, no records, rows that refer to parties missing from the set. A load refuses
    a list with any of them, so a cut download never replaces the list in service."""


@dataclass(frozen=True)
class Source:
    """One official list format, registered by name in ``sever.lists.sources.SOURCES``."""

    name: str
    """Stable format name: ``ofac_csv``, ``ofac_xml``, ``ofac_cons``, ``un_xml``, ``eu_xml``…"""
    dataset: str
    """Dataset its entities go into."""
    title: str
    """What a user calls it."""
    detect: Callable[[Path, bytes], bool]
    """True when the file (path, first 64 KiB) is in this format: content first, name second."""
    parse: Callable[[Sequence[Path]], ParsedList]
    """Parse the files (one set of files of this format) into entities. Raises InputError."""
    urls: tuple[str, ...] = ()
    """Official download addresses used by ``sever lists update``."""


def sniff(path: Path, size: int = 65536) -> bytes:
    """The first bytes of a file, for format detection."""
    with open(path, "rb") as fh:
        return fh.read(size)


def ids_unique(entities: Iterable[EntityProxy]) -> bool:
    seen: set[str] = set()
    for entity in entities:
        if entity.id in seen:
            return False
        seen.add(entity.id)  # type: ignore[arg-type]
    return True
