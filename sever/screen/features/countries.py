"""Nationality and country, gender, and for vessels the flag and tonnage: secondary evidence that
raises or lowers a score but never makes a match on its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from followthemoney import EntityProxy

from sever.screen.features import Observation

if TYPE_CHECKING:
    from sever.screen.prepared import Prepared

COUNTRY_PROPS = (
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "mainCountry",
    "birthCountry",
)
FLAG_PROPS = ("flag", "pastFlags")
TONNAGE_PROPS = ("grossRegisteredTonnage", "tonnage", "deadweightTonnage")
TONNAGE_TOLERANCE = 0.05
"""Tonnages within 5 % of each other agree (re-measurements and rounding)."""
TONNAGE_CONTRADICTION = 0.25
"""Tonnages more than 25 % apart contradict."""


def values_of(entity: EntityProxy, props: tuple[str, ...]) -> tuple[str, ...]:
    """The values of the given properties the entity's schema has, de-duplicated."""
    found: list[str] = []
    for prop in props:
        if prop in entity.schema.properties:
            found.extend(entity.get(prop, quiet=True))
    return tuple(dict.fromkeys(v.lower() for v in found))


def country_match(query: Prepared, candidate: Prepared) -> Observation | None:
    """The query shares a nationality or country with the listed entity."""
    qv, cv = query.countries, candidate.countries
    shared = sorted(set(qv) & set(cv))
    if not shared:
        return None
    return Observation(1.0, f"same country {shared[0].upper()}", shared[0], shared[0])


def country_mismatch(query: Prepared, candidate: Prepared) -> Observation | None:
    """Both give nationalities or countries and they have none in common."""
    qv, cv = query.countries, candidate.countries
    if not qv or not cv or set(qv) & set(cv):
        return None
    q, c = ", ".join(qv).upper(), ", ".join(cv).upper()
    return Observation(1.0, f"country {q} differs from the listed {c}", q, c)


def gender_mismatch(query: Prepared, candidate: Prepared) -> Observation | None:
    """Both state a gender and they differ."""
    qv, cv = query.genders, candidate.genders
    if not qv or not cv or set(qv) & set(cv):
        return None
    return Observation(1.0, f"gender {qv[0]} differs from the listed {cv[0]}", qv[0], cv[0])


def flag_match(query: Prepared, candidate: Prepared) -> Observation | None:
    """The vessel flies (or flew) the same flag as the listed vessel."""
    qv, cv = query.flags, candidate.flags
    shared = sorted(set(qv) & set(cv))
    if not shared:
        return None
    return Observation(1.0, f"same flag {shared[0].upper()}", shared[0], shared[0])


def flag_mismatch(query: Prepared, candidate: Prepared) -> Observation | None:
    """Both vessels have flags and none is shared. Weak: DPRK-linked ships re-flag often."""
    qv, cv = query.flags, candidate.flags
    if not qv or not cv or set(qv) & set(cv):
        return None
    q, c = ", ".join(qv).upper(), ", ".join(cv).upper()
    return Observation(1.0, f"flag {q} differs from the listed {c}", q, c)


def prepare_tonnage(values: tuple[str, ...]) -> tuple[float, ...]:
    """Tonnages as numbers (non-numeric values dropped)."""
    numbers: list[float] = []
    for value in values:
        try:
            numbers.append(float(value.replace(",", "")))
        except ValueError:
            continue
    return tuple(n for n in numbers if n > 0)


def _tonnage_gap(
    query: tuple[float, ...], candidate: tuple[float, ...]
) -> tuple[float, float, float]:
    """The closest pair of tonnages and their relative difference."""
    best = (float("inf"), 0.0, 0.0)
    for q in query:
        for c in candidate:
            gap = abs(q - c) / max(q, c)
            if gap < best[0]:
                best = (gap, q, c)
    return best


def tonnage_match(query: Prepared, candidate: Prepared) -> Observation | None:
    """The vessels' tonnages agree within TONNAGE_TOLERANCE."""
    qv, cv = query.tonnage, candidate.tonnage
    if not qv or not cv:
        return None
    gap, q, c = _tonnage_gap(qv, cv)
    if gap > TONNAGE_TOLERANCE:
        return None
    return Observation(1.0, f"tonnage {q:g} agrees with the listed {c:g}", f"{q:g}", f"{c:g}")


def tonnage_mismatch(query: Prepared, candidate: Prepared) -> Observation | None:
    """The vessels' tonnages differ by more than TONNAGE_CONTRADICTION."""
    qv, cv = query.tonnage, candidate.tonnage
    if not qv or not cv:
        return None
    gap, q, c = _tonnage_gap(qv, cv)
    if gap <= TONNAGE_CONTRADICTION:
        return None
    return Observation(1.0, f"tonnage {q:g} differs from the listed {c:g}", f"{q:g}", f"{c:g}")
