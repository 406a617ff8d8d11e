"""Documented limits on what one entity may carry, shared by list loading and screening.

The longest name on the real lists (OFAC SDN 2024-05-03 and UN 2026-02-27) is 324 characters (an
alias of Hay'at Tahrir al-Sham listing its other names) and the most names on one entry is 28. The
limits leave wide room above that and keep the work per name and per entity bounded: a list entry
beyond them is refused at load with the entry named, and a query beyond them gets a clear error.
"""

from __future__ import annotations

MAX_NAME_CHARS = 500
"""Longest name (name, alias, weak alias, previous name) accepted, in characters."""

MAX_NAMES_PER_ENTITY = 200
"""Most names (all name properties together) one entity may carry."""

MAX_VALUES_PER_PROPERTY = 1_000
"""Most values one property of one entity may carry in a user's watchlist (addresses, notes…).
FollowTheMoney checks each new value against the ones already held, so the work to build an entity
grows with the square of this number; the cap keeps a hostile file from stalling a load."""
