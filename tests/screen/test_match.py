"""The issue's acceptance cases for the matcher, as a specification."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.screen import THRESHOLD, prepare, score
from sever.screen.search import REVIEW_CUTOFF


@pytest.mark.parametrize(
    "query",
    ["Kim Jong Un", "김정은", "金正恩", "Gim Jeong-eun", "KIM Jong-un", "Kim Jŏng-ŭn",
     "Jong Un Kim", "Kim Jongun", "Ким Чен Ын"],
)  # fmt: skip
def test_spellings_of_kim_jong_un_match_him(
    make: Callable[..., EntityProxy], query: str, kim_jong_un: EntityProxy
) -> None:
    result = score(make("Person", name=query), kim_jong_un)
    assert result.match, result.explanation
    assert result.score < 1.0, "a name alone never saturates"


@pytest.mark.parametrize("query", ["Kim Jong Man", "Kim Jong Sik", "Kim Jong Nam", "Pak Jong Un"])
def test_other_people_named_kim_jong_do_not_match(
    make: Callable[..., EntityProxy], query: str, kim_jong_un: EntityProxy
) -> None:
    result = score(make("Person", name=query), kim_jong_un)
    assert not result.match, result.explanation


def test_contradicting_birth_date_demotes_below_threshold_and_says_why(
    make: Callable[..., EntityProxy],
    kim_jong_un: EntityProxy,
) -> None:
    plain = score(make("Person", name="Kim Jong Un"), kim_jong_un)
    contradicted = score(make("Person", name="Kim Jong Un", birthDate="1962-05-05"), kim_jong_un)
    assert plain.match and not contradicted.match
    assert contradicted.score < THRESHOLD
    names = [f.name for f in contradicted.features if f.contribution < 0]
    assert names == ["birth_date_mismatch"]
    assert "1962-05-05 contradicts the listed 1984-01-08" in contradicted.explanation


def test_matching_evidence_ranks_above_the_name_alone(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy
) -> None:
    alone = score(make("Person", name="Kim Jong Un"), kim_jong_un)
    with_dob = score(make("Person", name="Kim Jong Un", birthDate="1984-01-08"), kim_jong_un)
    with_all = score(
        make("Person", name="Kim Jong Un", birthDate="1984-01-08", nationality="kp"), kim_jong_un
    )
    assert alone.score < with_dob.score < with_all.score < 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ri Yong Gil", "Lee Yong Kil"), ("Ri Yong Gil", "Yi Yong-gil"),
     ("Lee Yong Kil", "Yi Yong-gil"), ("O Kuk Ryol", "Oh Guk-ryeol"), ("O Kuk Ryol", "오극렬"),
     ("Ryu Jin", "Yu Jin"), ("Ryu Jin", "Yoo Jin"), ("Pak Chol", "Park Cheol"),
     ("Choe Ryong Hae", "Choi Ryong-hae"), ("Jon Il Chun", "Jeon Il-chun"),
     ("Jong Myong Hak", "Chong Myong-hak"), ("Jong Myong Hak", "Chung Myong Hak")],
)  # fmt: skip
def test_korean_spellings_match_each_other(
    make: Callable[..., EntityProxy], a: str, b: str
) -> None:
    result = score(make("Person", name=a), make("Person", name=b))
    assert result.match, result.explanation


def test_name_only_scores_are_calibrated_not_saturated(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy
) -> None:
    exact = score(make("Person", name="Kim Jong Un"), kim_jong_un)
    hangul = score(make("Person", name="김정은"), kim_jong_un)
    near = score(make("Person", name="Kim Jong Man"), kim_jong_un)
    assert 1.0 > exact.score >= hangul.score > THRESHOLD > near.score > 0.0


def test_komid_is_a_review_against_the_full_company_name(
    make: Callable[..., EntityProxy], komid: EntityProxy
) -> None:
    """An acronym alone is a review: KOMID is the initials of many names."""
    result = score(make("Company", name="KOMID"), komid)
    assert REVIEW_CUTOFF <= result.score < THRESHOLD, result.explanation
    assert "acronym" in result.explanation


def test_chinyong_and_jinyong_are_the_same_company(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make("Company", name="CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY")
    result = score(
        make("Company", name="Jinyong Information Technology Cooperation Co., Ltd"), listed
    )
    assert result.match, result.explanation


def test_imo_number_query_scores_one(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make("Vessel", name="CHON MA SAN", imoNumber="IMO 8660313")
    result = score(make("Vessel", imoNumber="8660313"), listed)
    assert result.score == 1.0 and result.match
    assert "IMO number" in result.explanation


@pytest.mark.parametrize(
    "address",
    ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
     "0X098B716B8AAF21512996DC57EB0615E2383E2F96".replace("0X", "0x")],
)  # fmt: skip
def test_ethereum_address_in_any_case_scores_one(
    make: Callable[..., EntityProxy], address: str, lazarus_wallet: EntityProxy
) -> None:
    result = score(make("CryptoWallet", publicKey=address), lazarus_wallet)
    assert result.score == 1.0 and result.match


def test_a_person_is_never_a_vessel(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy
) -> None:
    result = score(make("Vessel", name="KIM JONG UN"), kim_jong_un)
    assert result.score == 0.0 and not result.match


def test_explanation_lists_features_with_contributions(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy
) -> None:
    result = score(make("Person", name="김정은", birthDate="1984-01-08"), kim_jong_un)
    data = result.to_dict()
    assert {f["name"] for f in data["features"]} >= {"name_korean_phonetic", "birth_date_match"}
    assert data["name_pair"] == ["김정은", "KIM, Jong Un"]
    assert "Gim Jeong-eun" in result.explanation


def test_prepared_and_raw_entities_score_the_same(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy
) -> None:
    query = make("Person", name="Gim Jeong-eun")
    assert score(query, kim_jong_un) == score(prepare(query), prepare(kim_jong_un))


def test_a_confusable_vowel_needs_corroboration(make: Callable[..., EntityProxy]) -> None:
    """Myung may be Myong (명) spelled the South Korean way, or another syllable: alone it stays
    just under the threshold; the same nationality lifts it over."""
    listed = make("Person", name="JONG, Myong Hak", nationality="kp")
    alone = score(make("Person", name="Chung Myung Hak"), listed)
    corroborated = score(make("Person", name="Chung Myung Hak", nationality="kp"), listed)
    assert alone.score < THRESHOLD - 0.01 < THRESHOLD <= corroborated.score
