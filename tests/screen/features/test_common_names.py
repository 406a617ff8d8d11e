"""Common names, one word with initials, generic company names: weak evidence on their own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.screen import THRESHOLD, score
from sever.screen.features.common_names import is_common_name
from sever.screen.features.names import prepare_name
from sever.screen.search import REVIEW_CUTOFF

REVIEW = 0.5
"""Scores from here up to the threshold are for an analyst to review."""


@pytest.mark.parametrize(
    ("name", "common"),
    [("Mohammed Ali", True), ("Emma Lee", True), ("John Smith", True), ("Li Lee", True),
     ("Kim Min-jun", True),  # a common family name with a common whole given name
     ("Kim Jong Un", False),  # Kim is common, Jong Un as a whole is not
     ("KIM, Song Nam", False), ("Yu Jin", False),  # Korean names, not common words
     ("RI, Yong Ho", False), ("Kiselev Sergeyevich", False), ("Ahmed Andersson Ghailani", False),
     ("Mohammed", False)],  # one word is not a full name
)  # fmt: skip
def test_which_names_are_common(name: str, common: bool) -> None:
    prepared = prepare_name(name)[0]
    assert is_common_name(prepared.tokens, prepared.korean) is common


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Mohammed Ali", ["KONY, Ali", "Ali Mohammed"]),
     ("Hassan Ali", ["MORTEZAVI, Hasan", "ALI, Hassan"]),
     ("Emma Lee", ["LI, Yongxin", "LEE, Emma"])],
)  # fmt: skip
def test_the_same_common_name_alone_is_for_review(
    make: Callable[..., EntityProxy], query: str, listed: list[str]
) -> None:
    result = score(make("Person", name=query), make("Person", name=listed[0], alias=listed[1:]))
    assert REVIEW <= result.score < THRESHOLD, result.explanation
    assert "very common" in result.explanation


def test_li_lee_is_li_yi_read_as_korean_but_both_are_common(
    make: Callable[..., EntityProxy],
) -> None:
    result = score(make("Person", name="Li Lee"), make("Person", name="LI, Yi"))
    assert not result.match, result.explanation
    assert "read as Korean" in result.explanation and "very common" in result.explanation


def test_birth_date_and_nationality_lift_a_common_name_to_a_match(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make(
        "Person", name="KONY, Ali", alias="Ali Mohammed", birthDate="1961-07-03", nationality="ug"
    )
    alone = score(make("Person", name="Mohammed Ali"), listed)
    supported = score(
        make("Person", name="Mohammed Ali", birthDate="1961-07-03", nationality="ug"), listed
    )
    assert alone.score < THRESHOLD <= supported.score


def test_a_specific_korean_name_is_not_common(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy
) -> None:
    result = score(make("Person", name="Kim Jong Un"), kim_jong_un)
    assert result.score >= 0.9, result.explanation
    assert all(f.name != "name_commonness" for f in result.features)


def test_a_rare_name_ranks_above_a_common_one(make: Callable[..., EntityProxy]) -> None:
    rare = score(make("Person", name="Ghailani Khalfan"), make("Person", name="KHALFAN, Ghailani"))
    common = score(make("Person", name="Mohammed Ali"), make("Person", name="ALI, Mohammed"))
    assert rare.score > THRESHOLD > common.score


def test_one_word_and_an_initial_is_for_review_at_most(make: Callable[..., EntityProxy]) -> None:
    listed = make("Person", name="AHMED KHALFAN GHAILANI", alias="Ahmed, A")
    result = score(make("Person", name="Ahmed Andersson"), listed)
    assert result.score < THRESHOLD, result.explanation
    assert "one name and initials" in result.explanation


@pytest.mark.parametrize(
    ("query", "listed", "matches"),
    [  # the same words once legal forms are set aside: the same company, whatever the words
     ("Global Energy Corporation", "GLOBAL ENERGY COMPANY S.A.S.", True),
     # generic words only: an extra word on either side counts against
     ("Golden Shipping Limited", "GOLDEN ENTERPRISE SHIPPING LIMITED", False),
     ("Ocean Pacific Limited", "PACIFIC OCEAN SHIPPING LIMITED", False),
     ("Maritime Investment Corporation", "TRADING & MARITIME INVESTMENTS", False),
     ("United Services Pte Ltd", "UNITED MARINE SERVICES SARL", False)],
)  # fmt: skip
def test_generic_company_names_must_agree_almost_exactly(
    make: Callable[..., EntityProxy], query: str, listed: str, matches: bool
) -> None:
    result = score(make("Company", name=query), make("Company", name=listed))
    assert result.match is matches, result.explanation


def test_a_distinctive_company_word_ranks_above_generic_words(
    make: Callable[..., EntityProxy],
) -> None:
    distinctive = score(
        make("Company", name="Ryonbong Shipping Limited"),
        make("Company", name="RYONBONG ENTERPRISE SHIPPING LIMITED"),
    )
    generic = score(
        make("Company", name="Golden Shipping Limited"),
        make("Company", name="GOLDEN ENTERPRISE SHIPPING LIMITED"),
    )
    assert distinctive.score > THRESHOLD > generic.score


def test_short_legal_forms_spell_no_acronym(make: Callable[..., EntityProxy]) -> None:
    result = score(
        make("Company", name="Eagle Partners Pte Ltd"),
        make("Company", name="SHINING PATH", alias="EPP"),
    )
    assert not result.match, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Kim Min-jun", "KIM, Min Jun"),  # a Korean given name counts as one word, not two
        ("李秀英", "RI SU YONG"),  # a common Chinese name read as Korean is common too
        ("Li Xiu Ying", "LI, Xiuying"),
    ],
)
def test_a_common_korean_or_chinese_name_alone_is_for_review(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Person", name=query), make("Person", name=listed))
    assert REVIEW_CUTOFF <= result.score < THRESHOLD, result.explanation
    assert "very common" in result.explanation
