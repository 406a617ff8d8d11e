"""Identifiers decide on their own; they are normalised the same way on both sides."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.screen import id_keys, score
from sever.screen.features.identifiers import imo_valid, normalise_identifier


@pytest.mark.parametrize(
    ("imo", "valid"), [("9123453", True), ("8660313", True), ("9123454", False), ("912345", False)]
)
def test_imo_check_digit(imo: str, valid: bool) -> None:
    assert imo_valid(imo) is valid


@pytest.mark.parametrize(
    ("kind", "written", "normal"),
    [("imo", "IMO 9123453", "9123453"), ("imo", "imo9123453", "9123453"), ("imo", "9123454", None),
     ("doc", "No. 918-320 780", "NO918320780"), ("doc", "1234", None),
     ("bic", "KKBCKPPYXXX", "KKBCKPPY"), ("bic", "kkbc kp py", "KKBCKPPY"), ("bic", "KKBC", None)],
)  # fmt: skip
def test_identifiers_are_normalised(kind: str, written: str, normal: str | None) -> None:
    assert normalise_identifier(kind, written) == normal


@pytest.mark.parametrize(
    ("schema", "query_props", "listed_props", "kind"),
    [("Vessel", {"imoNumber": "9123453"},
      {"name": "CHON MA SAN", "imoNumber": "IMO 9123453"}, "IMO number"),
     ("Person", {"name": "X", "passportNumber": "918 320 780"},
      {"name": "KIM, Jong Man", "passportNumber": "918320780"}, "passport"),
     ("Company", {"name": "X", "swiftBic": "KKBCKPPYXXX"},
      {"name": "KOREA KWANGSON BANK", "swiftBic": "KKBCKPPY"}, "SWIFT/BIC"),
     ("Company", {"name": "X", "registrationNumber": "1162536087230"},
      {"name": "ALIS LLC", "registrationNumber": "1162536087230"}, "registration")],
)  # fmt: skip
def test_a_shared_identifier_scores_one(
    make: Callable[..., EntityProxy], schema: str, query_props: dict, listed_props: dict, kind: str
) -> None:
    listed = make(schema, **listed_props)
    result = score(make(schema, **query_props), listed)
    assert result.score == 1.0 and result.match
    assert kind in result.explanation
    assert id_keys(make(schema, **query_props)) & id_keys(listed)


def test_different_imo_numbers_are_different_ships(make: Callable[..., EntityProxy]) -> None:
    listed = make("Vessel", name="CHON MA SAN", imoNumber="8660313")
    result = score(make("Vessel", name="CHON MA SAN", imoNumber="9123453"), listed)
    assert not result.match
    assert "different IMO numbers" in result.explanation
