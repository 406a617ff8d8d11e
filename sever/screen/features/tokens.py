"""Word-by-word similarity shared by people's and companies' names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from sever.screen.features import spelling

INITIAL_CREDIT = 0.8
"""How much a single initial (J.) counts when it stands for a word that starts with it (Jong)."""
SPELLING_CREDIT = 0.95
"""How much two words count that are one name in two transliterations (Husayn, Hussein; Teng,
Deng; Chérif, Sharif): nearly the same word."""
TYPO_COST = 0.5
"""Share of a word's letters that one slip (a letter dropped, added, changed or two swapped)
costs: a slip in a four-letter word leaves it 0.875 alike."""


@dataclass(slots=True)
class Alignment:
    """How the words of two names paired up. Read-only by convention (it is cached and shared):
    not frozen, for the reason given at :class:`~sever.screen.features.Observation`."""

    score: float
    """Weighted share of the words, on both sides, that found a partner (Dice)."""
    query_coverage: float
    """Weighted share of the query's words that found a partner."""
    candidate_coverage: float
    """Weighted share of the listed name's words that found a partner."""
    pairs: list[tuple[str, str, float]]


PATRONYMIC_ENDINGS = ("ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna")
"""Endings of East Slavic patronymics (Sergeyevich, Nikolaevna)."""


SURNAME_ENDINGS = ("ova", "eva", "ov", "ev", "ina", "in")
"""Endings of East Slavic surnames made from a first name (Nikolaeva, Petrov, Ilyina)."""


def patronymic_against_surname(a: str, b: str) -> bool:
    """One word is a patronymic and the other the surname made from the same first name
    (Nikolaevna against Nikolaeva): different name parts, however alike they look."""
    if len(a) <= 6 and len(b) <= 6:  # neither can be a patronymic
        return False
    for one, other in ((a, b), (b, a)):
        if is_patronymic(one) and not is_patronymic(other) and other.endswith(SURNAME_ENDINGS):
            return True
    return False


MIN_GENDERED = 6
"""Shortest word whose ending is read as its gender (Rafaela, Daniela): shorter words are as
often one name in two transliterations (Zamba, Zambo)."""


def gendered_forms(a: str, b: str) -> bool:
    """The woman's and the man's form of one name: -a after a consonant against -o or against no
    ending (Rafaela, Rafael; Alejandra, Alejandro; Ivanova, Ivanov). Other people, however alike
    they look. A vowel before the -a is a transliteration's (Figueroa, Figuero; Bahaa, Baha)."""
    for one, other in ((a, b), (b, a)):
        if len(one) >= MIN_GENDERED and one.endswith("a") and one[-2] not in "aeiouy":
            stem = one[:-1]
            if other == stem or (other.endswith("o") and other[:-1] == stem):
                return True
    return False


def _feminine(word: str) -> bool:
    """A word in a woman's form: -a after a consonant (see :func:`gendered_forms`)."""
    return len(word) >= MIN_GENDERED and word.endswith("a") and word[-2] not in "aeiouy"


def is_patronymic(word: str) -> bool:
    """A father's name in the Russian or Ukrainian manner: its own name part, never a surname."""
    return len(word) > 6 and word.endswith(PATRONYMIC_ENDINGS)


@lru_cache(maxsize=1 << 18)
def token_similarity(a: str, b: str) -> float:
    """How alike two words are: 1.0 the same (al and el, bin and ibn count as the same); a slip in
    a word of four letters or more (two in a word of nine or more; none in a word written without
    vowels), a doubled letter (Fawaz,
    Fawwaz) or two swapped letters a little less; one name in two transliterations
    SPELLING_CREDIT (see :mod:`sever.screen.features.spelling`); an initial that fits (J. for
    Jong) INITIAL_CREDIT; otherwise 0. A woman's form of a name is not the man's (Rafaela,
    Rafael: see :func:`gendered_forms`). Other slips in words under four letters, and any
    difference between numbers, make another word; a patronymic is never a slip away from a
    surname (Nikolaevna is not Nikolaeva)."""
    if a == b or spelling.same_particle(a, b):
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_CREDIT if a[0] == b[0] else 0.0
    if patronymic_against_surname(a, b) or gendered_forms(a, b) or a.isdigit() or b.isdigit():
        return 0.0
    longest = max(len(a), len(b))
    facts_a, facts_b = _spelling_facts(a), _spelling_facts(b)
    if facts_a[0] == facts_b[0]:
        return 1.0 - TYPO_COST / longest
    if _spelled_alike(a, b, facts_a, facts_b):
        return SPELLING_CREDIT
    allowed = 0 if longest < 4 or _written_without_vowels(a, b) else (1 if longest < 9 else 2)
    folded_a, folded_b = a, b
    if min(len(a), len(b)) >= MIN_FOLDED and facts_a[6] == facts_b[6]:
        folded_a, folded_b = facts_a[5], facts_b[5]
        if allowed and folded_a == folded_b:
            return SPELLING_CREDIT
    distance = OSA.distance(folded_a, folded_b, score_cutoff=allowed) if allowed else 1
    if allowed and abs(len(folded_a) - len(folded_b)) <= allowed and distance <= allowed:
        return 1.0 - TYPO_COST * distance / longest
    if longest < 4 and len(a) == len(b) and sorted(a) == sorted(b) and a[0] == b[0]:
        return 1.0 - TYPO_COST / longest  # two letters swapped in a short word (Ail, Ali)
    return 0.0


_NO_VOWELS = str.maketrans("", "", "aeiou")


def _written_without_vowels(a: str, b: str) -> bool:
    """Either word has no vowel letter: read from Arabic or Hebrew script, where a letter more or
    less is a consonant, and another name (mhmdy, Mohammadi, is not ahmdy, Ahmadi)."""
    return a.translate(_NO_VOWELS) == a or b.translate(_NO_VOWELS) == b


SLAVIC_SPELLINGS = (("x", "ks"), ("ck", "k"), ("y", "i"))
"""How Latin transliterations of East Slavic names differ, folded together: Alexander, Aleksandr;
Andrei, Andrey; Zdrilyuk, Zdriliuk; and a c that sounds k written k (see _HARD_C)."""
MIN_FOLDED = 6
"""Shortest words compared by their folded forms (see slavic_fold): in shorter words folding
leaves too little (Yan folded is ian, a slip from Ivan; Carla and Karla are two names). A woman's
form is never compared folded with the man's (Aleksandra, Alexander)."""
_HARD_C = re.compile(r"c(?=[aoulrt]|$)")
"""A c read k (Victor, Viktor; Nicolai, Nikolai). Before e, i or another consonant a c is read
ts in Slavic names (Cvetkov, Tsvetkov) and is not folded to k; nor is j folded to i (Jamal and
Yamal are two names)."""


@lru_cache(maxsize=1 << 17)
def slavic_fold(word: str) -> str:
    """A word with the transliteration habits of East Slavic names folded together (see
    SLAVIC_SPELLINGS), a leading ye or ie written e (Yevgeniy, Evgeny), and a final -ii, -iy or
    -y written -i (Dmitrii, Dmitriy)."""
    text = word[1:] if word[:2] in ("ye", "ie") and len(word) > 4 else word
    text = _HARD_C.sub("k", text)
    for written, folded in SLAVIC_SPELLINGS:
        text = text.replace(written, folded)
    return text[:-1] if text.endswith("ii") else text


@lru_cache(maxsize=1 << 17)
def _spelling_facts(word: str) -> tuple[str, str | None, str | None, str, str, str, bool]:
    """What :func:`token_similarity` asks of each word of a pair, worked out once per word: the
    word squeezed, the consonants of its sound key, its Mandarin syllables, its letters without
    vowels, those of its squeezed form as :func:`spelling.vowels_left_out` reads the longer
    word, the word with Slavic transliteration habits folded (see :func:`slavic_fold`), and
    whether it is in a woman's form (see :func:`_feminine`). Most pairs of words differ in all of
    these, and are then told apart without the spelling checks themselves (a query meets
    thousands of listed words it has never met)."""
    long_form = spelling.squeeze(word.replace("ou", "u"))
    return (
        spelling.squeeze(word),
        spelling.consonants_of(word),
        spelling.mandarin_key(word),
        word.translate(_NO_VOWELS),
        long_form.translate(_NO_VOWELS),
        slavic_fold(word),
        _feminine(word),
    )


def _spelled_alike(a: str, b: str, facts_a: tuple, facts_b: tuple) -> bool:
    """``spelling.sound_alike``, ``same_mandarin`` or ``vowels_left_out``, each asked only when
    the words' facts allow it (each needs its key equal on both sides)."""
    if facts_a[1] is not None and facts_a[1] == facts_b[1] and spelling.sound_alike(a, b):
        return True
    if facts_a[2] is not None and facts_a[2] == facts_b[2] and spelling.same_mandarin(a, b):
        return True
    short, long = (facts_a, facts_b) if len(a) < len(b) else (facts_b, facts_a)
    return short[3] == long[4] and spelling.vowels_left_out(a, b)


@lru_cache(maxsize=1 << 16)
def syllable_similarity(a: str, b: str) -> float:
    """How alike two words of Chinese names in Latin letters are: the same syllables, in Pinyin or
    Wade-Giles (Teng, Deng), or an initial that fits. A letter more or less makes another
    syllable and another name (Ceng is not Cheng, Fangfei is not Fangwei), so no slip is
    forgiven."""
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_CREDIT if a[0] == b[0] else 0.0
    return SPELLING_CREDIT if spelling.same_mandarin(a, b) else 0.0


@lru_cache(maxsize=1 << 16)
def pinyin_similarity(a: str, b: str) -> float:
    """How alike two words of Chinese names both spelled in Pinyin are: the same syllables, or an
    initial that fits. Pinyin spells each syllable one way, so no other spelling is forgiven
    (Junxian is not Chunxian)."""
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_CREDIT if a[0] == b[0] else 0.0
    return 0.0


def align_tokens(
    query: tuple[str, ...],
    candidate: tuple[str, ...],
    weight: Callable[[str], float] = len,
    similarity: Callable[[str, str], float] = token_similarity,
) -> Alignment:
    """Pair the words of two names in whatever order they are written, best pairs first (by
    default a word weighs its length in letters)."""
    pairs = [
        (sim, i, j)
        for i, q in enumerate(query)
        for j, c in enumerate(candidate)
        if (sim := similarity(q, c)) > 0
    ]
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    weights_q = list(map(weight, query))
    weights_c = list(map(weight, candidate))
    matched_q = matched_c = 0.0
    aligned: list[tuple[str, str, float]] = []
    for sim, i, j in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        matched_q += sim * weights_q[i]
        matched_c += sim * weights_c[j]
        aligned.append((query[i], candidate[j], sim))
    total_q = sum(weights_q)
    total_c = sum(weights_c)
    if not total_q or not total_c:
        return Alignment(0.0, 0.0, 0.0, aligned)
    dice = (matched_q + matched_c) / (total_q + total_c)
    return Alignment(dice, matched_q / total_q, matched_c / total_c, aligned)
