"""Linking registry parties to list entities through the screening matcher.

A registry writes a sanctioned owner as it pleases (``Korea Mining Development Trading Corp.``),
never with the list's id. Each party is screened as an FtM entity by ``sever.screen``, the same
matcher and threshold as ``sever screen``; every hit decided ``match`` links the party to that
list entity, and the link carries the matcher's score and explanation, so an analyst can see why
a company is treated as owned by a listed person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy

from sever.screen import ScreeningIndex, ScreenOptions, screen_entity


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


def link_to_lists(
    index: ScreeningIndex, parties: Iterable[EntityProxy], options: ScreenOptions
) -> dict[str, list[ListLink]]:
    """Party id → its links to list entities (best first), for each party that matches.

    A party without a name cannot be screened and is left unlinked."""
    links: dict[str, list[ListLink]] = {}
    for party in parties:
        if not party.id or not party.get("name"):
            continue
        screening = screen_entity(index, party, options, query_id=party.id)
        found = [
            ListLink(
                party=party.id,
                party_name=party.caption,
                entity_id=shown["entity_id"],
                caption=shown["caption"],
                dataset=shown["list"],
                programs=tuple(shown["programs"]),
                dprk=bool(shown["dprk"]),
                score=hit.score,
                explanation=hit.explanation,
            )
            for hit in screening.matches
            if (shown := hit.to_dict())
        ]
        if found:
            links[party.id] = found
    return links
