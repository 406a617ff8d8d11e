"""The ``dprk`` scope: which listed entities tie to North Korea, and why.

An entity is in scope when (1) it is listed under a DPRK sanctions program, (2) its nationality,
citizenship, country, flag or address ties it to North Korea, or its remarks cite the North Korea
Sanctions Regulations, or (3) it is linked to an entity in scope by (1) or (2): a wallet's holder,
a passport's holder, a sanction's subject, an owner, a ``Linked To:`` relation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from followthemoney import EntityProxy

DPRK_PROGRAMS = frozenset(
    {"DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA", "UN-DPRK", "PRK", "KP"}
)
"""Program codes of DPRK regimes: OFAC (DPRK…, DPRK-NKSPEA), UN 1718 (UN-DPRK), EU (PRK)."""

_DPRK_REGIME_WORDS = re.compile(
    r"democratic people'?s republic of korea|north korea|korea, north|\bdprk\b", re.I
)
_DPRK_PLACE = re.compile(
    r"pyongyang|p'yongyang|korea, north|north korea|democratic people'?s republic of korea"
    r"|\bdprk\b|nampo|nampho|chongjin|sinuiju|rason|wonsan|hamhung",
    re.I,
)
_REMARK_TIES = re.compile(r"north korea sanctions regulations", re.I)
_COUNTRY_PROPS = ("nationality", "citizenship", "country", "flag", "jurisdiction")
_LINK_PROPS = (
    "holder",
    "entity",
    "subject",
    "object",
    "owner",
    "asset",
    "director",
    "organization",
    "member",
    "parent",
    "child",
)


def is_dprk_program(code: str) -> bool:
    """A program code of a DPRK sanctions regime (OFAC, UN 1718 Committee, EU, UK)."""
    return code.upper() in DPRK_PROGRAMS or bool(_DPRK_REGIME_WORDS.search(code))


def dprk_reason(entity: EntityProxy) -> str | None:
    """Why an entity is tied to North Korea on its own, in words; None when it is not."""
    programs = [p for p in entity.get("programId", quiet=True) if is_dprk_program(p)]
    if programs:
        return f"listed under {', '.join(sorted(programs))}"
    for prop in _COUNTRY_PROPS:
        if "kp" in entity.get(prop, quiet=True):
            return f"{prop} is North Korea"
    for address in entity.get("address", quiet=True):
        if _DPRK_PLACE.search(address):
            return f"address in North Korea ({address})"
    for note in entity.get("notes", quiet=True):
        if _REMARK_TIES.search(note):
            return "remarks cite the North Korea Sanctions Regulations"
    return None


def dprk_ids(entities: Sequence[EntityProxy]) -> set[str]:
    """Ids of every entity in the DPRK scope, linked entities included (one hop either way)."""
    direct = {e.id for e in entities if e.id and dprk_reason(e)}
    scoped = set(direct)
    for entity in entities:
        refs = set(_references(entity))
        if entity.id in direct:
            scoped.update(refs)
        elif refs & direct:
            scoped.add(entity.id)  # type: ignore[arg-type]
    # Interval entities (links, ownerships) pull in both ends.
    for entity in entities:
        if entity.id in scoped and entity.schema.edge:
            scoped.update(_references(entity))
    return scoped


def _references(entity: EntityProxy) -> Iterable[str]:
    for prop in _LINK_PROPS:
        yield from entity.get(prop, quiet=True)
