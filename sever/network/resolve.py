"""Linking registry parties to list entities through the screening matcher.

A registry writes a sanctioned owner as it pleases (``Korea Mining Development Trading Corp.``),
never with the list's id. Each party is screened as an FtM entity by ``sever.screen``, the same
matcher and threshold as ``sever screen``; every hit decided ``match`` links the party to that
list entity, and the link carries the matcher's score and explanation, so an analyst can see why
a company is treated as owned by a listed person.

A registry of a million parties names the same owner under many ids (a nominee director sits on
hundreds of boards), so each distinct name is screened once, in chunks that can run on several
cores, and its links are given to every party of that name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from followthemoney import model

from sever.screen import ScreeningIndex, ScreenOptions, screen_entity
from sever.screen.workers import map_chunks


@dataclass(frozen=True)
class ListLink:
    """A registry party decided to be a listed entity, and why."""

    party: str
    party_name: str
    entity_id: str
    caption: str
    dataset: str
    programs: tuple[str, ...]
    dprk: bool
    score: float
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "party_name": self.party_name,
            "entity_id": self.entity_id,
            "caption": self.caption,
            "list": self.dataset,
            "programs": list(self.programs),
            "dprk": self.dprk,
            "score": round(self.score, 4),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Named:
    """A party to screen: its id, its name as the registry writes it, its FtM schema (``Person``,
    ``Company`` or ``LegalEntity``) and its country, when known."""

    party: str
    name: str
    schema: str
    country: str | None = None


CHUNK_NAMES = 2000
"""Distinct names screened per chunk (one chunk is a few seconds of one core)."""


def link_to_lists(
    index: ScreeningIndex, parties: Iterable[Named], options: ScreenOptions, workers: int = 1
) -> dict[str, list[ListLink]]:
    """Party id → its links to list entities (best first), for each party that matches.

    A party without a name cannot be screened and is left unlinked."""
    by_name: dict[tuple[str, str, str | None], list[Named]] = {}
    for party in parties:
        if party.name.strip():
            by_name.setdefault((party.name, party.schema, party.country), []).append(party)
    distinct = sorted(by_name)
    chunks = [distinct[i : i + CHUNK_NAMES] for i in range(0, len(distinct), CHUNK_NAMES)]
    links: dict[str, list[ListLink]] = {}
    task = partial(_screen_names, index, options)
    for found in map_chunks(task, chunks, workers if len(chunks) > 1 else 1):
        for key, hits in found:
            for party in by_name[key]:
                links[party.party] = [
                    ListLink(party.party, party.name, *hit)
                    for hit in hits  # type: ignore[arg-type]
                ]
    return links


_Hit = tuple[str, str, str, tuple[str, ...], bool, float, str]
"""A match as it crosses a process boundary: the ListLink fields after the party's."""


def _screen_names(
    index: ScreeningIndex, options: ScreenOptions, names: list[tuple[str, str, str | None]]
) -> list[tuple[tuple[str, str, str | None], list[_Hit]]]:
    """The matches of each name of a chunk (names without one are left out)."""
    found = []
    for key in names:
        name, schema, country = key
        query = model.make_entity(schema)
        query.id = "registry-party"
        query.add("name", name)
        if country:
            query.add("country", country, quiet=True)
        screening = screen_entity(index, query, options, query_id=query.id)
        hits = [
            (
                shown["entity_id"],
                shown["caption"],
                shown["list"],
                tuple(shown["programs"]),
                bool(shown["dprk"]),
                hit.score,
                hit.explanation,
            )
            for hit in screening.matches
            if (shown := hit.to_dict())
        ]
        if hits:
            found.append((key, hits))
    return found
