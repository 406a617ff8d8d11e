"""Arabic-script names made ready for ICU's transliteration the way Latin lists write them.

ICU's Any-Latin reads Arabic script letter by letter, which is right for most letters but writes
three things as no Latin list does:

- the article ال joined to its word (التكريتي, altkryty), where Latin lists write it apart
  (al-Tikriti); it is set apart here as Latin writing sets it, with a hyphen, in names of two
  words or more (see MIN_WORDS_FOR_ARTICLE);
- ة, the feminine ending, as t (حمزة, hmzt), where names are written Hamza, Samira, Khawla
  (the t is heard only before another word, which names in lists never show); it is read a here;
- ع as ʿ, which the matcher's ASCII folding drops (عبد, bd; عباس, bas), where at the start of a
  word Latin lists write a vowel (Abd, Abbas, Aziz); it is read a there, unless a long vowel
  follows, which ICU writes already (عادل, adl: Adil).

ع inside a word is left as ICU reads it (dropped: سعد, sd, is Saad or Sa'd alike).
"""

from __future__ import annotations

import re

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[\u0600-\u06ff]+")
_ARTICLE = "ال"
_GOD = frozenset({"الله", "اللہ", "اللهم"})
"""Allah is one word, not the article and a word (عبد الله: Abdallah, Abd Allah)."""
_ALIF = "ا"
_AIN = "ع"
_LONG_VOWELS = frozenset("اآىوي")
_TA_MARBUTA = "ة"
MIN_WORDS_FOR_ARTICLE = 2
"""Arabic-script words a name must have for its articles to be set apart. A name of one word
(الشامي, a company's: al-Shami LLC) would otherwise gain a word, al, that agrees with the al of
any listed name (AL SHAM COMPANY): screening faker's company names, that made false matches."""
MIN_AFTER_ARTICLE = 2
"""Letters a word must keep after ال for the article to be set apart (الم is no article)."""


def has_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


def _word(word: str, article: bool = True) -> str:
    if word.endswith(_TA_MARBUTA):
        word = word[:-1] + _ALIF
    if word.startswith(_AIN) and len(word) > 1 and word[1] not in _LONG_VOWELS:
        word = _ALIF + word[1:]
    if (
        article
        and word.startswith(_ARTICLE)
        and word not in _GOD
        and len(word) - len(_ARTICLE) >= MIN_AFTER_ARTICLE
    ):
        rest = _word(word[len(_ARTICLE) :])
        return f"{_ARTICLE}-{rest}"
    return word


def as_latin_lists_write(text: str) -> str:
    """Arabic-script words rewritten for ICU (see the module's docstring); other text as is."""
    if not has_arabic(text):
        return text
    article = len(_WORD.findall(text)) >= MIN_WORDS_FOR_ARTICLE
    return _WORD.sub(lambda m: _word(m.group(0), article), text)
