"""Real DPRK-listed parties to plant, under the spellings that evade naive screening.

Taken from the entity store's ``dprk`` scope (OFAC SDN, UN 1718 list…), sorted by id so sampling
is deterministic. Names are re-spelled as they are in the wild: romanization variants (Kim/Gim,
Ri/Yi/Lee, Pak/Park, Choe/Choi), given-name syllables hyphenated or joined, word order swapped,
a company's legal form changed. Identifiers (IMO numbers, wallet addresses) are kept as listed,
so a screening engine can still find them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

from sever.errors import SeverError
from sever.home import Home

log = logging.getLogger(__name__)

SURNAME_VARIANTS = (
    ("Kim", "Gim", "Ghim"),
    ("Ri", "Yi", "Lee", "Rhee", "Li"),
    ("Pak", "Park", "Bak"),
    ("Choe", "Choi", "Chwe"),
    ("Jong", "Chong", "Jung", "Jeong"),
    ("O", "Oh"),
    ("Ryu", "Yu", "Yoo"),
    ("Kang", "Gang"),
    ("Cho", "Jo"),
    ("Jang", "Chang"),
    ("Sin", "Shin"),
    ("Yun", "Yoon"),
    ("Kwon", "Gwon"),
    ("Jon", "Chon", "Jeon"),
    ("Paek", "Baek"),
    ("Ko", "Koh"),
    ("Mun", "Moon"),
    ("Han", "Hahn"),
    ("Hyon", "Hyun"),
    ("Ju", "Joo", "Chu"),
)
"""Romanizations of one Korean surname, as McCune–Reischauer, Revised and popular spellings."""

SYLLABLE_VARIANTS = (
    ("Chol", "Cheol", "Chul"),
    ("Song", "Seong", "Sung"),
    ("Yong", "Young", "Yeong"),
    ("Kwang", "Gwang"),
    ("Hyok", "Hyeok", "Hyuk"),
    ("Myong", "Myung", "Myeong"),
    ("Jong", "Chong", "Jeong"),
    ("Un", "Eun"),
    ("Sok", "Seok", "Suk"),
    ("Kun", "Geun", "Keun"),
    ("Hui", "Hee"),
    ("Su", "Soo"),
    ("Il", "Ill"),
    ("Kyong", "Kyung", "Gyeong"),
    ("Chun", "Jun"),
    ("Hak", "Hag"),
    ("Nam", "Nahm"),
)
"""Romanizations of given-name syllables."""

LEGAL_FORMS = (
    ("Company Limited", "Co., Ltd.", "Co Ltd", "Company Ltd"),
    ("Corporation", "Corp.", "Corp"),
    ("Trading Company", "Trading Co.", "Trading Corporation"),
    ("Limited", "Ltd.", "Ltd"),
    ("Bank", "Banking Corporation"),
)
"""Interchangeable legal forms and suffixes of company names."""

_TRADING = re.compile(
    r"\b(co|company|corp|corporation|ltd|limited|trading|bank|shipping|llc)\b", re.I
)

ORG_SCHEMATA = ("Organization", "Company", "LegalEntity", "PublicBody")


@dataclass(frozen=True)
class Listed:
    """One listed party as the store holds it."""

    entity_id: str
    schema: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    birth_date: str | None = None
    imo: str | None = None
    wallets: tuple[tuple[str, str], ...] = ()


@dataclass
class SanctionedPool:
    """The listed DPRK parties available to plant, by kind, sorted by entity id."""

    persons: list[Listed] = field(default_factory=list)
    organizations: list[Listed] = field(default_factory=list)
    vessels: list[Listed] = field(default_factory=list)
    wallets: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.persons or self.organizations or self.vessels or self.wallets)

    def pick(self, rng: np.random.Generator, kind: str) -> Listed | None:
        """A listed party of ``kind`` (persons, organizations, vessels), or None.

        Organizations that trade (companies, banks, shipping firms) are preferred to ministries.
        """
        pool: list[Listed] = getattr(self, kind)
        if kind == "organizations":
            pool = [o for o in pool if _TRADING.search(o.name)] or pool
        return pool[int(rng.integers(0, len(pool)))] if pool else None

    def summary(self) -> dict[str, int]:
        return {
            "persons": len(self.persons),
            "organizations": len(self.organizations),
            "vessels": len(self.vessels),
            "wallets": len(self.wallets),
        }


def load_pool(home: Home | None) -> SanctionedPool:
    """Listed DPRK parties from the store in ``home`` (loading the built-in lists if empty).

    When no home is given, the lists cannot be loaded, or the ``dprk`` scope is empty, the pool is
    empty and carries a warning: the world is still built, without sanctioned plants.
    """
    if home is None:
        return SanctionedPool(warnings=["no home given: no sanctioned parties planted"])
    from sever.entities import Store
    from sever.lists import ensure_loaded

    try:
        ensure_loaded(home)
        with Store.open(home, read_only=True) as store:
            entities = sorted(store.iter_entities("dprk"), key=lambda e: e.id or "")
    except SeverError as exc:
        return SanctionedPool(
            warnings=[f"sanctions lists unavailable ({exc}): no sanctioned parties planted"]
        )
    pool = pool_from_entities(entities)
    if pool.empty:
        pool.warnings.append("the store's dprk scope is empty: no sanctioned parties planted")
    for warning in pool.warnings:
        log.warning(warning)
    return pool


def pool_from_entities(entities: list) -> SanctionedPool:  # type: ignore[type-arg]
    """Sort FtM entities of the DPRK scope into persons, organizations, vessels, wallets."""
    pool = SanctionedPool()
    for entity in entities:
        names = sorted(entity.get("name", quiet=True))
        if entity.schema.name == "CryptoWallet":
            holders = entity.get("holder", quiet=True)
            for key in entity.get("publicKey", quiet=True):
                symbol = (entity.get("currencySymbol", quiet=True) or ["ETH"])[0]
                pool.wallets.append((key, symbol.upper(), holders[0] if holders else ""))
            continue
        if not names:
            continue
        listed = Listed(
            entity_id=entity.id or "",
            schema=entity.schema.name,
            name=names[0],
            aliases=tuple(sorted(set(entity.get("alias", quiet=True)))),
            country=next(
                iter(
                    sorted(
                        entity.get("country", quiet=True) + entity.get("nationality", quiet=True)
                    )
                ),
                None,
            ),
            birth_date=next(iter(sorted(entity.get("birthDate", quiet=True))), None),
            imo=next(iter(sorted(entity.get("imoNumber", quiet=True))), None),
        )
        if entity.schema.name == "Person":
            pool.persons.append(listed)
        elif entity.schema.name == "Vessel":
            pool.vessels.append(listed)
        elif entity.schema.name in ORG_SCHEMATA:
            pool.organizations.append(listed)
    pool.wallets.sort()
    return pool


def _lookup(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    return {spelling.lower(): group for group in groups for spelling in group}


_SURNAMES = _lookup(SURNAME_VARIANTS)
_SYLLABLES = _lookup(SYLLABLE_VARIANTS)


def _respell(word: str, table: dict[str, tuple[str, ...]], rng: np.random.Generator) -> str:
    group = table.get(word.lower())
    if not group:
        return word
    options = [g for g in group if g.lower() != word.lower()]
    choice = options[int(rng.integers(0, len(options)))]
    return choice.upper() if word.isupper() and len(word) > 1 else choice


def person_variant(name: str, rng: np.random.Generator) -> str:
    """A re-spelling of a Korean personal name (``KIM, Yong Chol`` → ``Gim Young-chol``)."""
    if "," in name:
        surname, given = (part.strip() for part in name.split(",", 1))
    else:
        parts = name.split()
        surname, given = (parts[0], " ".join(parts[1:])) if len(parts) > 1 else (name, "")
    surname = _respell(surname.title(), _SURNAMES, rng)
    syllables = [s for s in re.split(r"[\s-]+", given) if s]
    syllables = [
        _respell(s.title(), _SYLLABLES, rng) if rng.random() < 0.6 else s.title() for s in syllables
    ]
    style = int(rng.integers(0, 3))
    if len(syllables) == 2 and style == 0:
        given_text = f"{syllables[0]}-{syllables[1].lower()}"
    elif len(syllables) == 2 and style == 1:
        given_text = syllables[0] + syllables[1].lower()
    else:
        given_text = " ".join(syllables)
    if not given_text:
        return surname
    return f"{given_text} {surname}" if rng.random() < 0.4 else f"{surname} {given_text}"


def company_variant(name: str, rng: np.random.Generator) -> str:
    """A re-spelling of a company name: legal form changed, case and punctuation varied."""
    text = re.sub(r"\s+", " ", name).strip()
    for group in LEGAL_FORMS:
        for form in group:
            pattern = re.compile(rf"\b{re.escape(form)}(?=$|\W)", re.I)
            if pattern.search(text):
                options = [f for f in group if f.lower() != form.lower()]
                text = pattern.sub(options[int(rng.integers(0, len(options)))], text, count=1)
                break
        else:
            continue
        break
    else:
        text = (
            re.sub(r"\bKOREA(N)?\b", "DPRK", text, flags=re.I)
            if rng.random() < 0.5
            else text.title()
        )
    if rng.random() < 0.5:
        text = text.title() if text.isupper() else text.upper()
    return text.replace(" & ", " and ") if rng.random() < 0.5 else text


def variant(listed: Listed, rng: np.random.Generator) -> str:
    """A spelling of a listed party's name that differs from every listed spelling if it can."""
    known = {listed.name.lower(), *(a.lower() for a in listed.aliases)}
    make = person_variant if listed.schema == "Person" else company_variant
    source = [listed.name, *listed.aliases]
    for _ in range(8):
        base = source[int(rng.integers(0, len(source)))]
        candidate = make(base, rng)
        if candidate.lower() not in known:
            return candidate
    return make(listed.name, rng)


def vessel_variant(name: str, rng: np.random.Generator) -> str:
    """A vessel name as it appears on invoices: syllables joined or hyphenated, case changed."""
    words = name.split()
    if len(words) > 1 and rng.random() < 0.5:
        joined = "".join(words[:2]).title()
        return " ".join([joined, *words[2:]])
    if len(words) > 1:
        return "-".join(words).title()
    return name.title() if name.isupper() else name.upper()
