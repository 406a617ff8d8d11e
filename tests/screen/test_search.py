"""screen_entity and search: the one core the CLI and the API call."""

from __future__ import annotations

import pytest

from sever.errors import NotLoadedError
from sever.home import Home
from sever.screen.index import ScreeningIndex, load_index
from sever.screen.query import QueryError, make_query
from sever.screen.search import MATCH, ScreenOptions, screen_entity, search


def _listed_value(
    index: ScreeningIndex, schema: str, prop: str, prefix: str = ""
) -> tuple[str, str]:
    """(entity id, value) of the first listed entity of ``schema`` with such a value."""
    for entry in index.entries:
        if entry.schema != schema:
            continue
        for value in index.records[entry.id].data["properties"].get(prop, []):
            if value.startswith(prefix):
                return entry.id, value
    raise AssertionError(f"no {schema} with {prop} in the built-in lists")


def test_an_imo_number_hits_its_vessel_with_score_one(bundled_index: ScreeningIndex) -> None:
    vessel_id, imo = _listed_value(bundled_index, "Vessel", "imoNumber")
    digits = "".join(c for c in imo if c.isdigit())
    found = screen_entity(bundled_index, make_query("Vessel", {"imoNumber": [digits]}))
    assert found.hits[0].entry.id == vessel_id
    assert found.hits[0].score == 1.0
    assert found.hits[0].decision == MATCH


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_an_ethereum_address_in_any_case_hits_its_wallet(
    bundled_index: ScreeningIndex, case: object
) -> None:
    wallet_id, address = _listed_value(bundled_index, "CryptoWallet", "publicKey", "0x")
    written = "0x" + case(address[2:])  # type: ignore[operator]
    found = screen_entity(bundled_index, make_query("CryptoWallet", {"publicKey": [written]}))
    top = found.hits[0]
    assert top.entry.id == wallet_id
    assert top.score == 1.0
    assert top.entry.holder


def test_a_listed_name_is_found_with_its_list_and_programs(bundled_index: ScreeningIndex) -> None:
    query = make_query("Person", {"name": ["Kim Jong Un"], "nationality": ["kp"]})
    found = screen_entity(bundled_index, query, ScreenOptions(scope="dprk"))
    assert found.hits, "Kim Jong Un is on the OFAC list under a DPRK program"
    top = found.hits[0]
    assert "KIM" in top.entry.caption.upper() and "UN" in top.entry.caption.upper()
    assert top.entry.dprk and top.entry.programs
    assert top.explanation and top.result.features


def test_an_unlisted_name_gets_no_match(bundled_index: ScreeningIndex) -> None:
    query = make_query("Person", {"name": ["Wilhelmina Oosterhuis-Vandermeer"]})
    assert not screen_entity(bundled_index, query).matches


def test_the_dprk_scope_only_returns_dprk_entities(bundled_index: ScreeningIndex) -> None:
    query = make_query("Company", {"name": ["Korea Trading Corporation"]})
    found = screen_entity(bundled_index, query, ScreenOptions(scope="dprk", limit=20, cutoff=0))
    assert found.hits
    assert all(h.entry.dprk for h in found.hits)


def test_an_unknown_dataset_names_the_known_ones(bundled_index: ScreeningIndex) -> None:
    query = make_query("Person", {"name": ["Kim Jong Un"]})
    with pytest.raises(NotLoadedError, match="us_ofac_sdn"):
        screen_entity(bundled_index, query, ScreenOptions(scope="nosuchlist"))


def test_a_watchlist_is_screenable_on_its_own(watchlist_home: Home) -> None:
    index = load_index(watchlist_home)
    query = make_query("Person", {"name": ["PAK Chol-su"], "birthDate": ["1961-03-04"]})
    found = screen_entity(index, query, ScreenOptions(scope="mylist"))
    assert found.hits[0].entry.id == "wl-pak"
    assert found.hits[0].decision == MATCH


def test_search_finds_by_name_and_filters_by_schema(watchlist_home: Home) -> None:
    index = load_index(watchlist_home)
    assert search(index, "Chon Ma San").hits[0].entry.id == "wl-vessel"
    assert not [
        h for h in search(index, "Chon Ma San", schema="Person").hits if h.entry.id == "wl-vessel"
    ]
    with pytest.raises(QueryError, match="empty"):
        search(index, "   ")


@pytest.mark.parametrize(
    ("schema", "properties", "message"),
    [
        ("Spaceship", {"name": ["x"]}, "unknown schema"),
        ("Person", {"name": [""]}, "empty name"),
        ("Person", {"birthDate": ["1970"]}, "name or an identifier"),
        ("Person", {"name": ["x" * 5000]}, "at most"),
        ("Person", {"name": ["a"] * 500}, "at most"),
        ("Person", {"colour": ["red"]}, "no property"),
        ("Person", {"name": [{"nested": 1}]}, "strings"),
    ],
)
def test_malformed_queries_get_a_clear_message(schema: str, properties: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        make_query(schema, properties)
