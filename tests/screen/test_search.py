"""screen_entity and search: the one core the CLI and the API call."""

from __future__ import annotations

import importlib
import time

import pytest

from sever.errors import NotLoadedError
from sever.home import Home
from sever.screen.index import ScreeningIndex, load_index
from sever.screen.query import QueryError, make_query
from sever.screen.search import MATCH, ScreenOptions, ScreenTimeout, screen_entity, search


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


def test_a_spent_time_budget_stops_the_screening(bundled_index: ScreeningIndex) -> None:
    query = make_query("Person", {"name": ["Kim Jong Un"]})
    spent = ScreenOptions(deadline=time.monotonic() - 1)
    with pytest.raises(ScreenTimeout, match="time budget"):
        screen_entity(bundled_index, query, spent)
    with pytest.raises(ScreenTimeout):
        search(bundled_index, "Kim Jong Un", options=spent)


def test_the_deadline_is_checked_while_candidates_are_scored(
    bundled_index: ScreeningIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(range(1000))
    search_module = importlib.import_module("sever.screen.search")  # the name is also a function
    monkeypatch.setattr(search_module.time, "monotonic", lambda: float(next(clock)))
    query = make_query("Company", {"name": ["Korea Trading Corporation"]})
    # the clock passes the deadline after the query is prepared: the scoring loop must stop
    with pytest.raises(ScreenTimeout):
        screen_entity(bundled_index, query, ScreenOptions(deadline=1.5, limit=30))


def test_a_time_budget_not_yet_spent_changes_nothing(bundled_index: ScreeningIndex) -> None:
    query = make_query("Person", {"name": ["Kim Jong Un"]})
    plain = screen_entity(bundled_index, query)
    budgeted = screen_entity(bundled_index, query, ScreenOptions(deadline=time.monotonic() + 600))
    assert [h.entry.id for h in budgeted.hits] == [h.entry.id for h in plain.hits]


KIM = {"name": ["Kim Jong Un"]}


@pytest.mark.parametrize(
    ("options", "where", "named"),
    [
        (ScreenOptions(include_datasets=frozenset({"us_ofac"})), "include_dataset", "us_ofac_sdn"),
        (ScreenOptions(include_datasets=frozenset({"OFAC"})), "include_dataset", "dprk"),
        (ScreenOptions(exclude_datasets=frozenset({"un"})), "exclude_dataset", "un_sc_sanctions"),
        (ScreenOptions(topics=frozenset({"sanctionz"})), "topics", "sanction"),
        (ScreenOptions(exclude_schemata=frozenset({"Persn"})), "exclude_schema", "Person"),
        (ScreenOptions(algorithm="sever-korean-v9"), "algorithm", "sever-korean-v1"),
    ],
)
def test_an_unknown_filter_value_is_an_error_naming_the_valid_ones(
    bundled_index: ScreeningIndex, options: ScreenOptions, where: str, named: str
) -> None:
    query = make_query("Person", KIM)
    with pytest.raises(QueryError, match=named) as raised:
        screen_entity(bundled_index, query, options)
    assert raised.value.where == where
    with pytest.raises(QueryError, match=named):
        search(bundled_index, "Kim Jong Un", options=options)


@pytest.mark.parametrize(
    "options",
    [
        ScreenOptions(threshold=5),
        ScreenOptions(threshold=float("nan")),
        ScreenOptions(cutoff=-1),
        ScreenOptions(limit=-1),
        ScreenOptions(limit=10**9),
    ],
)
def test_numbers_out_of_range_are_errors(
    bundled_index: ScreeningIndex, options: ScreenOptions
) -> None:
    with pytest.raises(QueryError):
        screen_entity(bundled_index, make_query("Person", KIM), options)


def test_filters_that_leave_no_listed_entity_are_an_error(bundled_index: ScreeningIndex) -> None:
    """Each name is valid, but together they screen against nothing."""
    nothing = [
        ScreenOptions(scope="us_ofac_sdn", include_datasets=frozenset({"un_sc_sanctions"})),
        ScreenOptions(exclude_datasets=frozenset({"default"})),
        ScreenOptions(topics=frozenset({"crime.boss"})),  # an FtM topic no listed entity has
    ]
    for options in nothing:
        with pytest.raises(QueryError, match="nothing would be screened"):
            screen_entity(bundled_index, make_query("Person", KIM), options)


def test_group_names_and_present_topics_are_valid_filters(bundled_index: ScreeningIndex) -> None:
    query = make_query("Person", KIM)
    dprk = screen_entity(bundled_index, query, ScreenOptions(include_datasets=frozenset({"dprk"})))
    assert dprk.hits and all(h.entry.dprk for h in dprk.hits)
    topic = bundled_index.topics[0]
    found = screen_entity(bundled_index, query, ScreenOptions(topics=frozenset({topic}), cutoff=0))
    assert all(topic in h.entry.topics for h in found.hits)
    no_un = ScreenOptions(exclude_datasets=frozenset({"un_sc_sanctions"}), cutoff=0)
    assert all(
        h.entry.dataset != "un_sc_sanctions"
        for h in screen_entity(bundled_index, query, no_un).hits
    )
