"""Names of people and things, normalised across scripts and compared without regard to order.

Every name an entity carries (``name``, ``alias``, ``previousName``, ``abbreviation``) becomes
one or more :class:`PreparedName`: the words in plain ASCII with titles removed, and, where the
words can be read as Korean, their syllable readings (see :mod:`sever.screen.features.korean`).
A Hangul name also yields its McCune–Reischauer and Revised Romanization spellings; a
Chinese-character name its
Korean reading and its Pinyin.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice, pairwise, product
from typing import TYPE_CHECKING

import icu
from followthemoney import EntityProxy
from rigour.names import remove_person_prefixes

from sever.entities.limits import MAX_NAME_CHARS, MAX_NAMES_PER_ENTITY
from sever.screen.features import Observation, arabic, korean, spelling
from sever.screen.features.common_names import COMMON_WORDS, common_name_words, name_words
from sever.screen.features.companies import acronym_keys, is_generic, key_words
from sever.screen.features.korean import SyllableKey
from sever.screen.features.tokens import (
    Alignment,
    align_tokens,
    is_patronymic,
    pinyin_similarity,
    syllable_similarity,
)

if TYPE_CHECKING:
    from sever.screen.prepared import Prepared

NAME_PROPS = ("name", "alias", "previousName", "abbreviation", "weakAlias")
"""Properties whose values are screened as names. OFAC's CSV gives every a.k.a. as a weak alias
(KOMID among them), so weak aliases are screened too — except one-word weak aliases of people
(nicknames), which would flood the results."""

TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "dame", "lord", "general", "gen",
    "marshal", "comrade", "chairman", "president", "premier", "colonel", "lieutenant",
    "major", "captain", "admiral", "commander", "vice", "deputy", "minister",
    "director", "secretary", "sheikh", "shaikh", "shaykh", "haji", "hajji", "alhaji", "engineer",
    "eng", "engr", "mullah", "mulla", "mawlawi", "maulvi", "maulana", "mawlana", "qari",
    "ayatollah", "hojatoleslam", "imam", "emir", "amir", "brigadier", "brig", "col", "capt",
    "lt", "maj", "sgt", "rev", "reverend", "father", "bishop", "his", "excellency", "hon",
    "honourable", "honorable", "prince", "princess", "king", "queen", "sultan",
))  # fmt: skip
"""Titles and honorifics dropped from people's names before comparison (rigour's person prefixes
are dropped as well)."""

GIVEN_TITLES = frozenset(("seyed", "seyyed", "sayyid", "sayed", "syed", "sayid", "mufti", "hajj"))
"""Honorifics the lists write among the given names (ATABAK, Seyyed Mohammad; WALI, Mufti Noor):
no first given name."""

KOREAN_HONORIFICS = ("동지", "동무", "님", "씨", "위원장", "장군", "원수", "동지께서")
"""Korean honorifics written after a name (김정은 동지, 김정은 원수님)."""

MISSING_PART_FLOOR = 0.8
"""Credit for a name whose words are all found in the other, before counting how much of the other
was matched: Kiselev Sergeyevich against Kiselev, Mikhail Sergeyevich scores about 0.95."""

MIN_MARKED_WORD = 4
"""Words this long are also marked by their first and last two letters (see word_marks)."""

MIN_LENIENT_LETTERS = 8
"""A left-out name part is forgiven only when at least two words with this many letters between
them agree: short syllabic names (Yuan Yun / Yuan Yun Xia, Lin Wei / Wei Lin Na) are other names
without the part."""

FAMILY_SHARE = 0.35
"""Share of the Korean name score carried by the family name; the given name carries the rest.
Few family names exist (one Korean in five is a Kim), so the given name must do most of the work."""

INITIALS_ONLY_CAP = 0.8
"""Most a word-by-word agreement can be worth when either name is one full word and initials
(Ahmed, A): the initial stands for any of thousands of family names, so the name alone reaches
review, not a match."""

COMMON_NAME_FULL_WORDS = 2
"""A name of common words only counts fully against a match up to this many words (Mohammed
Ali); with more (Mohammed Ali Hassan) the combination is rarer and the penalty shrinks in
proportion."""

MAX_KOREAN_SYLLABLES = 20
"""A name is read as Korean only in readings of at most this many syllables. Korean names have two
to five; the longest reading of a listed name is 13 syllables (DEL ROSARIO PUENTE, Ramon Antonio,
which is not Korean at all). Longer readings come from long foreign names or from junk, and
comparing two of them syllable by syllable costs the product of their lengths."""

_SPLIT = re.compile(r"[\s,;/()\[\]\"“”.]+")
_HAN_LATIN = icu.Transliterator.createInstance("Han-Latin; Latin-ASCII; Lower")
_TRADITIONAL = icu.Transliterator.createInstance("Hans-Hant")
_DOTTED_ACRONYM = re.compile(r"\b(?:[^\W\d_]\.\s?){3,}")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True, slots=True)
class KoreanSplit:
    """One way to read a name as a Korean family name plus given name."""

    family: tuple[tuple[SyllableKey, ...], ...]
    given: tuple[tuple[SyllableKey, ...], ...]


@dataclass(frozen=True, slots=True)
class PreparedName:
    """One name of an entity, ready to compare."""

    original: str
    """The name as written in the list or the query."""
    tokens: tuple[str, ...]
    """Its words in lower-case ASCII, titles removed, hyphenated parts split (Jong-un: jong, un)."""
    script: str
    """latin, hangul, han (read as Korean), pinyin (Chinese characters read in Mandarin) or
    cyrillic: the script the name was written in and how it was read."""
    korean: tuple[KoreanSplit, ...] = ()
    """Its readings as a Korean name; empty when a word cannot be Korean."""
    hangul: str | None = None
    """The Hangul the name was written in, or read from Chinese characters."""
    family_first: bool = False
    """The family name is known to come first: a comma follows it (KIM, Jong Un), or the name was
    written in Hangul or Chinese characters."""
    marks: frozenset[str] = frozenset()
    """Cheap marks of its words (see :func:`word_marks`): two names without a mark in common
    cannot agree word by word, and are not compared so."""
    common: bool = False
    """Made only of very common given and family names (see
    :func:`sever.screen.features.common_names.is_common_name`)."""
    initials_only: bool = False
    """One full word and initials only (Ahmed, A; J. Smith)."""
    family_words: int = 0
    """How many of its words come before the comma of a name written family name first
    (GARCIA LOPEZ, Juan Carlos: 2); 0 without a comma."""
    common_words: int = 0
    """How many words a common name has, a Korean or Chinese given name counting as one (see
    :func:`sever.screen.features.common_names.common_name_words`); 0 when not common."""


def word_marks(tokens: tuple[str, ...]) -> frozenset[str]:
    """Each word, the first two and the last two letters of each word of four letters or more (one
    slip of the keyboard leaves one of them intact), and each word's Korean reading (Chinyong and
    Jinyong share jin-yong)."""
    marks: set[str] = set(tokens)
    for token in tokens:
        if len(token) >= MIN_MARKED_WORD:
            marks.add("^" + token[:2])
            marks.add(token[-2:] + "$")
        marks.update(spelling_keys(token))
        for reading in korean.read_romanised(token)[:1]:
            marks.add("=" + syllables_text(reading))
    return frozenset(marks)


@lru_cache(maxsize=1 << 17)
def spelling_keys(token: str) -> frozenset[str]:
    """Keys a word shares with its other spellings: its consonants (Husayn, Hussein, حسين) and
    its Mandarin syllables in Pinyin and Wade-Giles alike (Deng, Teng). Kept per word: a word's
    keys are asked for by its marks and by its index keys."""
    keys = set()
    consonants = spelling.consonants_of(token)
    if consonants:
        keys.add("~" + consonants)
    elif len(token) == 3 and token.isalpha() and not set(token) & set("aeiou"):
        keys.add("~" + token)  # three consonants read from Arabic script (حسن, hsn: Hasan)
    if token[:2] in spelling.ARTICLES and len(token) > 5:
        # the article read from Arabic script is joined to the name (الشامي, alshamy: al-Shami)
        rest = spelling.consonants_of(token[2:])
        if rest:
            keys.add("~" + rest)
    if len(token) >= spelling.MIN_MANDARIN_WORD:
        mandarin = spelling.mandarin_key(token)
        if mandarin and mandarin != token:
            keys.add("m:" + mandarin)
    return frozenset(keys)


def _named(
    original: str,
    tokens: tuple[str, ...],
    script: str,
    splits: tuple[KoreanSplit, ...] = (),
    hangul: str | None = None,
    family_first: bool = False,
    family_words: int = 0,
) -> PreparedName:
    """A PreparedName with its word marks and whether it is a common name."""
    splits = within_korean_length(splits)
    common_words = common_name_words(tokens, splits)
    return PreparedName(
        original,
        tokens,
        script,
        splits,
        hangul,
        family_first,
        word_marks(tokens),
        common_words > 0,
        one_word_and_initials(tokens),
        family_words,
        common_words,
    )


def within_korean_length(splits: tuple[KoreanSplit, ...]) -> tuple[KoreanSplit, ...]:
    """The Korean readings of a name that are no longer than MAX_KOREAN_SYLLABLES syllables; a
    name left with none is not read as Korean."""
    kept = []
    for split in splits:
        room = MAX_KOREAN_SYLLABLES - min((len(f) for f in split.family), default=0)
        given = tuple(g for g in split.given if len(g) <= room)
        if given:
            kept.append(KoreanSplit(split.family, given))
    return tuple(kept)


def one_word_and_initials(tokens: tuple[str, ...]) -> bool:
    """True for a name of one full word and initials only (Ahmed, A; J. Smith)."""
    full = sum(1 for t in tokens if len(t) > 1)
    return full == 1 and len(tokens) > 1


def _strip_titles(words: list[str], key: Callable[[str], str] = str) -> list[str]:
    """Drop the titles and honorifics that lead a name (General, Comrade, Mr): only leading ones,
    because many titles are also names (Jose King, Ahmad Sultan, Hana Amir), and dropping them
    anywhere made 'Jose King' the same name as 'Comrade Jose'; and only while two words are
    left, because a title before one word is as likely a given name (Sultan Amin, Amir
    Al-Khatib)."""
    start = 0
    while start < len(words) - 2 and key(words[start]) in TITLES and _written_latin(words[start]):
        start += 1
    return words[start:]


def _written_latin(word: str) -> bool:
    """A word written in Latin letters: only such a word can be one of the TITLES. Read from
    another script a name can spell one (عمر, Umar, read mr)."""
    return all(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in word if ch.isalpha())


def _latin_words(text: str) -> list[str]:
    """The words of a Latin-script name as written (case, hyphens and apostrophes kept); an
    acronym written with dots is one word (K.O.M.I.D. → KOMID); & is and (I&S, I and S)."""
    text = text.replace("&", " and ")
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", "").replace(" ", "") + " ", text)
    text = remove_person_prefixes(text)
    return [w for w in _SPLIT.split(text) if w]


@lru_cache(maxsize=65536)
def ascii_word(word: str) -> str:
    """One word in lower-case ASCII letters and digits (Jŏng → jong, Ch'o'l → chol, Юрий →
    yuriy), digits mixed into letters read as the letters they stand for (S1lver → silver)."""
    if word.isascii():
        return spelling.digits_as_letters("".join(ch for ch in word.lower() if ch.isalnum()))
    latin = spelling.latin_words(word)
    return spelling.digits_as_letters("".join(ch for ch in latin if ch.isalnum() and ch.isascii()))


def _tokens(words: list[str]) -> tuple[str, ...]:
    """ASCII tokens of a list of words, leading titles dropped, hyphenated words split into
    their parts."""
    kept = _strip_titles([w for w in words if ascii_word(w)], ascii_word)
    tokens = [ascii_word(part) for word in kept for part in word.split("-")]
    return spelling.numbers_read(tuple(t for t in tokens if t))


MAX_JOINED_TRIED = 64
"""At most this many combinations of the words' readings are tried when reading several words (or
a word's hyphenated parts) one after the other: enough to find the first MAX_READINGS distinct
readings of any real name, and the same bound however many words a name has."""


@lru_cache(maxsize=1 << 16)
def _word_readings(word: str) -> tuple[tuple[SyllableKey, ...], ...]:
    """Korean readings of one romanised word, its hyphenated parts read one by one."""
    parts = [korean.strip_marks(p) for p in word.split("-") if korean.strip_marks(p)]
    if not parts:
        return ()
    per_part = [korean.read_word(p) for p in parts]
    if not all(per_part):
        return ()
    return _joined_readings(per_part)


def _joined_readings(
    words: list[tuple[tuple[SyllableKey, ...], ...]],
) -> tuple[tuple[SyllableKey, ...], ...]:
    """The first MAX_READINGS distinct readings of several words (or of a word's hyphenated
    parts) read one after the other in written order (성남 and 남성 are two different names),
    each word's likeliest readings first. Combinations are made one at a time and only until enough
    are found (at most MAX_JOINED_TRIED): twenty words of two readings each have a million
    combinations, and making them all first would never end."""
    found: dict[tuple[SyllableKey, ...], None] = {}
    for combo in islice(product(*words), MAX_JOINED_TRIED):
        found.setdefault(tuple(k for reading in combo for k in reading), None)
        if len(found) == korean.MAX_READINGS:
            break
    return tuple(found)


def _korean_splits(
    readings: list[tuple[tuple[SyllableKey, ...], ...]],
    family_readings: list[tuple[tuple[SyllableKey, ...], ...]],
    family_first: bool,
) -> tuple[KoreanSplit, ...]:
    """Every plausible (family, given) reading of a name's words: the family name is a
    one-syllable word at the start (KIM Jong Un) or, unless a comma says otherwise, at the end
    (Jong Un Kim). ``family_readings`` gives each word's readings as a family name."""
    if len(readings) < 2:
        if readings and readings[0]:
            return (KoreanSplit((), readings[0]),)
        return ()
    positions = [0] if family_first else [0, len(readings) - 1]
    splits: list[KoreanSplit] = []
    for pos in positions:
        family = tuple(r for r in family_readings[pos] if len(r) == 1)
        if not family:
            continue
        rest = [r for i, r in enumerate(readings) if i != pos]
        splits.append(KoreanSplit(family, _joined_readings(rest)))
    return tuple(splits)


def _prepare_latin(original: str, text: str, script: str) -> PreparedName:
    """A name in Latin letters (or transliterated to them)."""
    words = _latin_words(text)
    kept = _strip_titles(words, ascii_word)
    family_first = "," in text or script == "pinyin"
    splits: tuple[KoreanSplit, ...] = ()
    if script != "pinyin":  # a Mandarin reading is no Korean romanisation (jin lin is not 진린)
        readings = [_word_readings(w) for w in kept]
        family = [(korean.read_surname(korean.strip_marks(w)),) for w in kept]
        splits = _korean_splits(readings, family, family_first) if all(readings) else ()
    before = 0  # the words kept before a comma (leading titles are left out)
    if "," in text:
        before = max(len(_latin_words(text.split(",", 1)[0])) - (len(words) - len(kept)), 0)
    return _named(
        original, _tokens(kept), script, splits, None, family_first, len(_tokens(kept[:before]))
    )


def _prepare_hangul(original: str, hangul: str, script: str) -> list[PreparedName]:
    """A name in Hangul: its syllable keys, plus its MR and RR spellings as Latin names."""
    for honorific in KOREAN_HONORIFICS:
        hangul = hangul.removesuffix(honorific).strip()
    family, given = korean.split_hangul_name(hangul)
    family_keys = korean.hangul_word(family).readings
    given_keys = korean.hangul_word(given).readings
    split = KoreanSplit(family_keys, given_keys) if given_keys else None
    mr = korean.romanise_name(hangul, "mr")
    rr = korean.romanise_name(hangul, "rr")
    splits = (split,) if split else ()
    native = _named(original, _tokens(_latin_words(mr)), script, splits, hangul, True)
    return [native, _named(original, _tokens(_latin_words(rr)), script, (), hangul, True)]


def _prepare_cyrillic(original: str) -> PreparedName:
    """A name in Cyrillic, read as a Russian spelling of a Korean name where it can be."""
    words = [w for w in _SPLIT.split(original) if w]
    readings = [korean.cyrillic_readings(w) for w in words]
    family_first = "," in original
    splits = _korean_splits(readings, readings, family_first) if all(readings) else ()
    latin = [spelling.latin_words(w) for w in words]
    before = len([w for w in _SPLIT.split(original.split(",", 1)[0]) if w]) if family_first else 0
    tokens = _tokens(latin)
    return _named(
        original, tokens, "cyrillic", splits, None, family_first, len(_tokens(latin[:before]))
    )


@lru_cache(maxsize=1 << 12)
def prepare_name(original: str) -> tuple[PreparedName, ...]:
    """Every comparable form of one name as written."""
    text = original.strip()
    if not text:
        return ()
    if korean.is_hangul(text):
        return tuple(_prepare_hangul(original, text, "hangul"))
    if korean.is_han(text):
        pinyin = _prepare_latin(original, _HAN_LATIN.transliterate(text), "pinyin")
        if is_simplified(text):
            return (pinyin,)
        korean_forms = _prepare_hangul(original, korean.hanja_to_hangul(text), "han")
        if pinyin.common:  # a common Chinese name (李秀英) is common in its Korean reading too
            korean_forms = [
                replace(f, common=True, common_words=pinyin.common_words) for f in korean_forms
            ]
        return (*korean_forms, pinyin)
    if korean.is_cyrillic(text):
        return (_prepare_cyrillic(text),)
    text = arabic.as_latin_lists_write(text)
    forms = [_prepare_latin(original, text, "latin")]
    bare = _PARENTHESES.sub(" ", text).strip()
    if bare != text and bare:
        forms.append(_prepare_latin(original, bare, "latin"))
    return tuple(forms)


def is_simplified(text: str) -> bool:
    """Chinese characters written in the simplified forms of the People's Republic (陈, not 陳):
    a Chinese name, read in Mandarin only. Korean names in Chinese characters (Hanja) keep the
    traditional forms, so only those are also read as Korean (ICU's Hans-Hant tells them apart)."""
    return _TRADITIONAL.transliterate(text) != text


def entity_names(entity: EntityProxy) -> list[str]:
    """The names of an entity that are screened (name, aliases, previous names)."""
    names: list[str] = []
    is_person = entity.schema.is_a("Person")
    for prop in NAME_PROPS:
        if prop not in entity.schema.properties:
            continue
        for value in entity.get(prop, quiet=True):
            if prop == "weakAlias" and is_person and len(value.split()) < 2:
                continue
            names.append(value)
    return list(dict.fromkeys(names))


def within_limits(names: list[str]) -> tuple[list[str], list[str]]:
    """The names that are matched, and those left out: names longer than MAX_NAME_CHARS, and
    names past the first MAX_NAMES_PER_ENTITY. List loading refuses such entries; this keeps an
    entry stored before that check (or a query built without it) from costing unbounded work."""
    fitting = [name for name in names if len(name) <= MAX_NAME_CHARS]
    kept = fitting[:MAX_NAMES_PER_ENTITY]
    kept_set = set(kept)
    return kept, [name for name in names if name not in kept_set]


def prepare_names(entity: EntityProxy) -> tuple[PreparedName, ...]:
    """Every comparable form of every screened name of an entity, within the limits."""
    kept, _ = within_limits(entity_names(entity))
    return tuple(form for name in kept for form in prepare_name(name))


def sequence_similarity(a: tuple[SyllableKey, ...], b: tuple[SyllableKey, ...]) -> float:
    """How alike two syllable sequences are, syllable by syllable in order; a missing syllable
    counts as a different one (Jong Un against Jong is 0.5)."""
    if not a or not b:
        return 0.0
    if len(a) == len(b):
        return sum(korean.syllable_similarity(x, y) for x, y in zip(a, b, strict=True)) / len(a)
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return _best_in_order(short, long) / len(long)


def _best_in_order(short: tuple[SyllableKey, ...], long: tuple[SyllableKey, ...]) -> float:
    """The most credit the shorter sequence's syllables earn when each is set against a syllable
    of the longer one, in the same order (Jong Un within Kim Jong Un: 2.0). Worked out syllable
    by syllable, keeping for each stretch of the longer sequence the best so far, so that the
    work is the product of the two lengths rather than the number of ways to pick positions
    (which grows as fast as a binomial coefficient)."""
    # best[j]: the most credit for the short syllables placed so far, all within long[:j]
    best = [0.0] * (len(long) + 1)
    for i, syllable in enumerate(short):
        placed = [-1.0] * (len(long) + 1)
        for j in range(i + 1, len(long) - len(short) + i + 2):
            here = best[j - 1] + korean.syllable_similarity(syllable, long[j - 1])
            placed[j] = max(placed[j - 1], here)
        best = placed
    return best[len(long)]


@dataclass(frozen=True, slots=True)
class KoreanMatch:
    """The best Korean reading of two names against each other."""

    score: float
    family: float
    given: float
    query_family: tuple[SyllableKey, ...]
    candidate_family: tuple[SyllableKey, ...]
    query_given: tuple[SyllableKey, ...]
    candidate_given: tuple[SyllableKey, ...]


def _best_of(
    options_q: tuple[tuple[SyllableKey, ...], ...], options_c: tuple[tuple[SyllableKey, ...], ...]
) -> tuple[float, tuple[SyllableKey, ...], tuple[SyllableKey, ...]]:
    best = (0.0, (), ())
    for q in options_q:
        for c in options_c:
            sim = sequence_similarity(q, c)
            if sim > best[0]:
                best = (sim, q, c)
    return best


def compare_korean(query: PreparedName, candidate: PreparedName) -> KoreanMatch | None:
    """Compare two names read as Korean: family name against family name, given name against
    given name, syllable by syllable. None when either cannot be read as Korean."""
    best: KoreanMatch | None = None
    for qs in query.korean:
        for cs in candidate.korean:
            if qs.family and cs.family:
                fam, qf, cf = _best_of(qs.family, cs.family)
                giv, qg, cg = _best_of(qs.given, cs.given)
                score = FAMILY_SHARE * fam + (1 - FAMILY_SHARE) * giv
            else:
                qall = tuple(f + g for f in (qs.family or ((),)) for g in qs.given)
                call = tuple(f + g for f in (cs.family or ((),)) for g in cs.given)
                score, qg, cg = _best_of(qall, call)
                fam, giv, qf, cf = 0.0, score, (), ()
            if best is None or score > best.score:
                best = KoreanMatch(score, fam, giv, qf, cf, qg, cg)
    return best


def syllables_text(keys: tuple[SyllableKey, ...]) -> str:
    """Syllable keys written for the analyst: jong-un."""
    return "-".join(korean.key_text(k) for k in keys)


def name_keys(entity_or_prepared: object) -> set[str]:
    """Blocking keys for the index: the distinctive words of every name, the Korean syllable keys,
    the whole Korean given name, and org-name initials. A query and a listed entity that share no
    key are never compared. A company's legal forms make no keys (see
    :func:`sever.screen.features.companies.key_words`)."""
    names = _names_of(entity_or_prepared)
    person = _is_person(entity_or_prepared)
    keys: set[str] = set()
    for name in names:
        words = name.tokens if person else key_words(name.tokens)
        for token in words:
            if len(token) >= 2 and not is_generic(token):
                keys.add(f"t:{token}")
                keys.update(spelling_keys(token))
        for first, second in pairwise(words):
            if len(first) >= 2 and len(second) >= 2:
                keys.add(f"t:{first}{second}")
        for split in name.korean:
            for reading in split.given:
                keys.add(f"kg:{syllables_text(reading)}")
                keys.update(f"k:{korean.key_text(k)}" for k in reading)
        keys.update(acronym_keys(name.tokens))
    return keys


def _is_person(entity_or_prepared: object) -> bool:
    """Whether the names are a person's (an entity, a prepared entity, or names marked so)."""
    if isinstance(entity_or_prepared, EntityProxy):
        return entity_or_prepared.schema.is_a("Person")
    return getattr(entity_or_prepared, "is_person", True)


def _names_of(entity_or_prepared: object) -> tuple[PreparedName, ...]:
    """The prepared names of an entity, or of an already prepared entity."""
    if isinstance(entity_or_prepared, EntityProxy):
        return prepare_names(entity_or_prepared)
    return entity_or_prepared.names  # type: ignore[attr-defined]


def _pairs(query: Prepared, candidate: Prepared) -> list[tuple[PreparedName, PreparedName]]:
    return [(q, c) for q in query.names for c in candidate.names]


def name_exact(query: Prepared, candidate: Prepared) -> Observation | None:
    """A name of the query and a name of the listed entity are the same words, once case, accents,
    punctuation and titles are set aside, with the family name first or last."""
    shared = query.forms & candidate.forms
    if not shared:
        return None
    form = min(shared)
    q = next(n.original for n in query.names if form in exact_forms(n))
    c = next(n.original for n in candidate.names if form in exact_forms(n))
    return Observation(1.0, f"same name: '{q}' = '{c}'", q, c)


def _korean_reason(q: PreparedName, c: PreparedName, m: KoreanMatch) -> str:
    """The analyst's words for a Korean name comparison."""

    def shown(name: PreparedName) -> str:
        if name.hangul and name.script == "han":
            return (
                f"'{name.original}' (read {name.hangul}, {korean.romanise_name(name.hangul, 'mr')})"
            )
        if name.hangul:
            mr, rr = (
                korean.romanise_name(name.hangul, "mr"),
                korean.romanise_name(name.hangul, "rr"),
            )
            return f"'{name.original}' (MR {mr}, RR {rr})"
        return f"'{name.original}'"

    parts = [f"{shown(q)} read as Korean against {shown(c)}:"]
    if m.query_family:
        verdict = "same family name" if m.family == 1.0 else "different family names"
        parts.append(
            f"family name {syllables_text(m.query_family)} / {syllables_text(m.candidate_family)}"
            f" ({verdict}),"
        )
    if m.given == 1.0:
        verdict = "same syllables"
    elif m.given > 0:
        verdict = f"{m.given:.0%} of the syllables agree"
    else:
        verdict = "no syllable in common"
    parts.append(
        f"given name {syllables_text(m.query_given)} / "
        f"{syllables_text(m.candidate_given)} ({verdict})"
    )
    return " ".join(parts)


def name_korean_phonetic(query: Prepared, candidate: Prepared) -> Observation | None:
    """The names, read as Korean whatever the script or romanisation (Kim Jong Un, 김정은, 金正恩,
    Gim Jeong-eun, KIM Jong-un), sound the same syllable by syllable: family name against family
    name (Ri = Lee = Yi, Pak = Park, O = Oh, Ryu = Yu), given name against given name, joined or
    split, in either order. The value is the share of syllables that agree, the family name
    counting for FAMILY_SHARE."""
    if not (query.is_person or candidate.is_person):
        return None
    best: tuple[float, PreparedName, PreparedName, KoreanMatch] | None = None
    for q, c in _pairs(query, candidate):
        if not q.korean or not c.korean:
            continue
        m = compare_korean(q, c)
        if m is not None and (best is None or m.score > best[0]):
            best = (m.score, q, c, m)
    if best is None or best[0] <= 0:
        return None
    score, q, c, m = best
    return Observation(score, lambda: _korean_reason(q, c, m), q.original, c.original)


def fuzzy_comparable(query: PreparedName, candidate: PreparedName) -> bool:
    """Word-by-word comparison is left to the Korean reading when both names read as Korean, or
    when either was written in Hangul: there one letter makes another syllable, and another name
    (Myong Nam is not Kyong Nam)."""
    if query.hangul or candidate.hangul:
        return False
    return not (query.korean and candidate.korean)


def fuzzy_value(alignment: Alignment) -> float:
    """The fuzzy name value: the share of letters on both sides that found a partner, or, when
    one name's words are all found in the other, nearly full credit whatever the other adds
    (a middle name left out: Kiselev Sergeyevich / Kiselev, Mikhail Sergeyevich), provided two
    or more words with MIN_LENIENT_LETTERS letters between them agree."""
    covered = max(alignment.query_coverage, alignment.candidate_coverage)
    partial = min(alignment.query_coverage, alignment.candidate_coverage)
    particles = spelling.ARTICLES | spelling.SON_OF
    names = [(a, b) for a, b, _ in alignment.pairs if a not in particles]
    agreed = sum(min(len(a), len(b)) for a, b in names)
    if len(names) < 2 or agreed < MIN_LENIENT_LETTERS:
        return alignment.score
    return max(alignment.score, covered * (MISSING_PART_FLOOR + (1 - MISSING_PART_FLOOR) * partial))


PATRONYMIC_WEIGHT = 0.3
"""How much a patronymic weighs against another word of the same length: a father's name is
often left out (GURZHY, Andrei / GURZHY, Andrei Anatolievich)."""

DIFFERENCE_CAP = 0.5
"""Most a name agreement can be worth when a number differs (Fund 3 / Fund 4) or, for companies,
a country (Bank of Chile / Bank of China): well under a review."""


EXTRA_GIVEN_CAP = 0.8
"""Most a word-by-word agreement can be worth when every word of the listed name is found in the
query but the query has a given name more (Ahmet Huseyin Sahin against SAHIN, Huseyin): the
listed person is a namesake of part of the name, so the name alone reaches review, and a date of
birth or an identifier that agrees is needed for a match. The other way round (the query leaves
out a listed middle name) is the common habit of writing a name short, and is not capped."""

MIN_EXTRA_GIVEN_LETTERS = 3
"""Shorter words left over in the query (an initial, bin, al) are not another given name."""

WHOLE_NAME_WORDS = 3
"""A listed name of this many words or more (particles, patronymics and initials aside), every one
of them found in the query as written (a spelling away is not enough: José Luis Francisco Ramírez
is not RAMIREZ, Joise Luis), is not held to EXTRA_GIVEN_CAP: three names
agreeing are rarely a namesake of part of a name (BELTRAN LEYVA, Marcos Arturo against BELTRAN
LEYVA, Arturo), and writing a name with one more given or family name is the lists' own habit."""


def extra_given_name(
    query: tuple[str, ...],
    candidate: tuple[str, ...],
    alignment: Alignment,
    query_given: tuple[str, ...] | None = None,
) -> str | None:
    """The query's word that the listed name lacks, when every listed word found a partner and the
    query has a given name more (not a patronymic, a particle or an initial); else None. A listed
    name of WHOLE_NAME_WORDS is not held to it, unless the query's extra word comes before the
    names of a father and grandfather the listed name has (``query_given``: the query's given
    part, see :func:`own_name_missing`): Yasir Sabawi Ibrahim Hassan is Sabawi Ibrahim Hassan's
    son."""
    paired_q = [a for a, _, _ in alignment.pairs]
    paired_c = [b for _, b, _ in alignment.pairs]
    if not all(any(word in b for b in paired_c) for word in candidate):
        return None
    if _name_words(candidate) >= WHOLE_NAME_WORDS and all(
        sim == 1.0 for _, _, sim in alignment.pairs
    ):
        swapped = replace(alignment, pairs=[(b, a, sim) for a, b, sim in alignment.pairs])
        if (
            own_name_missing(candidate, query if query_given is None else query_given, swapped)
            is None
        ):
            return None
    for word in query:
        if (
            len(word) >= MIN_EXTRA_GIVEN_LETTERS
            and not is_patronymic(word)
            and word not in spelling.ARTICLES | spelling.SON_OF
            and not any(word in a for a in paired_q)
        ):
            return word
    return None


def _name_words(tokens: tuple[str, ...]) -> int:
    """How many words of a name are names: particles, patronymics and initials left out."""
    particles = spelling.ARTICLES | spelling.SON_OF
    return sum(
        1
        for t in tokens
        if len(t) >= MIN_EXTRA_GIVEN_LETTERS and t not in particles and not is_patronymic(t)
    )


FOREBEARS = 2
"""Matched words that must follow a listed given name the query lacks for the listed person to be
read as the child of the one queried (Hala Saddam Hussein against Saddam Hussein: in an Arabic
name a person's own name comes before the father's and the grandfather's)."""


def own_name_missing(
    query: tuple[str, ...], candidate: tuple[str, ...], alignment: Alignment
) -> str | None:
    """The listed name's word the query lacks when it is followed by FOREBEARS names the query
    has, as a child's own name precedes the names of its father and grandfather; else None.
    ``candidate`` is the listed name's given part when a comma sets the family names apart (the
    lists write an Arabic chain of names after the comma: ZARQAWIYAN, Lina Tariqan Hadir), so
    that family names are never forebears (HUERTA RAMOS, Jesus Manuel is not the child of a
    Manuel Huerta). An article or 'son of' (al, bin) is no forebear, nor is a patronymic, which
    is part of the person's own name (Mikhail Sergeyevich Kiselev). The own name leads: a word
    left out after a name the query has is a middle name (John Kennedy for John Fitzgerald
    Kennedy)."""
    paired_c = {b for _, b, _ in alignment.pairs}
    if not all(any(word in a for a, _, _ in alignment.pairs) for word in query):
        return None
    particles = spelling.ARTICLES | spelling.SON_OF
    for at, word in enumerate(candidate):
        if any(word in b for b in paired_c):
            return None  # a name the query has comes first: what follows is a middle name
        if len(word) < MIN_EXTRA_GIVEN_LETTERS or is_patronymic(word) or word in particles:
            continue
        later = candidate[at + 1 :]
        forebears = [w for w in later if w not in particles and not is_patronymic(w)][:FOREBEARS]
        if len(forebears) == FOREBEARS and all(any(w in b for b in paired_c) for w in forebears):
            return word
    return None


def first_family_name_missing(
    query: tuple[str, ...], candidate: tuple[str, ...], family_words: int, alignment: Alignment
) -> str | None:
    """The first of two or more family names written before a comma when the query lacks it but
    has a later one (Rolando Godoy against OSUNA GODOY, Rolando): the first is the family name
    people keep (the father's, in Spanish names), so the query names someone of another family
    as often as this one; else None. Leaving out a later family name is the habit of writing a
    name short (Rolando Osuna)."""
    particles = spelling.ARTICLES | spelling.SON_OF
    family = [w for w in candidate[:family_words] if w not in particles]
    if len(family) < 2 or not query:
        return None
    paired_c = {b for _, b, _ in alignment.pairs}
    first, *later = family
    if any(first in b for b in paired_c) or not any(w in b for b in paired_c for w in later):
        return None
    return first


def first_given_name_missing(
    query: tuple[str, ...], given: tuple[str, ...], alignment: Alignment
) -> str | None:
    """The first of two or more listed given names (written after the comma) when a query of two
    words lacks it but has a later one (Augusto Vargas against VARGAS ALBA, Cesar Augusto): people
    go by their first given name, so a query of one given and one family name more often names
    another person of the family; else None. A longer query (Anselmo Vargossa Merindez, both
    family names) says more and is not held to it. A first given name that millions share
    (Mohammad, Maria, Jose) is often left out, and is forgiven, as are particles and
    patronymics."""
    skipped = spelling.ARTICLES | spelling.SON_OF | TITLES | GIVEN_TITLES
    names = [w for w in given if w not in skipped and not is_patronymic(w)]
    if (
        len(names) < 2
        or name_words(query) > 2
        or len(names[0]) < MIN_EXTRA_GIVEN_LETTERS
        or names[0] in COMMON_WORDS
    ):
        return None
    paired_c = {b for _, b, _ in alignment.pairs}
    first, *later = names
    if any(first in b for b in paired_c) or not any(w in b for b in paired_c for w in later):
        return None
    return first


@lru_cache(maxsize=1 << 16)
def _word_weight(token: str) -> float:
    return len(token) * (PATRONYMIC_WEIGHT if is_patronymic(token) else 1.0)


def chinese_names(query: tuple[str, ...], candidate: tuple[str, ...]) -> bool:
    """Both names are Chinese names in Latin letters: two or three words each, every word made of
    Mandarin syllables (Zhang Wenfei, CHANG Wen-Fu). There a syllable more, less or misspelled
    is another name."""
    return _chinese_name(query) and _chinese_name(candidate)


@lru_cache(maxsize=1 << 16)
def _chinese_name(name: tuple[str, ...]) -> bool:
    """Two or three words, every one made of Mandarin syllables (see :func:`chinese_names`)."""
    return 2 <= len(name) <= 3 and all(spelling.is_chinese_syllables(t) for t in name)


@lru_cache(maxsize=1 << 10)
def aligned_words(query: tuple[str, ...], candidate: tuple[str, ...]) -> Alignment:
    """The word-by-word alignment of two names, words written together on one side and apart on
    the other joined first, kept for the next feature that compares the same pair (the fuzzy
    name and the commonness check). Two Chinese names are compared syllable for syllable (see
    :func:`chinese_names`), and without Wade-Giles readings when both are spelled in Pinyin (see
    :func:`spelling.written_in_pinyin`)."""
    if chinese_names(query, candidate):
        pinyin = spelling.written_in_pinyin(query) and spelling.written_in_pinyin(candidate)
        query, candidate = spelling.split_words(query, candidate)
        similarity = pinyin_similarity if pinyin else syllable_similarity
        return align_tokens(query, candidate, weight=_word_weight, similarity=similarity)
    query, candidate = spelling.split_words(query, candidate)
    return align_tokens(query, candidate, weight=_word_weight)


def _fuzzy_pair_value(q: PreparedName, c: PreparedName) -> float:
    """The fuzzy value of one pair of names, capped at INITIALS_ONLY_CAP when either is one word
    and initials."""
    value = _fuzzy_words_value(q.tokens, c.tokens, c.family_words, q.family_words)
    if q.initials_only or c.initials_only:
        return min(value, INITIALS_ONLY_CAP)
    return value


@lru_cache(maxsize=1 << 16)
def _fuzzy_words_value(
    query: tuple[str, ...],
    candidate: tuple[str, ...],
    family_words: int = 0,
    query_family_words: int = 0,
) -> float:
    """The fuzzy value of the words of two names (see :func:`aligned_words`), capped where a
    number differs or a given name is extra (``family_words``, ``query_family_words``: see
    :attr:`PreparedName.family_words`); kept, as the alignment is, for the next feature or party
    that compares the same words."""
    alignment = aligned_words(query, candidate)
    value = alignment.score if chinese_names(query, candidate) else fuzzy_value(alignment)
    # Each cap is looked for only where it would lower the value: most of the pairs a query
    # pulls score under both, and the looking was a tenth of a query's screening (measured).
    if value > DIFFERENCE_CAP and spelling.number_difference(query, candidate, alignment.pairs):
        value = DIFFERENCE_CAP
    if value > EXTRA_GIVEN_CAP and (
        extra_given_name(query, candidate, alignment, query[query_family_words:])
        or own_name_missing(query, candidate[family_words:], alignment)
        or first_family_name_missing(query, candidate, family_words, alignment)
        or (family_words and first_given_name_missing(query, candidate[family_words:], alignment))
    ):
        value = EXTRA_GIVEN_CAP
    return value


def name_fuzzy(query: Prepared, candidate: Prepared) -> Observation | None:
    """The words of the names, in any order, are the same or nearly (a slip of the keyboard in a
    long word, an initial for a word, a middle name left out). Not used where both names read as
    Korean: the Korean reading decides there. A name of one word and initials (Ahmed, A) supports
    at most a review on its own."""
    if not (query.is_person or candidate.is_person):
        return None
    best: tuple[float, PreparedName, PreparedName] | None = None
    for q in query.names:
        for c in candidate.names:
            if q.marks.isdisjoint(c.marks) or not fuzzy_comparable(q, c):
                continue
            value = _fuzzy_pair_value(q, c)
            if best is None or value > best[0]:
                best = (value, q, c)
    if best is None or best[0] <= 0:
        return None
    value, q, c = best
    return Observation(value, lambda: _fuzzy_reason(q, c), q.original, c.original)


def _fuzzy_reason(q: PreparedName, c: PreparedName) -> str:
    """The analyst's words for a word-by-word comparison, with what limited it."""
    alignment = aligned_words(q.tokens, c.tokens)
    words = ", ".join(f"{a}={b}" if s == 1.0 else f"{a}≈{b}" for a, b, s in alignment.pairs)
    reason = f"'{q.original}' against '{c.original}', word by word: {words}"
    difference = spelling.number_difference(q.tokens, c.tokens, alignment.pairs)
    if difference:
        reason += f" ({difference}: another name)"
    initials = next((n for n in (c, q) if n.initials_only), None)
    if initials is not None:
        reason += f" ('{initials.original}' is one name and initials: weak on its own)"
    extra = extra_given_name(q.tokens, c.tokens, alignment, q.tokens[q.family_words :])
    if extra is not None:
        reason += f" ('{extra}' is a given name the listed name lacks: weak on its own)"
    family = first_family_name_missing(q.tokens, c.tokens, c.family_words, alignment)
    if family is not None:
        reason += f" ('{family}', the listed first family name, is missing: weak on its own)"
    given = (
        first_given_name_missing(q.tokens, c.tokens[c.family_words :], alignment)
        if c.family_words
        else None
    )
    if given is not None:
        reason += f" ('{given}', the listed first given name, is missing: weak on its own)"
    own = own_name_missing(q.tokens, c.tokens[c.family_words :], alignment)
    if own is not None:
        reason += f" ('{own}' comes before names the query has: perhaps a child's own name)"
    return reason


def _agreement(q: PreparedName, c: PreparedName) -> float:
    """How strongly two names agree, by the strongest of the name features' measures: the same
    words, the same Korean syllables, or word by word."""
    both_korean = bool(q.korean and c.korean)
    if not both_korean and q.marks.isdisjoint(c.marks):
        return 0.0
    if exact_forms(q) & exact_forms(c):
        return 1.0
    if both_korean:
        m = compare_korean(q, c)
        return m.score if m is not None else 0.0
    if not fuzzy_comparable(q, c):
        return 0.0
    return _fuzzy_pair_value(q, c)


def name_commonness(query: Prepared, candidate: Prepared) -> Observation | None:
    """The names agree only where one of them is made of very common given and family names
    (Mohammed Ali, Emma Lee, Li Yi): a great many people are so called, so the name is weak
    evidence on its own, and a date of birth, nationality or identifier must support it. A Korean
    name is common only as a whole (Kim Min-jun); Kim Jong Un is not. The value is the strength of
    that agreement, less for names of more than COMMON_NAME_FULL_WORDS words."""
    if not (query.is_person or candidate.is_person) or not (query.common or candidate.common):
        return None
    shared = query.forms & candidate.forms
    if shared and not shared <= query.common_forms | candidate.common_forms:
        return None
    pairs = _pairs(query, candidate)
    if not pairs:
        return None
    best = (0.0, query.names[0], candidate.names[0])
    for q, c in pairs:
        if q.common or c.common:
            value = _agreement(q, c)
            if value > best[0]:
                best = (value, q, c)
    value, q, c = best
    if value <= 0 or any(
        not (q2.common or c2.common) and _agreement(q2, c2) >= value for q2, c2 in pairs
    ):
        return None
    name = q if q.common else c
    size = min(1.0, COMMON_NAME_FULL_WORDS / name.common_words)
    return Observation(value * size, lambda: _common_reason(name), q.original, c.original)


def _common_reason(name: PreparedName) -> str:
    words = ", ".join(dict.fromkeys(t.capitalize() for t in name.tokens))
    return f"all the names that agree are very common ({words}): weak on its own"


def exact_forms(name: PreparedName) -> set[str]:
    """A name's words as written and, unless the family name is known to come first, with the
    first or last word moved to the other end (Jong Un Kim = KIM Jong Un); a Chinese name of three
    syllables also with its given name as one word (Li Xiu Ying = LI Xiuying). Other orders are
    not the same name: Kim Yong Su is not Kim Su Yong, and 赵伟 (Zhao Wei) is not WEI, Zhao."""
    tokens = list(name.tokens)
    if not tokens:
        return set()
    forms = {" ".join(tokens)}
    if not name.family_first:
        forms.add(" ".join(tokens[1:] + tokens[:1]))
        forms.add(" ".join(tokens[-1:] + tokens[:-1]))
    if _chinese_name(name.tokens) and len(tokens) == 3:
        forms |= {_given_joined(form) for form in forms}
    return forms


def _given_joined(form: str) -> str:
    """A Chinese name of three syllables with its given name written as one word, as Pinyin
    writes it (li xiu ying → li xiuying: 李秀英 is LI Xiuying)."""
    family, *given = form.split()
    return f"{family} {''.join(given)}"
