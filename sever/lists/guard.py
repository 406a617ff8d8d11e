"""What a list must pass before it replaces the one in service.

A compliance tool's worst failure is a silent one: screening against less than the analyst
believes. A cut download, an empty export or a watchlist loaded under an official list's name would
each leave the store serving a shorter list, and every later "no hit" would be wrong. So a load is
refused, with the reason, and the snapshot in service is left as it was, when:

- the dataset name is not a slug, or names an official list or a scope (``check_dataset_name``);
- the files show they are not a whole published list: no end-of-file marker, no publication date,
  no records (``check_complete``, from what each parser noted in ``ParsedList.incomplete``);
- an entity carries a name longer than ``MAX_NAME_CHARS`` or more than ``MAX_NAMES_PER_ENTITY``
  names (``check_names``): screening's work grows with both;
- the load would remove more than ``MAX_SHRINK_PERCENT`` of the entities of the snapshot in service
  (``check_shrink``), unless the user says the list really shrank (``--allow-shrink``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sever.entities import DEFAULT_SCOPE, DPRK_SCOPE, Store
from sever.errors import InputError, SeverError
from sever.lists.entity_limits import check_names
from sever.lists.sources import SOURCES, ParsedList

DATASET_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A dataset name: a lower-case letter, then up to 63 lower-case letters, digits or ``_``."""

RESERVED_SCOPES = (DEFAULT_SCOPE, DPRK_SCOPE, "all")
"""Names that select several datasets at once (``/match/default``, ``--scope dprk``)."""

MAX_SHRINK_PERCENT = 5.0
"""Largest share (in %) of the entities in service that one load may remove without
``--allow-shrink``. Official lists change by a few entries a day; losing more means a cut or wrong
file far more often than a real delisting."""


class ShrinkError(SeverError):
    """A load would remove more of the list in service than allowed; nothing was stored."""


def official_datasets() -> list[str]:
    """The datasets official sources load into: ``us_ofac_sdn``, ``un_sc_sanctions``…"""
    return sorted({source.dataset for source in SOURCES.values() if source.dataset})


def check_dataset_name(name: str) -> str:
    """The name of a user's watchlist, or a SeverError saying which rule it breaks."""
    shown = repr(name) if len(name) <= 70 else f"{name[:60]!r}… ({len(name):,} characters)"
    if not DATASET_NAME.fullmatch(name):
        raise SeverError(
            f"--dataset {shown} is not a valid dataset name: use a lower-case letter, then up to "
            "63 lower-case letters, digits or underscores (e.g. bank_watchlist)"
        )
    if name in RESERVED_SCOPES:
        raise SeverError(
            f"--dataset {shown} is a reserved scope name ({', '.join(RESERVED_SCOPES)}); "
            "choose another dataset name"
        )
    if name in official_datasets():
        raise SeverError(
            f"--dataset {shown} is reserved for its official source "
            f"({', '.join(official_datasets())} are loaded only from the official files); "
            "choose another dataset name"
        )
    return name


def check_complete(parsed: ParsedList) -> None:
    """Refuse files the parser found not to be a whole published list."""
    if not parsed.incomplete:
        return
    first = parsed.incomplete[0]
    more = len(parsed.incomplete) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    raise InputError(
        first.path,
        f"{first.message}; refusing to replace {parsed.dataset} with a partial list{suffix}",
        row=first.row,
        field=first.field,
        offset=first.offset,
    )


def check_entity_limits(parsed: ParsedList) -> None:
    """Every entity of a parsed list within the name limits (official lists are far inside)."""
    where = str(parsed.files[0]) if len(parsed.files) == 1 else ", ".join(map(str, parsed.files))
    for entity in parsed.entities:
        check_names(entity.id or "?", entity.schema.name, entity.properties, where or None)


@dataclass(frozen=True)
class Shrink:
    """How much of the snapshot in service a load would remove."""

    dataset: str
    in_service: int
    removed: int

    @property
    def percent(self) -> float:
        return 100.0 * self.removed / self.in_service if self.in_service else 0.0


def shrinkage(store: Store, parsed: ParsedList) -> Shrink | None:
    """Entities of the dataset's current snapshot that the parsed list no longer holds."""
    current = store.current(parsed.dataset)
    if current is None:
        return None
    rows = store.sql("SELECT entity_id FROM entities WHERE snapshot_id = ?", [current.snapshot_id])
    in_service = {entity_id for (entity_id,) in rows}
    if not in_service:
        return None
    kept = in_service.intersection(entity.id for entity in parsed.entities)
    return Shrink(parsed.dataset, len(in_service), len(in_service) - len(kept))


def check_shrink(
    store: Store,
    parsed_sets: Sequence[ParsedList],
    max_percent: float = MAX_SHRINK_PERCENT,
    allow: bool = False,
) -> None:
    """Refuse a load that would remove more than ``max_percent`` of a list in service."""
    if allow:
        return
    for parsed in parsed_sets:
        shrink = shrinkage(store, parsed)
        if shrink is None or shrink.percent <= max_percent:
            continue
        raise ShrinkError(
            f"{shrink.dataset}: this load would remove {shrink.removed:,} of "
            f"{shrink.in_service:,} entities ({shrink.percent:.1f} %) from the list in service, "
            f"more than the {max_percent:g} % allowed; the files look cut short or are not the "
            "whole list. Nothing was changed. If the list really shrank, load it again with "
            "--allow-shrink"
        )


def check_max_shrink(percent: float) -> float:
    """The ``--max-shrink`` value, or an error when it is not a share between 0 and 100."""
    if not 0.0 <= percent <= 100.0:
        raise SeverError(f"--max-shrink must be a percentage between 0 and 100, not {percent:g}")
    return percent
