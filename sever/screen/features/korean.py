"""Korean names: one phonetic key per syllable, whatever the script or romanisation.

The lists write Korean names in McCune–Reischauer without breves (KIM Jong Un, RI Yong Gil, O Kuk
Ryol), sometimes with OFAC's apostrophes for breves (YO'N Cho'ng-Nam). Customers write them in
South Korean Revised Romanization (Gim Jeong-eun), in English habits (Lee, Park, Choi, Oh), in
Hangul (김정은), in Chinese characters (金正恩) or in Cyrillic (Ким Чен Ын). Every one of these is
reduced here to a sequence of *syllable keys* — (initial, vowel, final) classes that merge what
the romanisation systems write differently for the same sound:

* initials: k/g/kk/kh → k; ch/j/jj/tch/chh → j; t/d/tt/th → t; p/b/pp/ph → p; s/ss/sh → s;
  r/l/n and silent ㅇ follow the Korean initial-sound rule (리 = 이, 류 = 유, 로 = 노);
* vowels: ŏ/eo/o → o; ŭ/eu/u/oo → u; yŏ/yeo/yo → yo; oe/we/wae/oi → oe; ee/yi/i → i;
* finals: ng, n, m, l, k, t, p.

Hangul is read syllable by syllable straight from its jamo, so no sound change across syllables
can leak in (ko-pron romanises 오극렬 as ogŭngnyŏl; the lists write O Kuk-ryol). ko-pron is used
syllable by syllable only to *show* the analyst the McCune–Reischauer and Revised Romanization
forms of a Hangul name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from operator import itemgetter

import hanja
from ko_pron import romanise

SyllableKey = tuple[str, str, str]
"""(initial, vowel, final) classes of one Korean syllable: ('j', 'o', 'ng') for 정/Jong/Jeong."""

_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3
_INITIALS = (
    "k",
    "k",
    "n",
    "t",
    "t",
    "r",
    "m",
    "p",
    "p",
    "s",
    "s",
    "",
    "j",
    "j",
    "j",
    "k",
    "t",
    "p",
    "h",
)
_VOWELS = (
    "a", "ae", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "oe",
    "oe", "yo", "u", "wo", "oe", "wi", "yu", "u", "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip

# Latin spellings of each class, longest first so that "ch" wins over "c", "yeo" over "ye".
_LATIN_INITIALS = (
    ("tch", "j"), ("chh", "j"), ("jj", "j"), ("ch", "j"), ("j", "j"),
    ("kk", "k"), ("kh", "k"), ("k", "k"), ("g", "k"),
    ("tt", "t"), ("th", "t"), ("t", "t"), ("d", "t"),
    ("pp", "p"), ("ph", "p"), ("p", "p"), ("b", "p"),
    ("ss", "s"), ("sh", "s"), ("s", "s"),
    ("h", "h"), ("m", "m"), ("n", "n"), ("rh", "r"), ("r", "r"), ("l", "r"), ("", ""),
)  # fmt: skip
_LATIN_VOWELS = (
    ("yeo", "yo"), ("yae", "ye"), ("yoo", "yu"), ("wae", "oe"), ("weo", "wo"), ("eui", "ui"),
    ("woo", "u"),
    ("ae", "ae"), ("ai", "ae"), ("eo", "o"), ("eu", "u"), ("oe", "oe"), ("oi", "oe"),
    ("we", "oe"), ("wa", "wa"), ("wo", "wo"), ("wi", "wi"), ("ui", "ui"), ("ya", "ya"),
    ("ye", "ye"), ("yo", "yo"), ("yu", "yu"), ("yi", "i"), ("ee", "i"), ("oo", "u"),
    ("a", "a"), ("e", "e"), ("i", "i"), ("o", "o"), ("u", "u"),
)  # fmt: skip
_LATIN_FINALS = (
    ("ng", "ng"),
    ("k", "k"),
    ("l", "l"),
    ("n", "n"),
    ("m", "m"),
    ("p", "p"),
    ("t", "t"),
)
_VOWEL_LETTERS = frozenset("aeiouwy")

NEAR_VOWELS = frozenset(
    {("o", "u"), ("yo", "yu"), ("ae", "e"), ("ui", "i"), ("ui", "u"), ("ye", "e"), ("wo", "o")}
)
"""Vowels that romanisations and careless spelling confuse (Jong/Jung, Hyon/Hyun, Hae/He)."""
NEAR_VOWEL_CREDIT = 0.5
"""How much a syllable that differs only by a confusable vowel counts, against 1.0 for the same.
Jong and Jung may be one syllable spelled two ways (정, as South Koreans write it) or two
syllables (정, 중): a name that differs so scores just under the threshold, and a matching date
of birth or nationality lifts it over."""

SURNAME_SPELLINGS: dict[str, SyllableKey] = {
    "park": ("p", "a", "k"),
    "chung": ("j", "o", "ng"),
    "jung": ("j", "o", "ng"),
    "chun": ("j", "o", "n"),
    "suh": ("s", "o", ""),
    "hyun": ("h", "yo", "n"),
    "byun": ("p", "yo", "n"),
    "pyun": ("p", "yo", "n"),
    "sung": ("s", "o", "ng"),
    "whang": ("h", "wa", "ng"),
    "youn": ("", "yu", "n"),
    "yeun": ("", "yo", "n"),
}
"""English-habit spellings of surnames that no romanisation system produces (Park for 박, Chung
for 정, Sung for 성). Used only for the family-name part."""

COMMON_SURNAMES = (
    "김이리박최정강조윤장임림한오서신권황안송전홍유류고문양량손배백허남심노로하곽성차주우구민진"
    "지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가"
    "복태목형계피두감음빈동온호범좌팽승간상갈단견당화창옹"
)
"""Korean surnames, by frequency (North and South), used to tell the family name in Hangul."""
COMPOUND_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방")

_HANJA_SURNAME_READINGS = {
    "金": "김",
    "李": "리",
    "柳": "류",
    "劉": "류",
    "盧": "로",
    "林": "림",
    "羅": "라",
}
"""Surname readings of characters whose everyday reading differs (金: 금 as gold, 김 as a name)."""

_CYRILLIC = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "p", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "u", "ь": "", "э": "ae", "ю": "yu", "я": "ya",
}  # fmt: skip
"""Cyrillic letters as the Russian (Kontsevich and traditional) spelling of Korean uses them:
ы is ㅡ, ч and чж are ㅈ/ㅊ, х is ㅎ, в before a vowel is w. ICU's Cyrillic-Latin follows
ISO 9 (Чен → Cen), which loses ㅈ."""

MAX_READINGS = 8
"""At most this many syllable readings are kept per written word (Jongun: jong-un or jon-gun)."""
MAX_WORD_LETTERS = 48
"""Longest word read as Korean, in letters. A Korean name run together is a few syllables of at
most eight letters each (Kimjongun); the longest listed word that reads as Korean has 15 letters.
A longer word is not a Korean name, and trying every reading of it is wasted work."""
CYRILLIC_AMBIGUITIES = {"e": ("e", "o"), "n": ("n", "ng")}
"""Letters of a Cyrillic spelling that stand for two Korean sounds."""
MAX_CYRILLIC_SPELLINGS = 64
MAX_CYRILLIC_READINGS = 24


@dataclass(frozen=True, slots=True)
class KoreanWord:
    """One written word of a name read as Korean: its alternative syllable readings."""

    text: str
    readings: tuple[tuple[SyllableKey, ...], ...]


def is_hangul(text: str) -> bool:
    """True when the text contains Hangul syllables."""
    return any(_HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST for ch in text)


def is_han(text: str) -> bool:
    """True when the text contains Chinese characters (Hanja / Hanzi)."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def is_cyrillic(text: str) -> bool:
    """True when the text contains Cyrillic letters."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _initial_rule(initial: str, vowel: str) -> str:
    """Korean initial-sound rule, applied to both sides: r and n before i/y drop (리 = 이 = Yi,
    류 = 유 = Yu); r elsewhere reads n (로 = 노 = Roh = No)."""
    if initial in ("r", "n", ""):
        if vowel[0] in "iy":
            return ""
        return "" if initial == "" else "n"
    return initial


@lru_cache(maxsize=16384)
def hangul_key(syllable: str) -> SyllableKey:
    """The phonetic key of one Hangul syllable, read from its jamo."""
    index = ord(syllable) - _HANGUL_FIRST
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    vowel_class = _VOWELS[vowel]
    return (_initial_rule(_INITIALS[initial], vowel_class), vowel_class, _FINALS[final])


def key_text(key: SyllableKey) -> str:
    """A syllable key written as one short string, e.g. 'jong', 'un', 'i' (used in index keys)."""
    return "".join(key)


def _by_first_letter(
    spellings: tuple[tuple[str, str], ...],
) -> dict[str, tuple[tuple[str, str], ...]]:
    """For each first letter, the spellings that may start with it, in their order; under '' the
    empty spellings alone (for any other letter and the end of a word). The syllable reader
    tries only these: trying every spelling at every letter was most of the index build."""
    letters = {written[:1] for written, _ in spellings} | {""}
    return {letter: tuple(s for s in spellings if s[0][:1] in ("", letter)) for letter in letters}


_INITIALS_AT = _by_first_letter(_LATIN_INITIALS)
_VOWELS_AT = _by_first_letter(_LATIN_VOWELS)
_FINALS_AT = _by_first_letter(_LATIN_FINALS)


def _at(table: dict[str, tuple[tuple[str, str], ...]], text: str, start: int) -> tuple:
    """The spellings of ``table`` that may start at ``start`` of ``text``."""
    return table.get(text[start : start + 1], table[""])


def _latin_syllables(text: str, start: int) -> list[tuple[SyllableKey, int]]:
    """Every Korean syllable that can be read at ``start`` of a romanised word, with its end."""
    found: list[tuple[SyllableKey, int]] = []
    for spelling, initial in _at(_INITIALS_AT, text, start):
        if not text.startswith(spelling, start):
            continue
        after_initial = start + len(spelling)
        for vowel_spelling, vowel in _at(_VOWELS_AT, text, after_initial):
            if not text.startswith(vowel_spelling, after_initial):
                continue
            after_vowel = after_initial + len(vowel_spelling)
            key_initial = _initial_rule(initial, vowel)
            found.append(((key_initial, vowel, ""), after_vowel))
            for final_spelling, final in _at(_FINALS_AT, text, after_vowel):
                if text.startswith(final_spelling, after_vowel):
                    found.append(((key_initial, vowel, final), after_vowel + len(final_spelling)))
    return found


def _drop_silent_h(text: str) -> str:
    """Drop an English-habit h after a vowel that no syllable needs (Oh, Ahn, Sohn, Noh, Koh)."""
    out = []
    for i, ch in enumerate(text):
        follows_vowel = i > 0 and text[i - 1] in _VOWEL_LETTERS
        before_consonant = i + 1 == len(text) or text[i + 1] not in _VOWEL_LETTERS
        if ch == "h" and follows_vowel and before_consonant:
            continue
        out.append(ch)
    return "".join(out)


_Tail = tuple[int, SyllableKey, int, int]
"""One reading of a word's letters from some position to the end: its number of syllables, its
first syllable, the position where that syllable ends, and which of the readings kept at that
position follows it."""


@lru_cache(maxsize=65536)
def read_romanised(word: str) -> tuple[tuple[SyllableKey, ...], ...]:
    """All readings of one romanised word as Korean syllables, fewest syllables first.

    ``word`` is ASCII lower case without breves or apostrophes (Jŏng → jong). Returns no reading
    when the word cannot be Korean (Lazarus, Wei) or is longer than MAX_WORD_LETTERS. Jongun gives
    (jong, un) and (jon, kun)."""
    text = _drop_silent_h(word)
    if not text or not text.isalpha() or len(text) > MAX_WORD_LETTERS:
        return ()
    tails = _reading_tails(text)
    return tuple(dict.fromkeys(_spelled_out(tails, choice) for choice in range(len(tails[0]))))


def _reading_tails(text: str) -> list[list[_Tail]]:
    """For each position of a word, its readings from there to the end, fewest syllables first
    and at most MAX_READINGS of them. Worked out from the last letter back to the first, each
    position from the positions after it, so that the work grows with the word's length, never
    with its number of readings, and no recursion grows with it either."""
    end_of_word: _Tail = (0, ("", "", ""), len(text), 0)
    tails: list[list[_Tail]] = [[] for _ in text]
    tails.append([end_of_word])
    for start in range(len(text) - 1, -1, -1):
        found = [
            (rest[0] + 1, key, end, choice)
            for key, end in _latin_syllables(text, start)
            for choice, rest in enumerate(tails[end])
        ]
        found.sort(key=itemgetter(0))  # stable: equal lengths keep the order they were read in
        tails[start] = found[:MAX_READINGS]
    return tails


def _spelled_out(tails: list[list[_Tail]], choice: int) -> tuple[SyllableKey, ...]:
    """The syllables of one reading of a whole word, following its tails from the first letter."""
    keys: list[SyllableKey] = []
    start, last = 0, len(tails) - 1
    while start < last:
        _, key, end, next_choice = tails[start][choice]
        keys.append(key)
        start, choice = end, next_choice
    return tuple(keys)


def read_surname(word: str) -> tuple[SyllableKey, ...]:
    """The syllable key of a romanised family name, allowing English habits (Park, Chung)."""
    special = SURNAME_SPELLINGS.get(word)
    if special is not None:
        return (special,)
    readings = [r for r in read_romanised(word) if len(r) == 1]
    return readings[0] if readings else ()


def read_word(word: str) -> tuple[tuple[SyllableKey, ...], ...]:
    """Readings of one romanised word; a word no romanisation produces but English habit writes
    for a surname (Park) reads as that surname."""
    readings = read_romanised(word)
    if readings or word not in SURNAME_SPELLINGS:
        return readings
    return ((SURNAME_SPELLINGS[word],),)


def hanja_to_hangul(text: str) -> str:
    """Chinese characters of a Korean name read in Hangul (金正恩 → 김정은), surname first."""
    text = text.replace(" ", "")
    if not text:
        return text
    first = _HANJA_SURNAME_READINGS.get(text[0])
    rest = hanja.translate(text[1:] if first else text, "substitution")
    return (first or "") + rest


def cyrillic_to_latin(text: str) -> str:
    """Cyrillic spelling of a Korean name in Latin letters for the syllable reader (Ким Чен Ын →
    kim chen un)."""
    return "".join(_CYRILLIC.get(ch, ch) for ch in text.lower().replace("чж", "ж"))


def cyrillic_readings(word: str) -> tuple[tuple[SyllableKey, ...], ...]:
    """Readings of a Cyrillic-written word: Russian spelling writes ㅓ as е or о and a final ㅇ as
    н, so each е may be ŏ and each н may be ng (Чен: jŏn, jŏng, jen or jeng)."""
    latin = cyrillic_to_latin(word)
    if len(latin) > MAX_WORD_LETTERS:
        return ()
    options = [CYRILLIC_AMBIGUITIES.get(ch, (ch,)) for ch in latin]
    readings: list[tuple[SyllableKey, ...]] = []
    for count, spelled in enumerate(product(*options)):
        if count >= MAX_CYRILLIC_SPELLINGS:
            break
        readings.extend(read_romanised("".join(spelled)))
    readings.sort(key=len)
    return tuple(dict.fromkeys(readings))[:MAX_CYRILLIC_READINGS]


def split_hangul_name(text: str) -> tuple[str, str]:
    """Family name and given name of a Hangul name (김정은 → 김, 정은; 남궁민 → 남궁, 민)."""
    parts = text.split()
    if len(parts) >= 2:
        return parts[0], "".join(parts[1:])
    joined = parts[0] if parts else ""
    if len(joined) >= 3 and joined[:2] in COMPOUND_SURNAMES:
        return joined[:2], joined[2:]
    if len(joined) >= 2:
        return joined[:1], joined[1:]
    return "", joined


def hangul_word(text: str) -> KoreanWord:
    """A Hangul word as one reading of syllable keys (its non-Hangul characters ignored)."""
    keys = tuple(hangul_key(ch) for ch in text if _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST)
    return KoreanWord(text, (keys,) if keys else ())


@lru_cache(maxsize=16384)
def _romanise_syllable(syllable: str, system: str) -> str:
    return romanise(syllable, system)


def romanise_name(hangul: str, system: str) -> str:
    """A Hangul name in McCune–Reischauer ('mr') or Revised Romanization ('rr'), romanised syllable
    by syllable as name lists do (김정은 → Kim Chŏng-ŭn / Gim Jeong-eun)."""
    family, given = split_hangul_name(hangul)
    family_latin = "".join(_romanise_syllable(ch, system) for ch in family)
    given_latin = "-".join(_romanise_syllable(ch, system) for ch in given)
    return " ".join(p.capitalize() for p in (family_latin, given_latin) if p)


def syllable_similarity(a: SyllableKey, b: SyllableKey) -> float:
    """1.0 for the same Korean syllable, NEAR_VOWEL_CREDIT when only a confusable vowel differs."""
    if a == b:
        return 1.0
    if (
        a[0] == b[0]
        and a[2] == b[2]
        and ((a[1], b[1]) in NEAR_VOWELS or (b[1], a[1]) in NEAR_VOWELS)
    ):
        return NEAR_VOWEL_CREDIT
    return 0.0


@lru_cache(maxsize=1 << 16)
def strip_marks(text: str) -> str:
    """Lower-case ASCII letters of a romanised word: breves, apostrophes and hyphens removed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")
