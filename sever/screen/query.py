"""A screening query: one party described as an FtM entity, checked before it reaches the matcher.

The CLI, the batch reader and the HTTP API all build their queries here, so that an empty name, an
unknown schema or an oversized value gets the same clear message everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.schema import Schema

from sever.entities.limits import MAX_NAME_CHARS, MAX_NAMES_PER_ENTITY
from sever.errors import SeverError

MAX_VALUE_CHARS = 1_000
"""Longest value accepted in one property of a query (longer is a mistake or an attack)."""

MAX_VALUES = 50
"""Most values accepted for one property of a query."""

_MATCHABLE_TYPES = frozenset({"name", "identifier"})
"""Property types a query needs at least one value of: without a name or an identifier, there
is nothing to look candidates up by."""


class QueryError(SeverError):
    """A query that cannot be screened, with the part of it that is wrong."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def query_schemata() -> list[str]:
    """Names of the schemata a query may use: the matchable parties and objects."""
    return sorted(s.name for s in model.schemata.values() if s.matchable and s.is_a("Thing"))


def query_schema(name: str, where: str = "schema") -> Schema:
    """The FtM schema of a query, or a QueryError naming the ones that can be used."""
    schema = model.get(name.strip()) if isinstance(name, str) else None
    if schema is None or not schema.is_a("Thing"):
        choices = ", ".join(query_schemata())
        raise QueryError(f"unknown schema {name!r}; use one of: {choices}", where)
    return schema


def _values(raw: Any, where: str, longest: int = MAX_VALUE_CHARS, what: str = "value") -> list[str]:
    """The values given for one property, as strings, each at most ``longest`` characters."""
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    if len(items) > MAX_VALUES:
        raise QueryError(f"{len(items)} values given; at most {MAX_VALUES} are accepted", where)
    values = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise QueryError(f"values must be strings, not {type(item).__name__}", where)
        text = str(item)
        if len(text) > longest:
            raise QueryError(
                f"{what} of {len(text):,} characters; at most {longest:,} are accepted", where
            )
        values.append(text)
    return values


def check_name(text: str, where: str) -> str:
    """A name to screen, or a QueryError when it is empty, has no letter or digit (only
    punctuation, marks or invisible characters: nothing to match on, so screening it would say
    "no hit" about nothing), or is longer than MAX_NAME_CHARS (the limit list entries are held
    to: no real name comes near it, and the matcher's work per name is bounded by it)."""
    if not text.strip():
        raise QueryError("empty name", where)
    if not any(ch.isalnum() for ch in text):
        shown = ascii(text[:40]) + ("…" if len(text) > 40 else "")
        raise QueryError(f"name {shown} has no letter or digit to match on", where)
    if len(text) > MAX_NAME_CHARS:
        raise QueryError(
            f"name of {len(text):,} characters; at most {MAX_NAME_CHARS:,} are accepted", where
        )
    return text


def make_query(
    schema: str,
    properties: Mapping[str, Any],
    *,
    query_id: str | None = None,
    where: str = "query",
    cleaned: bool = False,
) -> EntityProxy:
    """An FtM entity for a query, validated: known schema and properties, a name or an
    identifier to match on, every name with something to match on and at most MAX_NAME_CHARS
    long, at most MAX_NAMES_PER_ENTITY names, no oversized values. Values that are not valid for
    their property (a birth date that is no date) are left out, as yente does, unless
    ``cleaned`` says the caller has cleaned them already."""
    entity = model.make_entity(query_schema(schema, f"{where}.schema"))
    entity.id = query_id or "query"
    for prop_name, raw in properties.items():
        at = f"{where}.properties.{prop_name}"
        prop = entity.schema.get(prop_name)
        if prop is None:
            raise QueryError(f"{entity.schema.name} has no property {prop_name!r}", at)
        if prop.type.name == "name":
            values = [check_name(v, at) for v in _values(raw, at, MAX_NAME_CHARS, "name")]
        else:
            values = _values(raw, at)
        for value in values:
            entity.add(prop, value, cleaned=cleaned, quiet=True, fuzzy=True)
    _check_name_count(entity, where)
    if not any(prop.type.name in _MATCHABLE_TYPES for prop, _ in entity.itervalues()):
        raise QueryError("a query needs a name or an identifier to match on", where)
    return entity


def _check_name_count(entity: EntityProxy, where: str) -> None:
    """A QueryError when the query carries more than MAX_NAMES_PER_ENTITY names in all."""
    count = sum(1 for prop, _ in entity.itervalues() if prop.type.name == "name")
    if count > MAX_NAMES_PER_ENTITY:
        raise QueryError(
            f"{count:,} names given; at most {MAX_NAMES_PER_ENTITY:,} are accepted", where
        )
