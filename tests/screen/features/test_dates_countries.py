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
