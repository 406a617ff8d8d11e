"""Names across scripts: how they are prepared, ordered, keyed for the index."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.screen import name_keys, prepare, score
from sever.screen.features.names import prepare_name


def test_titles_and_honorifics_are_removed() -> None:
    assert prepare_name("General Kim Jong Un")[0].tokens == ("kim", "jong", "un")
    assert prepare_name("Mr. Ri Yong Gil")[0].tokens == ("ri", "yong", "gil")
    assert prepare_name("김정은 동지")[0].hangul == "김정은"


def test_a_hangul_name_carries_its_romanisations() -> None:
    forms = prepare_name("김정은")
    assert {f.tokens for f in forms} == {("kim", "chong", "un"), ("gim", "jeong", "eun")}


def test_chinese_characters_are_read_in_korean_and_in_pinyin() -> None:
    forms = prepare_name("金正恩")
    assert forms[0].hangul == "김정은"
    assert ("jin", "zheng", "en") in {f.tokens for f in forms}


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Jong Un Kim", "KIM, Jong Un"), ("Kim Jongun", "KIM, Jong Un"),
     ("Kim Jong-Un", "KIM Jong Un"),
     ("Kiselev Sergeyevich", "KISELEV, Mikhail Sergeyevich"), ("K. Jong Un", "KIM, Jong Un")],
)  # fmt: skip
def test_order_spacing_missing_parts_and_initials(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Person", name=query), make("Person", name=listed))
    assert result.match, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Kim Su Yong", "KIM, Yong Su"), ("Kim Myong Nam", "KIM, Kyong Nam"),
     ("Yuan Yun", "YUAN, Yun Xia"),
     ("Kim Jong", "KIM, Jong Un")],
)  # fmt: skip
def test_other_korean_and_chinese_names_do_not_match(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Person", name=query), make("Person", name=listed))
    assert not result.match, result.explanation


def test_a_typo_in_a_long_word_ranks_above_a_different_name(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make("Person", name="KIM, Jong Un")
    typo = score(make("Person", name="Kim Jomg Un"), listed)
    other = score(make("Person", name="Kim Jong Nam"), listed)
    assert typo.match and typo.score > other.score


def test_name_keys_bring_spellings_together(make: Callable[..., EntityProxy]) -> None:
    listed = name_keys(make("Person", name="KIM, Jong Un"))
    for query in ("김정은", "Gim Jeong-eun", "Kim Jongun", "金正恩"):
        shared = name_keys(prepare(make("Person", name=query))) & listed
        assert "kg:jong-un" in shared, query


def test_a_known_family_name_is_not_swapped(make: Callable[..., EntityProxy]) -> None:
    """赵伟 is Zhao Wei, family name Zhao: the listed ZHAO, Wei ranks above WEI, Zhao."""
    query = make("Person", name="赵伟")
    same = score(query, make("Person", name="ZHAO, Wei"))
    swapped = score(query, make("Person", name="WEI, Zhao"))
    assert same.score > swapped.score


def test_a_surname_is_not_a_slip_away_from_a_patronymic(
    make: Callable[..., EntityProxy],
) -> None:
    """Nikolaeva (a surname) is not Nikolaevna (a father's name): leaving out the listed surname
    and writing the patronymic as a surname is a different woman."""
    listed = make("Person", name="ZAKHAROVA, Svetlana Nikolaevna")
    other = score(make("Person", name="Svetlana Nikolaeva"), listed)
    same = score(make("Person", name="Svetlana Nikolaevna Zakharova"), listed)
    slip = score(make("Person", name="Svetlana Nikolayevna Zakharova"), listed)
    assert not other.match
    assert same.match and slip.match


def test_a_name_read_from_another_script_is_never_taken_for_a_title() -> None:
    """عمر (Umar) is read amr (mr without its vowels and ع): a name, not Mister."""
    assert prepare_name("عمر حسان الدباغ")[0].tokens == ("amr", "hsan", "al", "dbagh")
    assert prepare_name("Mr Hassan Dabbagh Sayef")[0].tokens == ("hassan", "dabbagh", "sayef")
