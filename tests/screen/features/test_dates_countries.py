"""Secondary evidence: date of birth, nationality, gender, vessel flag and tonnage raise or lower a
score in a fixed order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.screen import score


def person_score(make: Callable[..., EntityProxy], listed: dict, **query: str) -> float:
    return score(
        make("Person", name="Ri Yong Gil", **query), make("Person", name="RI, Yong Gil", **listed)
    ).score


@pytest.mark.parametrize(
    ("better", "worse"),
    [({"birthDate": "1955-03-02"}, {}), ({}, {"birthDate": "1956-03-02"}),
     ({"birthDate": "1956-03-02"}, {"birthDate": "1970-03-02"}), ({"nationality": "kp"}, {}),
     ({}, {"nationality": "cn"}), ({}, {"gender": "female"})],
)  # fmt: skip
def test_evidence_ranks(make: Callable[..., EntityProxy], better: dict, worse: dict) -> None:
    listed = {"birthDate": ["1955-01-01", "1955-12-31"], "nationality": "kp", "gender": "male"}
    assert person_score(make, listed, **better) > person_score(make, listed, **worse)


def test_an_exact_birth_date_ranks_above_the_year(make: Callable[..., EntityProxy]) -> None:
    listed = {"birthDate": "1984-01-08"}
    assert person_score(make, listed, birthDate="1984-01-08") > person_score(
        make, listed, birthDate="1984"
    )


def test_swapped_day_and_month_is_not_a_contradiction(make: Callable[..., EntityProxy]) -> None:
    result = score(
        make("Person", name="Kim Jong Un", birthDate="1984-08-01"),
        make("Person", name="KIM, Jong Un", birthDate="1984-01-08"),
    )
    assert result.match and "swapped" in result.explanation


def test_vessel_flag_and_tonnage(make: Callable[..., EntityProxy]) -> None:
    listed = make("Vessel", name="CHON MA SAN", flag="kp", grossRegisteredTonnage="2795")
    same = score(
        make("Vessel", name="Chon Ma San", flag="kp", grossRegisteredTonnage="2800"), listed
    )
    other = score(
        make("Vessel", name="Chon Ma San", flag="pa", grossRegisteredTonnage="9000"), listed
    )
    assert same.score > other.score
    assert {"flag_match", "tonnage_match"} <= {f.name for f in same.features}


@pytest.mark.parametrize(
    ("query_date", "why"),
    [("2999-01-01", "in the future"), ("2999", "in the future"), ("1700-05-05", "before 1850"),
     ("1800-01-01", "before 1850")],
)  # fmt: skip
def test_a_date_of_birth_no_one_has_is_ignored_not_a_contradiction(
    make: Callable[..., EntityProxy], query_date: str, why: str
) -> None:
    listed = make("Person", name="KIM, Jong Un", birthDate="1984-01-08")
    without = score(make("Person", name="Kim Jong Un"), listed)
    result = score(make("Person", name="Kim Jong Un", birthDate=query_date), listed)
    assert result.score == without.score and result.match
    names = {f.name for f in result.features}
    assert not names & {"birth_date_mismatch", "birth_date_near", "birth_year_match"}
    note = next(f for f in result.features if f.name == "birth_date_ignored")
    assert note.contribution == 0 and query_date in note.reason and why in note.reason
    assert why in result.explanation


def test_a_listed_date_of_birth_no_one_has_is_ignored_too(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make("Person", name="KIM, Jong Un", birthDate=["1984-01-08", "2999-01-01"])
    result = score(make("Person", name="Kim Jong Un", birthDate="1984-01-08"), listed)
    assert {"birth_date_match", "birth_date_ignored"} <= {f.name for f in result.features}
    assert "the listed date of birth 2999-01-01 is ignored" in result.explanation


def test_a_real_date_beside_an_impossible_one_still_contradicts(
    make: Callable[..., EntityProxy],
) -> None:
    listed = make("Person", name="KIM, Jong Un", birthDate="1984-01-08")
    result = score(
        make("Person", name="Kim Jong Un", birthDate=["1960-02-02", "2999-01-01"]), listed
    )
    assert not result.match
    assert "contradicts" in result.explanation and "2999-01-01 is ignored" in result.explanation
