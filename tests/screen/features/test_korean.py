"""Korean syllable keys: what romanisations, scripts and habits must collapse, and what must not."""

from __future__ import annotations

import pytest

from sever.screen.features import korean


def keys(word: str) -> set[tuple]:
    return set(korean.read_romanised(word))


@pytest.mark.parametrize(
    "spellings",
    [("jong", "chong", "jeong"), ("un", "eun", "ŭn"), ("yong", "ryong", "lyong", "yeong"),
     ("gil", "kil"), ("ri", "yi", "lee", "rhee", "i"), ("choe", "choi", "chwe"), ("o", "oh"),
     ("ryu", "yu", "yoo"), ("jon", "jeon", "chon"), ("pak", "bak"), ("kim", "gim")],
)  # fmt: skip
def test_spellings_of_one_syllable_share_a_key(spellings: tuple[str, ...]) -> None:
    readings = [keys(korean.strip_marks(s)) for s in spellings]
    common = set.intersection(*readings)
    assert common, f"{spellings} have no reading in common: {readings}"


@pytest.mark.parametrize(
    ("a", "b"), [("jong", "jon"), ("un", "man"), ("kim", "kil"), ("sik", "nam")]
)
def test_different_syllables_keep_different_keys(a: str, b: str) -> None:
    assert not keys(a) & keys(b)


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [("김", "kim"), ("정", "jong"), ("은", "un"), ("리", "ri"), ("룡", "yong"), ("렬", "ryol"),
     ("최", "choe"), ("박", "pak"), ("오", "o"), ("류", "yu")],
)  # fmt: skip
def test_hangul_syllables_read_like_their_romanisations(hangul: str, latin: str) -> None:
    assert (korean.hangul_key(hangul),) in korean.read_romanised(latin)


def test_hangul_is_read_syllable_by_syllable_without_sound_changes() -> None:
    """ko-pron romanises 오극렬 as ogŭngnyŏl; the lists write O Kuk-ryol."""
    assert [korean.hangul_key(s) for s in "극렬"] == list(korean.read_romanised("kukryol")[0])
    assert korean.romanise_name("오극렬", "mr") == "O Kŭk-ryŏl"


@pytest.mark.parametrize(
    ("name", "system", "expected"),
    [
        ("김정은", "mr", "Kim Chŏng-ŭn"),
        ("김정은", "rr", "Gim Jeong-eun"),
        ("리영길", "rr", "Ri Yeong-gil"),
    ],
)
def test_hangul_names_are_shown_in_both_romanisations(
    name: str, system: str, expected: str
) -> None:
    assert korean.romanise_name(name, system) == expected


@pytest.mark.parametrize(
    ("hanja", "hangul"), [("金正恩", "김정은"), ("李英吉", "리영길"), ("朴", "박")]
)
def test_chinese_characters_take_their_korean_name_readings(hanja: str, hangul: str) -> None:
    assert korean.hanja_to_hangul(hanja) == hangul


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [("김정은", "김", "정은"), ("남궁민수", "남궁", "민수"), ("김 정은", "김", "정은")],
)
def test_hangul_names_split_into_family_and_given(text: str, family: str, given: str) -> None:
    assert korean.split_hangul_name(text) == (family, given)


def test_joined_syllables_keep_every_reading() -> None:
    readings = korean.read_romanised("jongun")
    assert (("j", "o", "ng"), ("", "u", "n")) in readings
    assert (("j", "o", "n"), ("k", "u", "n")) in readings


def test_words_that_cannot_be_korean_have_no_reading() -> None:
    assert korean.read_romanised("lazarus") == ()
    assert korean.read_romanised("x") == ()


def test_cyrillic_spelling_is_read_with_its_ambiguities() -> None:
    """Чен may be 정 (the traditional Russian spelling of Kim Jong Il's name)."""
    assert (("j", "o", "ng"),) in korean.cyrillic_readings("Чен")
    assert (("j", "o", "ng"),) in korean.cyrillic_readings("Чжон")


@pytest.mark.parametrize(
    ("a", "b", "similarity"),
    [(("j", "o", "ng"), ("j", "o", "ng"), 1.0),
     (("j", "o", "ng"), ("j", "u", "ng"), korean.NEAR_VOWEL_CREDIT),
     (("j", "o", "ng"), ("j", "o", "n"), 0.0), (("", "u", "n"), ("m", "a", "n"), 0.0)],
)  # fmt: skip
def test_syllable_similarity(a: tuple, b: tuple, similarity: float) -> None:
    assert korean.syllable_similarity(a, b) == similarity
