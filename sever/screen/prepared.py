"""An entity made ready for matching once: names normalised, keys, dates, countries, identifiers.

The index prepares every listed entity when it is built and keeps the result; a query is prepared
once per request. Scoring a pair then only compares precomputed values.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from followthemoney import EntityProxy, model

from sever.entities.limits import MAX_NAME_CHARS, MAX_NAMES_PER_ENTITY
from sever.screen.features.countries import (
    COUNTRY_PROPS,
    FLAG_PROPS,
    TONNAGE_PROPS,
    prepare_tonnage,
    values_of,
)
from sever.screen.features.dates import DATE_PROPS, prepare_dates
from sever.screen.features.identifiers import Identifiers, prepare_identifiers
from sever.screen.features.names import (
    PreparedName,
    entity_names,
    exact_forms,
    prepare_name,
    within_limits,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the matcher compares, computed once per entity."""

    id: str | None
    schema: str
    caption: str
    is_person: bool
    names: tuple[PreparedName, ...]
    forms: frozenset[str]
    """Each name's words in order, and with the family name moved to the other end."""
    common: bool
    """At least one of its names is made only of very common given and family names."""
    common_forms: frozenset[str]
    """The forms of its common names: an exact agreement on one of them is weak evidence."""
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    genders: tuple[str, ...]
    flags: tuple[str, ...]
    tonnage: tuple[float, ...]
    ids: Identifiers


def prepare(entity: EntityProxy) -> Prepared:
    """Precompute what the matcher needs from one entity (a query or a listed entity). Names
    beyond the limits are left out of matching and reported (see :func:`matched_names`)."""
    names = tuple(form for name in matched_names(entity) for form in prepare_name(name))
    return Prepared(
        id=entity.id,
        schema=entity.schema.name,
        caption=entity.caption,
        is_person=entity.schema.is_a("Person"),
        names=names,
        forms=frozenset(f for n in names for f in exact_forms(n)),
        common=any(n.common for n in names),
        common_forms=frozenset(f for n in names if n.common for f in exact_forms(n)),
        birth_dates=prepare_dates(list(values_of(entity, DATE_PROPS))),
        countries=values_of(entity, COUNTRY_PROPS),
        genders=values_of(entity, ("gender",)),
        flags=values_of(entity, FLAG_PROPS),
        tonnage=prepare_tonnage(values_of(entity, TONNAGE_PROPS)),
        ids=prepare_identifiers(entity),
    )


def matched_names(entity: EntityProxy) -> list[str]:
    """The screened names of an entity within the documented limits. A name longer than
    MAX_NAME_CHARS, or past the first MAX_NAMES_PER_ENTITY, is left out and reported once, as a
    warning naming the entity, when the entity is prepared (for a listed entity: when the
    screening index is built). List loading refuses such entries; one stored before that check
    must not stop the index from building."""
    kept, left_out = within_limits(entity_names(entity))
    if left_out:
        longest = max(len(name) for name in left_out)
        log.warning(
            "entity %s: %d name(s) left out of matching (names are limited to %d characters and "
            "%d per entity; the longest left out has %d characters)",
            entity.id,
            len(left_out),
            MAX_NAME_CHARS,
            MAX_NAMES_PER_ENTITY,
            longest,
        )
    return kept


@lru_cache(maxsize=1024)
def schemata_matchable(query: str, candidate: str) -> bool:
    """True when an entity of the query's schema can be the same thing as one of the candidate's
    (a Person can be a LegalEntity, never a Vessel)."""
    return model.get(query).can_match(model.get(candidate))  # type: ignore[union-attr]
