"""The documented name limits (``sever.entities.limits``) applied to one list entry at load.

Screening's work grows with the length of a name and with the number of names an entity carries,
so an entry past either limit is refused at load, with the file, row, entity and property named,
rather than making every later screening slow or failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from followthemoney import model
from followthemoney.types import registry

from sever.entities.limits import MAX_NAME_CHARS, MAX_NAMES_PER_ENTITY
from sever.errors import InputError


def name_properties(schema_name: str) -> frozenset[str]:
    """The properties of a schema that hold names (name, alias, weakAlias, previousName…)."""
    schema = model.get(schema_name)
    if schema is None:
        return frozenset()
    return frozenset(p.name for p in schema.properties.values() if p.type == registry.name)


def check_names(
    entity_id: str,
    schema: str,
    properties: Mapping[str, Iterable[object]],
    path: str | Path | None,
    row: int | None = None,
) -> None:
    """Refuse an entity whose names go past the documented limits, naming the entry and the
    property. Reads plain values, so it can run before an entity is built."""
    count = 0
    for prop in sorted(name_properties(schema) & set(properties)):
        for value in properties[prop]:
            count += 1
            if isinstance(value, str) and len(value) > MAX_NAME_CHARS:
                raise InputError(
                    path,
                    f"entity {entity_id[:100]!r} has a {prop} of {len(value):,} characters; the "
                    f"limit is {MAX_NAME_CHARS:,} (MAX_NAME_CHARS)",
                    row=row,
                    field=prop,
                )
    if count > MAX_NAMES_PER_ENTITY:
        raise InputError(
            path,
            f"entity {entity_id[:100]!r} has {count:,} names; the limit is "
            f"{MAX_NAMES_PER_ENTITY:,} per entity (MAX_NAMES_PER_ENTITY)",
            row=row,
            field="name",
        )
