"""Spelling keys of the listed names' words, worked out once when the screening index is built.

Comparing two names asks, for each word, its sound key, its Mandarin syllables and (for company
names) its readings as Korean syllables (see :mod:`sever.screen.features.spelling` and
:mod:`sever.screen.features.companies`). Working these out costs tens of microseconds a word, and
a query meets hundreds of listed words it has never met before: done at query time, that work
nearly doubled the CPU time of a query (the caches never warm up: 16,000 listed parties hold
83,000 words and runs of words). So the index works them
out for every word of every listed name (and every run of two or three words, which the matcher
tries joined: Silver Star / SilverStar), saves them with the index, and hands them here when it is
built or loaded. A query's own words, which the table cannot know, are worked out as before.

The table only ever holds what the functions would compute, so an index built by other code is
never read (the index's fingerprint covers this module) and two indexes in one process share it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WordKeys:
    """What the matcher asks of one word, worked out in advance."""

    sound: str | None
    """Its sound key (see :func:`sever.screen.features.spelling.sound_key`)."""
    mandarin: str | None
    """Its Mandarin syllables (see :func:`sever.screen.features.spelling.mandarin_key`)."""
    korean: tuple[str, ...] | None = None
    """Its readings as Korean syllables, written out, for words of company names (see
    :func:`sever.screen.features.companies.korean_spellings`); None when not worked out."""


KNOWN: dict[str, WordKeys] = {}
"""The keys of every word of the indexes built or loaded in this process."""


def remember(table: dict[str, WordKeys]) -> None:
    """Make the keys of an index's words known to the matcher."""
    KNOWN.update(table)
