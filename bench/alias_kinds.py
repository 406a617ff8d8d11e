"""What kind of variant an alias is of a party's other names, by a rule independent of sever's
matcher: could any name matcher find it, or is it another name altogether?

Both names are folded to ASCII words (ICU ``Any-Latin``), and the words that name nothing are
left out: legal forms (rigour's list of organisation types, taken out of the name as written),
titles (rigour's person prefixes), a few articles and prepositions (STOP_WORDS) and single
letters, except in the acronym test. Two words *agree* when they are the same, or when both have
four letters or more and are near in spelling (rapidfuzz ratio >= NEAR_RATIO), or when their
consonants agree (the vowels, h, w and y and doubled letters left out: Mohammed / Muhammad,
Husayn / Hussein, and an Arabic-script name read without its vowels, mhmd). The alias is then
given the first kind that holds against any of the party's other names, in this order:

matchable (a spelling habit a name matcher should handle):
- ``same-words``: the same words, in any order, once legal forms, titles and punctuation are
  set aside;
- ``joined-split``: a different number of words, but the same letters, or the same consonants,
  once the spaces are taken out (SilverStar / Silver Star, مطيع الله / MATIULLAH);
- ``acronym``: one name, its letters run together, is the initials of the other's words (with or
  without the stop words and legal forms): ISYF / International Sikh Youth Federation, E.C.A.;
- ``spelling``: every word of each name agrees with a word of the other (a transliteration or
  a typo, in any order);
- ``partial``: every word of one name agrees with a word of the other, which has more (a middle
  name left out, a company's descriptive word added), and for a person two words or more agree
  (a given name alone names no one);

not matchable (another name, not a spelling of this one):
- ``different-words``: the names share some word, but each has a word the other lacks (a
  different given name, SIMFEROPOL SIZO / SIMFEROPOL REMAND PRISON), or a person's one word;
- ``unrelated``: no word in common at all (a former name, another trading name, a vessel's
  earlier name, a nickname, a translation).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

import icu
from rapidfuzz import fuzz
from rigour.names import remove_org_types, remove_person_prefixes

MATCHABLE = ("same-words", "joined-split", "acronym", "spelling", "partial")
NAMESAKE = ("same-words", "joined-split", "spelling")
"""Kinds that make another listed party a namesake when its name is this kind of the query: the
same name, or the same name spelled otherwise (STROYTRANSGAZ LLC and OAO STROYTRANSGAZ; KOREA
DAESONG and KOREA TAESONG TRADING). No screening by name can tell such parties apart."""
NOT_MATCHABLE = ("different-words", "unrelated")
KINDS = (*MATCHABLE, *NOT_MATCHABLE)

STOP_WORDS = frozenset(
    ("of", "the", "and", "for", "in", "on", "at", "de", "del", "la", "le", "les", "des", "du",
     "y", "e", "et", "al", "el", "der", "die", "und", "i", "a")
)  # fmt: skip
"""Articles and prepositions: a name agreeing only on these shares no word."""
LEGAL_WORDS = frozenset(
    ("private", "pvt", "ltd", "limited", "company", "co", "corporation", "corp")
)
"""Words of legal forms that rigour's list leaves behind once it has taken out the rest (PRIVATE
LIMITED loses LIMITED only)."""
NEAR_RATIO = 80
"""rapidfuzz ratio at or above which two words of four letters or more are one word misspelled
(5 less when they begin with the same letter: Chaivorasilp, Chaiworasin)."""
_ANY_LATIN = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")
_SKELETON_DROPS = str.maketrans("", "", "aeiouyhw")


@lru_cache(maxsize=1 << 16)
def _latin(name: str) -> str:
    return _ANY_LATIN.transliterate(unicodedata.normalize("NFKC", name))


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text).split()


def all_words(name: str) -> list[str]:
    """Every word of a name in ASCII, dots taken out of dotted letters (E.C.A. → eca)."""
    text = re.sub(r"\b(?:[^\W\d_]\.\s?){2,}", lambda m: m.group(0).replace(".", "") + " ", name)
    return _words(_latin(text))


def words(name: str, organisation: bool) -> list[str]:
    """The words of a name that name something (see the module's docstring)."""
    text = remove_org_types(name, replacement=" ") if organisation else name
    text = remove_person_prefixes(text)
    dropped = STOP_WORDS | LEGAL_WORDS if organisation else STOP_WORDS
    kept = [w for w in all_words(text) if len(w) > 1 and w not in dropped]
    return kept or [w for w in all_words(name) if len(w) > 1]


def _skeleton(word: str) -> str:
    bare = word.translate(_SKELETON_DROPS)
    return "".join(ch for i, ch in enumerate(bare) if i == 0 or bare[i - 1] != ch)


@lru_cache(maxsize=1 << 18)
def agree(a: str, b: str) -> bool:
    """Two words are one word, spelled alike or nearly (see the module's docstring)."""
    if a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))):
        return True
    if min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= NEAR_RATIO - 5 * (a[0] == b[0]):
        return True
    return same_skeleton(a, b)


def same_skeleton(a: str, b: str) -> bool:
    """The same first letter and the same consonants, in order (Waleed, Walid; mhmd, Mohammed)."""
    skeleton = _skeleton(a)
    return len(skeleton) >= 2 and skeleton == _skeleton(b) and a[0] == b[0]


def _covered(these: list[str], others: list[str]) -> int:
    """How many of ``these`` words agree with some word of ``others``, or with two of them
    written together (Mofid Raahbar, Mofidrahbar)."""
    joined = [a + b for a, b in pairwise(others)]
    return sum(1 for w in these if any(agree(w, o) for o in [*others, *joined]))


def _initials(name: str, organisation: bool) -> set[str]:
    """The initials of a name's words: of all of them, and without its stop words and legal
    forms (three letters or more)."""
    out = set()
    for kept in (all_words(name), words(name, organisation)):
        letters = "".join(w[0] for w in kept)
        if len(kept) >= 3 or len(letters) >= 3:
            out.add(letters)
    return {i for i in out if len(i) >= 3}


def _acronym(a: str, b: str, organisation: bool) -> bool:
    """One name, its letters run together or one of its words, is the initials of the other's
    words (three letters or more): ISYF, E.C.A. S.A., KGI International."""
    for short, full in ((a, b), (b, a)):
        initials = _initials(full, organisation)
        bare = words(short, organisation)
        spelled = {"".join(bare), "".join(all_words(short)), *bare}
        if initials & {s for s in spelled if len(s) >= 3}:
            return True
    return False


def pair_kind(query: str, other: str, organisation: bool) -> str:
    """The kind of variant one name is of another (see the module's docstring)."""
    q, o = words(query, organisation), words(other, organisation)
    if not q or not o:
        return "unrelated"
    if sorted(q) == sorted(o):
        return "same-words"
    joined_q, joined_o = "".join(q), "".join(o)
    if len(q) != len(o) and (joined_q == joined_o or same_skeleton(joined_q, joined_o)):
        return "joined-split"
    if _acronym(query, other, organisation):
        return "acronym"
    q_in, o_in = _covered(q, o), _covered(o, q)
    if q_in == len(q) and o_in == len(o):
        return "spelling"
    if q_in == len(q) or o_in == len(o):
        shared = min(q_in, o_in)
        if organisation or shared >= 2:
            return "partial"
        return "different-words"
    if q_in or o_in:
        return "different-words"
    return "unrelated"


def alias_kind(query: str, others: list[str], organisation: bool) -> str:
    """The most matchable kind the alias is of any of the party's other names."""
    found = {pair_kind(query, other, organisation) for other in others}
    return next((kind for kind in KINDS if kind in found), "unrelated")
