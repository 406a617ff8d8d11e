"""Spelling habits: the ways one name is written differently without being another name.

Lists and customers write the same name with words run together or split (SilverStar, Silver
Star), with digits for letters (S1lver), with doubled letters or without (Fawaz, Fawwaz), in other
transliterations (Husayn, Hussein; Mao Tse-tung, Mao Zedong; Chérif, Sharif), with numbers as
words (First, 1st; Forty-Four, 44), and in other scripts. This module turns names into words that
compare across those habits, and says which differences still tell two names apart: a number
(Fund III is not Fund IV) and a place (Bank of Chile is not Bank of China).

Transliteration uses ICU (through PyICU): BGN/PCGN for Russian Cyrillic (the form Western lists
use: Yuriy, not Jurij), SERA for Ge'ez, ICU's Any-Latin for the rest. ICU has no Khmer
transliterator (and rigour's ascii_text drops Khmer), so Khmer is read by the small table below.
"""

from __future__ import annotations

import re
from functools import lru_cache

import icu
from followthemoney import registry

from sever.screen.features.known_words import KNOWN

_TRANSLITERATORS = tuple(
    icu.Transliterator.createInstance(rules)
    for rules in ("Russian-Latin/BGN", "Ethi-Latn/SERA", "Any-Latin; Latin-ASCII; Lower")
)

KHMER_LETTERS = {
    "ក": "k", "ខ": "kh", "គ": "k", "ឃ": "kh", "ង": "ng", "ច": "ch", "ឆ": "chh", "ជ": "ch",
    "ឈ": "chh", "ញ": "nh", "ដ": "d", "ឋ": "th", "ឌ": "d", "ឍ": "th", "ណ": "n", "ត": "t",
    "ថ": "th", "ទ": "t", "ធ": "th", "ន": "n", "ប": "b", "ផ": "ph", "ព": "p", "ភ": "ph",
    "ម": "m", "យ": "y", "រ": "r", "ល": "l", "វ": "v", "ស": "s", "ហ": "h", "ឡ": "l", "អ": "",
    "ា": "a", "ិ": "e", "ី": "ei", "ឹ": "oe", "ឺ": "eu", "ុ": "o", "ូ": "ou", "ួ": "uo",
    "ើ": "aeu", "ឿ": "oea", "ៀ": "ie", "េ": "e", "ែ": "e", "ៃ": "ai", "ោ": "ao", "ៅ": "au",
    "ំ": "m", "ះ": "h", "ឥ": "e", "ឧ": "o", "ឪ": "ov", "ឯ": "ae", "ឱ": "ao",
}  # fmt: skip
"""Khmer consonants and vowel signs in the UNGEGN manner names are written in (Sok, Chan, Hun
Sen); subscript marks, register shifters and the killer sign write nothing."""

SMALL_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
TENS_ORDINALS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
NUMBER_WORDS = {
    **{w: n for n, w in enumerate(SMALL_NUMBERS)},
    **{w: n for n, w in enumerate(ORDINALS)},
    **{w: 20 + 10 * n for n, w in enumerate(TENS)},
    **{w: 20 + 10 * n for n, w in enumerate(TENS_ORDINALS.split())},
}
"""Number words and ordinals (one, first, forty, fortieth) and their values."""
ROMAN = {
    "ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xi": 11, "xii": 12,
    "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18, "xix": 19, "xx": 20,
}  # fmt: skip
"""Roman numerals read as numbers when they follow another word (Fund III, Star II)."""
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")

DIGIT_LETTERS = str.maketrans("013457", "oieast")
"""Digits written for the letters they look like (0 for o, 1 for i), in words that mix both."""

ARTICLES = frozenset(("al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "es"))
"""The Arabic article as it is transliterated (al-, el-, ash-, ad-)."""
SON_OF = frozenset(("bin", "ibn", "ben", "bn", "ibni", "walad", "ould"))
"""'son of' in Arabic names (bin, ibn, ben, ould)."""

MIN_SOUND_KEY = 5
"""Words compared by their consonants (see sound_key) must have this many letters (one fewer when
read from Arabic script without vowels: mhmd): shorter words (Ali, Eli) differ by their vowels."""

_DIGRAPHS = (
    ("tch", "ch"), ("dj", "j"), ("ou", "u"), ("ph", "f"), ("kh", "k"), ("gh", "k"), ("q", "k"),
    ("dh", "d"), ("th", "t"), ("ch", "sh"), ("ck", "k"), ("w", "u"), ("y", "i"),
)  # fmt: skip
"""French, English and German transliteration habits folded together (Djamel, Jamal; Chérif,
Sharif; Youssef, Yusuf; Qasim, Kasim; and gh with q, one sound in Persian: Moghaddam, Moqadam)."""

_CHINESE_SYLLABLE = re.compile(
    r"(?:(?:zh|ch|sh|hs|ts|tz|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ieh|ien|ang|eng|ing|ong|ung|iao|ian|uai|uan|ai|ei|ao|ou|an|en|in|un|"
    r"ia|ie|iu|ua|uo|ue|ui|ih|eh|erh|er|a|e|i|o|u|v))+"
)
_WADE_GILES = (
    ("hs", "x"), ("tz", "z"), ("ts", "z"), ("ch", "j"), ("zh", "j"), ("q", "j"), ("c", "z"),
    ("ieh", "ie"), ("ien", "ian"), ("ung", "ong"), ("ih", "i"), ("eh", "e"), ("erh", "er"),
    ("b", "p"), ("d", "t"), ("g", "k"),
)  # fmt: skip
"""Wade-Giles and Pinyin spellings of Mandarin folded together once the apostrophes of aspiration
are gone (Teng Hsiao-p'ing, Deng Xiaoping; Mao Tse-tung, Mao Zedong; Chiang, Jiang)."""

MIN_MANDARIN_WORD = 4
"""Words compared by their Mandarin syllables must have this many letters: Jen and Chen, Dan and
Tan are other names."""

_PLACES: frozenset[str] | None = None


def latin_words(text: str) -> str:
    """A name in any script in lower-case Latin letters (Юрий → yuriy, ሰላም → selam,
    سوخ → sokh, 毛泽东 → mao ze dong)."""
    if any(_is_khmer(ch) for ch in text):
        text = khmer_latin(text)
    for transliterator in _TRANSLITERATORS:
        text = transliterator.transliterate(text)
    return text


KHMER_SUBSCRIPT = "\u17d2"
"""The Khmer coeng: the consonant after it is written below, with no vowel between."""


def _is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff"


def _is_khmer_consonant(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17a2"


def khmer_latin(text: str) -> str:
    """Khmer in Latin letters by KHMER_LETTERS; a consonant followed by another consonant (not
    written below it) carries the inherent vowel a (វណ្ណា → vanna)."""
    out = []
    for i, ch in enumerate(text):
        if not _is_khmer(ch):
            out.append(ch)
            continue
        out.append(KHMER_LETTERS.get(ch, ""))
        after = text[i + 1] if i + 1 < len(text) else ""
        if (
            _is_khmer_consonant(ch)
            and _is_khmer_consonant(after)
            and text[i - 1 : i] != KHMER_SUBSCRIPT
        ):
            out.append("a")
    return "".join(out)


def digits_as_letters(word: str) -> str:
    """A word that mixes letters and digits with the digits read as letters (S1lverst0ne →
    silverstone); a word of digits only is a number and stays one."""
    if word.isdigit() or not any(ch.isdigit() for ch in word):
        return word
    if _ORDINAL_DIGITS.match(word):
        return word
    return word.translate(DIGIT_LETTERS)


def numbers_read(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Numbers written as digits, whatever the habit: First and 1st → 1, Forty-Four and Forty
    Four → 44, III after another word → 3."""
    out: list[str] = []
    for position, token in enumerate(tokens):
        ordinal = _ORDINAL_DIGITS.match(token)
        value = (
            int(ordinal.group(1))
            if ordinal
            else NUMBER_WORDS.get(token, ROMAN.get(token) if position else None)
        )
        if value is None:
            out.append(token)
        elif (
            out
            and out[-1].isdigit()
            and int(out[-1]) % 10 == 0
            and int(out[-1]) >= 20
            and value < 10
        ):
            out[-1] = str(int(out[-1]) + value)
        else:
            out.append(str(value))
    return tuple(out)


_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def squeeze(word: str) -> str:
    """A word with doubled letters written once (Fawwaz → fawaz, Hussein → husein)."""
    return _DOUBLED.sub(r"\1", word)


def sound_key(word: str) -> str | None:
    """The sound key of a word (see :func:`work_out_sound_key`), from the index's table of
    listed words when the word is there."""
    known = KNOWN.get(word)
    return known.sound if known is not None else work_out_sound_key(word)


@lru_cache(maxsize=1 << 16)
def work_out_sound_key(word: str) -> str | None:
    """The consonants of a word in order, after the transliteration habits of French, English
    and Arabic names are folded together, with the class (a/e/i or o/u) of each group of vowels
    but the last, and whether it ends in a vowel: Husayn, Hussein, Husain → o:hsn; Muhammad,
    Mohammed → oa:mhmd; Youssef, Yusuf → o:ysf; Hasan stays a:hsn, and Fortune (oo:frtn) is not
    Fortiana (oa:frtn). The last vowel is left out because it is the one transliterations
    disagree on most (Youssef, Yusuf; Abdel, Abdul), unless the word ends in it: then its kind
    (a, e/i or o/u) is kept (Daniela is not Danilo); a final -ah is that -a (Hamzah, Hamza). A
    word read from Arabic or Hebrew script, which writes no short vowels (mhmd), keeps instead
    the long vowels it writes, gap by gap (=.....i:mhmd for mhmdy, Mohammadi), which the other
    spelling must have (see :func:`long_vowels_fit`). None for words under MIN_SOUND_KEY letters."""
    abjad = len(word.translate(_NO_VOWELS)) == len(word)
    if len(word) < (MIN_SOUND_KEY - 1 if abjad else MIN_SOUND_KEY) or not word.isalpha():
        return None
    text = word
    for written, folded in _DIGRAPHS:
        text = text.replace(written, folded)
    if word[0] in "yw":  # a leading y or w is a consonant (Yusuf, Walid)
        text = word[0] + text[1:]
    if not abjad and len(word) > 5 and text.endswith("ah"):  # Arabic -a written -ah (Hamzah)
        text = text[:-1]
    text = squeeze(text)
    consonants = squeeze(text.translate(_NO_VOWELS))
    if len(consonants) < 3:
        return None
    if abjad:
        return f"={'.'.join(vowel_gaps(text))}:{consonants}:{text[-1] in _VOWELS}"
    groups = [g[0] for g in _VOWEL_GROUP.findall(text)]
    classes = "".join("o" if g in "ou" else "a" for g in groups[:-1] or groups)
    if text[0] in _VOWELS:  # a vowel before the first consonant is kept (Eckbauer is no Khaybar)
        classes = "^" + classes
    return f"{classes}:{consonants}:{_FINAL_VOWEL.get(text[-1], '')}"


_FINAL_VOWEL = {"a": "a", "e": "e", "i": "e", "o": "o", "u": "o"}
"""The kind of vowel a word ends in (a, e/i or o/u), which often tells a woman's name from a
man's (Daniela, Danilo)."""
_ALIKE_ENDINGS = ({"a", "e"},)
"""Word endings of two kinds that transliterations write either way: -a and -e (Numeiriya,
Noumayriye). -i, -y and -e are one kind (Rungtawankhiri, Rungtawankeeree; Family, Famille); -a
or -e against -o is another name (Daniela, Danilo; Danielle), and so is a vowel against none."""


def vowel_gaps(text: str) -> list[str]:
    """The vowels of a folded word gap by gap: before its first consonant, then after each
    consonant (a consonant written twice, or again after a vowel only, is one: Hussein, h-u-s-ei-n).
    """
    gaps = [""]
    last = ""
    for ch in text:
        if ch in _VOWELS:
            gaps[-1] += ch
        elif ch != last:
            gaps.append("")
            last = ch
    return gaps


_VOWEL_CLASS = {"i": "ie", "u": "uo"}
"""The vowels a long vowel written in Arabic or Hebrew script (ي, و: y, w) stands for."""


def long_vowels_fit(abjad_key: str, word: str) -> bool:
    """Every long vowel a word read from Arabic or Hebrew script writes (the y of mhmyd, Mahamid;
    the w of rmwny) has a vowel of its kind in the same place of the other word, and a vowel
    written at the end (the y of mhmdy, Mohammadi) any vowel there (ى ends Mustafa and Noorzai
    alike): mhmyd is not Muhammad, mhmdy not Muhammad, hsyn is still Husayn."""
    written = abjad_key.split(":")[0][1:].split(".")
    other = sound_key(word)
    if other is None:
        return False
    if other.startswith("="):  # both read from such a script: one may write a vowel the other
        theirs = other.split(":")[0][1:].split(".")  # leaves out, but not at the end (-i, ی)
        return theirs[-1] == written[-1] and all(
            not x or not y or x == y for x, y in zip(theirs, written, strict=True)
        )
    text = word
    for spelled, folded in _DIGRAPHS:
        text = text.replace(spelled, folded)
    if word[0] in "yw":
        text = word[0] + text[1:]
    gaps = vowel_gaps(squeeze(text))
    if len(gaps) != len(written):
        return False
    if written[-1] and not gaps[-1]:
        return False  # a vowel written at the end, none in the other (the Persian -i)
    return all(
        not long or any(v in gap for v in _VOWEL_CLASS.get(long[0], long[0]))
        for long, gap in zip(written[:-1], gaps[:-1], strict=True)
    )


_VOWELS = "aeiou"
_VOWEL_GROUP = re.compile(r"[aeiou]+")


def sound_alike(a: str, b: str) -> bool:
    """Two words are one name in two transliterations (see sound_key); a word written without
    vowels (from Arabic script) matches on its consonants alone."""
    ka, kb = sound_key(a), sound_key(b)
    if ka is None or kb is None:
        return False
    if ka == kb:
        return True
    vowel_a, consonants_a, final_a = ka.split(":")
    vowel_b, consonants_b, final_b = kb.split(":")
    if consonants_a != consonants_b:
        return False
    if vowel_a.startswith("="):
        return long_vowels_fit(ka, b)
    if vowel_b.startswith("="):
        return long_vowels_fit(kb, a)
    return vowel_a == vowel_b and {final_a, final_b} in _ALIKE_ENDINGS


_NO_VOWELS = str.maketrans("", "", "aeiou")


def vowels_left_out(a: str, b: str) -> bool:
    """One word is the other with some short vowels left out, as names read from Arabic script
    are (zfr, zafir; mrwan, marwan), at least three letters remaining. A y, or two vowels
    together (ai, ee; French ou is one vowel), stands for a letter the Arabic script writes (ي):
    hsn is Hasan, never Husayn or Husain."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    long = squeeze(long.replace("ou", "u"))
    if len(short) < 3 or len(short) >= len(long):
        return False
    if short.translate(_NO_VOWELS) != long.translate(_NO_VOWELS):
        return False
    at = 0
    kept = set()
    for ch in short:
        found = long.find(ch, at)
        if found < 0:
            return False
        kept.add(found)
        at = found + 1
    # the consonants agree, so only vowels were dropped: never two together
    dropped = {i for i in range(len(long)) if i not in kept}
    return not any(i + 1 in dropped for i in dropped)


@lru_cache(maxsize=1 << 16)
def consonants_of(word: str) -> str | None:
    """The consonants part of a word's sound key (an index key that brings Arabic-script and
    Latin spellings together), or None."""
    key = sound_key(word)
    return key.split(":")[1] if key else None


def is_chinese_syllables(word: str) -> bool:
    """The word is made only of Mandarin syllables (in Pinyin or Wade-Giles)."""
    return _CHINESE_SYLLABLE.fullmatch(word) is not None


def mandarin_key(word: str) -> str | None:
    """The word's Mandarin syllables (see :func:`work_out_mandarin_key`), from the index's table
    of listed words when the word is there."""
    known = KNOWN.get(word)
    return known.mandarin if known is not None else work_out_mandarin_key(word)


@lru_cache(maxsize=1 << 16)
def work_out_mandarin_key(word: str) -> str | None:
    """The word with Wade-Giles and Pinyin spellings folded together, or None when it is not
    made of Mandarin syllables."""
    if not is_chinese_syllables(word):
        return None
    for written, folded in _WADE_GILES:
        word = word.replace(written, folded)
    return word


_PINYIN_ONLY = re.compile(r"x|q|zh|(?<![td])z|c(?!h)")
"""Spellings only Pinyin uses (Wade-Giles writes hs for x, ch' for q, ch for zh, ts or tz for z
and ts' for c)."""
_WADE_GILES_ONLY = re.compile(r"hs|ts|tz|ih$|ieh|ien|ung$|erh")
"""Spellings only Wade-Giles uses (Pinyin writes x, z, c, -i, -ie, -ian, -ong, -er)."""


def written_in_pinyin(tokens: tuple[str, ...]) -> bool:
    """A Chinese name spelled in Pinyin: a word has a spelling only Pinyin uses (Zhang, Xiaoming,
    Qiu, Cai) and none has one only Wade-Giles uses. Two such names are not read as Wade-Giles:
    Chunxian and Junxian, Zhicheng and Jicheng, are other Pinyin syllables."""
    return any(_PINYIN_ONLY.search(t) for t in tokens) and not any(
        _WADE_GILES_ONLY.search(t) for t in tokens
    )


def same_mandarin(a: str, b: str) -> bool:
    """Two words of at least MIN_MANDARIN_WORD letters that are the same Mandarin syllables in
    Pinyin or Wade-Giles (Teng, Deng; Hsiaoping, Xiaoping)."""
    if min(len(a), len(b)) < MIN_MANDARIN_WORD:
        return False
    key = mandarin_key(a)
    return key is not None and key == mandarin_key(b)


def same_particle(a: str, b: str) -> bool:
    """Two spellings of the Arabic article (al, el, ash) or of 'son of' (bin, ibn, ben)."""
    return (a in ARTICLES and b in ARTICLES) or (a in SON_OF and b in SON_OF)


def split_words(
    query: tuple[str, ...], candidate: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two names with words that one writes together and the other apart joined on both
    sides (Silver Star Shipping / SilverStar Shipping; Abdul Rahman / Abdulrahman; Tse-tung /
    Zedong)."""
    return joined_as(query, candidate), joined_as(candidate, query)


# The keys are kept as tuples, not sets: a cached tuple of strings leaves the garbage
# collector's care after its first collection, and a cached set would be walked at every full
# collection for as long as the cache holds it (see ``sever.serve.state.settle_memory``).


@lru_cache(maxsize=1 << 16)
def _join_keys(word: str) -> tuple[str, ...]:
    """The word, its Mandarin key, and its first letter with its consonants (for joining words:
    Tse Tung / Zedong; al Qarwani / alqrwany read from Arabic script). The first letter keeps a
    vowel-led run from joining by its consonants alone (Aye Maung is not Myong)."""
    keys = [word]
    mandarin = mandarin_key(word)
    if mandarin:
        keys.append("m:" + mandarin)
    consonants = consonants_of(word)
    if consonants:
        keys.append(f"~{word[0]}{consonants}")
    return tuple(keys)


@lru_cache(maxsize=1 << 10)
def _join_keys_of(tokens: tuple[str, ...]) -> frozenset[str]:
    """The join keys of every word of a name (a query's, asked for once per candidate: a small
    cache serves the query in hand)."""
    return frozenset(key for token in tokens for key in _join_keys(token))


JOINED_RUN = (3, 2)
"""Words tried joined together, longest run first (Silver Star Shipping / SilverStarShipping)."""


def joined_runs(tokens: tuple[str, ...]) -> list[str]:
    """Every run of JOINED_RUN adjacent words of a name, joined: the words the matcher may look
    up (see :func:`joined_as`)."""
    return [
        "".join(tokens[i : i + size]) for size in JOINED_RUN for i in range(len(tokens) - size + 1)
    ]


@lru_cache(maxsize=1 << 16)
def _run_keys(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The join keys of every run of words of a name that :func:`joined_as` may try joined."""
    return tuple(key for run in joined_runs(tokens) for key in _join_keys(run))


def joined_as(tokens: tuple[str, ...], other_tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Runs of two or three adjacent words joined where the joined word is a word of the other
    name (in Pinyin or Wade-Giles for Mandarin syllables)."""
    if len(tokens) < 2:
        return tokens
    other = _join_keys_of(other_tokens)
    if other.isdisjoint(_run_keys(tokens)):
        return tokens  # no run of words joins into a word of the other name (most pairs)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in JOINED_RUN if tokens[i] not in other else ():
            if i + size > len(tokens):
                continue
            joined = "".join(tokens[i : i + size])
            if any(len(t) == 1 for t in tokens[i : i + size]) and joined not in other:
                continue  # an initial joins only into the same word (N P C, NPC; not Gennady A.)
            if not other.isdisjoint(_join_keys(joined)):
                out.append(joined)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def abbreviated_as(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Runs of words of one name replaced by the abbreviation of their initials that the other
    name writes (Information Technology → IT)."""
    short = {t for t in other if 2 <= len(t) <= 4 and t.isalpha() and t not in tokens}
    if not short or len(tokens) < 2:
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (4, 3, 2):
            run = tokens[i : i + size]
            initials = "".join(t[0] for t in run)
            if len(run) == size and initials in short and all(len(t) > 1 for t in run):
                out.append(initials)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def place_words() -> frozenset[str]:
    """Names of countries (FollowTheMoney's list) as single words: china, chile, austria."""
    global _PLACES
    if _PLACES is None:
        words = set()
        for label in registry.country.names.values():
            folded = latin_words(label)
            if " " not in folded and folded.isalpha() and len(folded) >= 4:
                words.add(folded)
        _PLACES = frozenset(words)
    return _PLACES


def number_difference(
    query: tuple[str, ...], candidate: tuple[str, ...], pairs: list[tuple[str, str, float]]
) -> str | None:
    """A number in each name, a different one (Fund 3 / Fund 4, Snow Storm 1 / Snow Storm 2),
    in the analyst's words; None when there is none."""
    matched_q = {a for a, _, _ in pairs}
    matched_c = {b for _, b, _ in pairs}
    left_q = [t for t in query if t not in matched_q]
    left_c = [t for t in candidate if t not in matched_c]
    numbers_q = [t for t in left_q if t.isdigit()]
    numbers_c = [t for t in left_c if t.isdigit()]
    if numbers_q and numbers_c:
        return f"the numbers differ ({numbers_q[0]} / {numbers_c[0]})"
    for a, b, _ in pairs:
        if a.isdigit() and b.isdigit() and a != b:
            return f"the numbers differ ({a} / {b})"
    return None


def place_difference(
    query: tuple[str, ...], candidate: tuple[str, ...], pairs: list[tuple[str, str, float]]
) -> str | None:
    """A country named in both names, a different one in each (Bank of Chile / Bank of China).
    None when there is none."""
    places = place_words()
    matched_q = {a for a, b, s in pairs if s == 1.0}
    matched_c = {b for a, b, s in pairs if s == 1.0}
    left_q = [t for t in query if t in places and t not in matched_q]
    left_c = [t for t in candidate if t in places and t not in matched_c]
    if left_q and left_c:
        return f"the places differ ({left_q[0]} / {left_c[0]})"
    return None
