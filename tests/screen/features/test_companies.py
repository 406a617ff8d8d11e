"""Company names: legal forms and generic words weigh little; acronyms match their expansions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.screen import THRESHOLD, name_keys, score
from sever.screen.features.companies import acronym_matches, compare_org_names, legal_form_tokens
from sever.screen.search import REVIEW_CUTOFF


@pytest.mark.parametrize(
    ("acronym", "name", "expected"),
    [("komid", "korea mining development trading corporation", True),
     ("omm", "ocean maritime management company limited", True),
     ("kpa", "korea mining development trading corporation", False),
     ("komid", "korea ocean mining", False),
     ("tro", "tamils rehabilitation organisation", True),
     ("tro", "trading ocean ltd", False)],  # short acronyms are plain initials
)  # fmt: skip
def test_acronyms_are_spelled_by_the_starts_of_the_words(
    acronym: str, name: str, expected: bool
) -> None:
    assert acronym_matches(acronym, tuple(name.split())) is expected


def test_legal_forms_do_not_tell_companies_apart() -> None:
    a = ("hapjanggang", "shipping", "corp")
    b = ("hapjanggang", "shipping", "company", "limited")
    score_same, _ = compare_org_names(a, b)
    score_other, _ = compare_org_names(a, ("ryonbong", "shipping", "corp"))
    assert score_same > 0.9 > score_other


def test_generic_words_alone_match_nothing() -> None:
    value, _ = compare_org_names(
        ("korea", "kumsan", "trading", "corporation"),
        ("korea", "ryonbong", "trading", "corporation"),
    )
    assert value == 0.0


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Jinyong Information Technology Cooperation Co., Ltd",
      "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY"),
     ("Korea Ryonbong General Corp.", "KOREA RYONBONG GENERAL CORPORATION")],
)  # fmt: skip
def test_company_variants_match(make: Callable[..., EntityProxy], query: str, listed: str) -> None:
    result = score(make("Company", name=query), make("Company", name=listed))
    assert result.match, result.explanation


def test_an_acronym_and_its_expansion_share_an_index_key(make: Callable[..., EntityProxy]) -> None:
    listed = make("Company", name="KOREA MINING DEVELOPMENT TRADING CORPORATION")
    assert name_keys(make("Company", name="KOMID")) & name_keys(listed)


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Tarvelo Quendrin Exports Company", "TQE"),  # initials of the query, acronym listed
     ("Halvorsk Ostrava Resin AG", "HOR"),
     ("Marsk Quorvel Zinc", "MQZ"),
     ("QUODIX", "Quorvel Danube Ixion Company")],  # acronym queried, full name listed
)  # fmt: skip
def test_an_acronym_alone_is_a_review_at_most(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    """Three to eight letters are the initials of a great many names."""
    result = score(make("Company", name=query), make("Company", name=listed))
    assert REVIEW_CUTOFF <= result.score < THRESHOLD, result.explanation
    assert "acronym" in result.explanation


def test_an_acronym_with_an_identifier_that_agrees_matches(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make("Company", name="TQE", registrationNumber="HRB 40417")
    query = make("Company", name="Tarvelo Quendrin Exports Company", registrationNumber="HRB 40417")
    assert score(query, listed).match


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Velko GmbH", "VELKA"),  # a letter changed
     ("Torvik", "TORVIG TRADING LIMITED"),  # a letter changed, a generic word more
     ("Bourak GmbH", "BURAK LLC")],  # vowels respelled, beside legal forms only
)  # fmt: skip
def test_one_short_word_spelled_differently_is_a_review_at_most(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    """A company named by one short word a letter away from the listed one's is another
    company as often as the same one."""
    result = score(make("Company", name=query), make("Company", name=listed))
    assert REVIEW_CUTOFF <= result.score < THRESHOLD, result.explanation
    assert "one short word only" in result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Velko GmbH", "VELKO LLC"),  # the same short word
     ("Kravtsovgaz OOO", "KRAVTSOVGAS JSC"),  # a long word respelled
     ("Chinsong Trading", "JINSONG TRADING CORP"),  # one Korean word in two romanisations
     ("Bourak Trading", "BURAK TRADING LLC")],  # vowels respelled, a generic word agrees
)  # fmt: skip
def test_one_word_that_agrees_still_matches(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Company", name=query), make("Company", name=listed))
    assert result.match, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Vetrosan D.O.O.", "VETROSAN LTD"),  # rigour's d.o.o., its dots lost in the words
     ("Kelmora Trading W.L.L.", "KELMORA TRADING LLC"),
     ("JSB Orvimbank", "ORVIMBANK"),
     ("Dravimex EOOD", "DRAVIMEX LTD")],
)  # fmt: skip
def test_legal_forms_the_lists_write_do_not_tell_companies_apart(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Company", name=query), make("Company", name=listed))
    assert result.match, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Tarvelo Ship Management Private Limited", "TARVELO SHIP MANAGEMENT PVT LTD"),
     ("Kestrana Holdings", "KESTRANA HOLDINGS PRIVATE LIMITED"),  # Private is the legal form's
     ("Orvandi Bank B.S.C.", "ORVANDI BANK"),
     ("Merlavo Proje Yatirim A.S.", "MERLAVO PROJE YATIRIM ANONIM SIRKETI"),
     ("Limited Liability Company Vostrelgaz", "VOSTRELGAZ OOO")],
)  # fmt: skip
def test_legal_forms_written_out_or_letter_by_letter_do_not_tell_companies_apart(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Company", name=query), make("Company", name=listed))
    assert result.match, result.explanation


def test_private_is_a_word_of_the_name_unless_a_legal_form_follows() -> None:
    assert "private" in legal_form_tokens(("tarvelo", "private", "limited"))
    assert "private" not in legal_form_tokens(("tarvelo", "private", "bank"))


def test_a_company_s_spelled_out_legal_form_makes_no_index_keys(
    make: Callable[..., EntityProxy],
) -> None:
    """Thousands of listed companies are a Limited Liability Company: those words would bring
    every one of them before the one word that names the company."""
    keys = name_keys(make("Company", name="Limited Liability Company Vostrelgaz"))
    assert "t:vostrelgaz" in keys
    assert not {"t:limited", "t:liability", "t:limitedliability"} & keys
    person = name_keys(make("Person", name="Limited Liability Vostrelgaz"))
    assert "t:liability" in person  # a person's words are all their own


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Terashk Bank Armenia", "TERASHK BANK"),  # the lists' affiliates differ by one word
     ("Terashk Trading Company", "TERASHK INVESTMENT AND TRADING"),  # one distinctive word
     ("Orvela Terashk Fund 3", "ORVELA TERASHK FUND 4 LTD"),  # a number differs
     ("Orvela Terashk Bank of Chile", "ORVELA TERASHK BANK OF CHINA")],  # a country differs
)  # fmt: skip
def test_a_name_within_another_is_a_review_at_most(
    make: Callable[..., EntityProxy], query: str, listed: str
) -> None:
    result = score(make("Company", name=query), make("Company", name=listed))
    assert not result.match, result.explanation
