"""Blocking keys: which listed entities a query is compared with at all.

A query and a listed entity are compared only when they share a key. The matcher's name keys
(distinctive words, Korean syllables, org-name initials) are joined by affix keys: the first and
last letters of each long word, so that a name with one mistyped letter (OBORONLOGISTIKO for
OBORONLOGISTIKA) still finds its entity. Keys are weighted by rarity, and candidates are ranked
by how much of their best name the query covers, so the matcher scores the likeliest first.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from sever.screen.features.names import name_keys
from sever.screen.match import Prepared

AFFIX_LETTERS = 4
"""Letters in a word's prefix and suffix keys."""

AFFIX_MIN_WORD = 6
"""Only words at least this long get affix keys (shorter affixes are too common to tell)."""

_WORD_KEY = "t:"


def affix_keys(keys: set[str]) -> set[str]:
    """Prefix and suffix keys of the long words among name keys."""
    found = set()
    for key in keys:
        if key.startswith(_WORD_KEY) and len(key) - len(_WORD_KEY) >= AFFIX_MIN_WORD:
            word = key[len(_WORD_KEY) :]
            found.add(f"pre:{word[:AFFIX_LETTERS]}")
            found.add(f"suf:{word[-AFFIX_LETTERS:]}")
    return found


def blocking_keys(prepared: Prepared) -> set[str]:
    """Every name key of an entity (or query) with the affix keys of its words."""
    keys = name_keys(prepared)
    return keys | affix_keys(keys)


def keys_per_name(prepared: Prepared) -> tuple[frozenset[str], ...]:
    """The blocking keys of each of an entity's names on its own (for ranking candidates)."""
    found = []
    for name in prepared.names:
        keys = name_keys(SimpleNamespace(names=(name,), is_person=prepared.is_person))
        found.append(frozenset(keys | affix_keys(keys)))
    return tuple(found)


def rarity(rows: int, total: int) -> float:
    """A key's weight: inverse document frequency (a key held by one entity weighs most)."""
    return math.log(max(total, 1) / max(rows, 1)) + 1.0
