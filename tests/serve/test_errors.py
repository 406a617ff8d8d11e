"""Malformed requests get a 4xx with a clear message, and the server stays up."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

PERSON = {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"queries": {"q": {"schema": "Person", "properties": {"name": [""]}}}}, 400, "empty name"),
        (
            {"queries": {"q": {"schema": "Starship", "properties": {"name": ["x"]}}}},
            400,
            "unknown schema",
        ),
        (
            {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 5000]}}}},
            400,
            "at most",
        ),
        ({"queries": {f"q{i}": PERSON for i in range(101)}}, 400, "at most 100"),
        ({"queries": {}}, 400, "no queries"),
        ({"queries": {"q": {"properties": {"name": ["x"]}}}}, 400, "schema"),
        ({"nothing": 1}, 400, "queries"),
        (
            {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 900] * 50}}}},
            400,
            "at most 500",
        ),
    ],
)
def test_bad_match_bodies(client: TestClient, body: dict, status: int, message: str) -> None:
    response = client.post("/match/default", json=body)
    assert response.status_code == status, response.text
    if message:
        assert message in response.json()["detail"]


def test_invalid_json_is_named(client: TestClient) -> None:
    response = client.post(
        "/match/default", content=b'{"queries": {', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "invalid JSON" in response.json()["detail"]


def test_a_huge_body_is_refused_with_413(client: TestClient) -> None:
    response = client.post(
        "/match/default",
        content=b"x" * (3 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "KiB" in response.json()["detail"]


def test_an_unknown_dataset_is_404_with_the_known_ones(client: TestClient) -> None:
    response = client.post("/match/nope", json={"queries": {"q": PERSON}})
    assert response.status_code == 404
    assert "us_ofac_sdn" in response.json()["detail"]


def test_bad_parameters(client: TestClient) -> None:
    assert client.get("/search/default", params={"q": ""}).status_code == 400
    assert client.get("/search/default", params={"q": "kim", "limit": 100000}).status_code == 400
    response = client.post("/match/default?algorithm=nosuch", json={"queries": {"q": PERSON}})
    assert response.status_code == 400 and "algorithm" in response.json()["detail"]


def test_the_server_keeps_answering_after_bad_requests(client: TestClient) -> None:
    client.post("/match/default", content=b"\xff\xfe", headers={"content-type": "application/json"})
    client.post("/match/default", json={"queries": {"q": {"schema": 5, "properties": []}}})
    response = client.post("/match/default", json={"queries": {"q": PERSON}})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        ("/match/default", {"include_dataset": "us_ofac"}, ["include_dataset", "us_ofac_sdn"]),
        ("/match/default", {"exclude_dataset": "un_sc"}, ["exclude_dataset", "un_sc_sanctions"]),
        ("/match/default", {"topics": "sanctionz"}, ["topics", "sanction"]),
        ("/match/default", {"exclude_schema": "Persn"}, ["exclude_schema", "Person"]),
        ("/match/default", {"algorithm": "nosuch"}, ["algorithm"]),
        ("/search/default", {"q": "kim", "include_dataset": "us_ofac"}, ["us_ofac_sdn"]),
        ("/search/default", {"q": "kim", "topics": "sanctionz"}, ["topics", "sanction"]),
        ("/search/default", {"q": "kim", "schema": "Persn"}, ["schema", "Person"]),
        ("/search/default", {"q": "kim", "exclude_schema": "Persn"}, ["exclude_schema"]),
    ],
)
def test_a_mistyped_filter_is_a_400_listing_the_valid_ones(
    client: TestClient, path: str, params: dict, words: list[str]
) -> None:
    if path.startswith("/match"):
        response = client.post(path, params=params, json={"queries": {"q": PERSON}})
    else:
        response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    for word in words:
        assert word in detail, detail


def test_an_unknown_dataset_in_the_search_path_is_404(client: TestClient) -> None:
    response = client.get("/search/us_ofac", params={"q": "kim"})
    assert response.status_code == 404
    assert "us_ofac_sdn" in response.json()["detail"]


BAD_MATCH_PARAMETERS = [
    ({"changed_since": "2024-13-45"}, "changed_since"),
    ({"changed_since": "2024-02-30T10"}, "changed_since"),
    ({"changed_since": "yesterday"}, "changed_since"),
    ({"limit": -1}, "limit"),
    ({"limit": 0}, "limit"),
    ({"limit": 10**9}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"threshold": "nan"}, "threshold"),
    ({"threshold": "inf"}, "threshold"),
    ({"threshold": 5}, "threshold"),
    ({"threshold": -1}, "threshold"),
    ({"cutoff": "nan"}, "cutoff"),
    ({"cutoff": 2}, "cutoff"),
    ({"exclude_entity_ids": ["x"] * 51}, "exclude_entity_ids"),
]


@pytest.mark.parametrize(("params", "name"), BAD_MATCH_PARAMETERS)
def test_absurd_match_parameters_are_a_400_naming_them(
    client: TestClient, params: dict, name: str
) -> None:
    response = client.post("/match/default", params=params, json={"queries": {"q": PERSON}})
    assert response.status_code == 400, response.text
    assert name in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"changed_since": "2024-13-45"}, "changed_since"),
        ({"limit": -1}, "limit"),
        ({"limit": 10**9}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**6}, "offset"),
        ({"fuzzy": "banana"}, "fuzzy"),
        ({"q": "x" * 1001}, "q"),
    ],
)
def test_absurd_search_parameters_are_a_400_naming_them(
    client: TestClient, params: dict, name: str
) -> None:
    response = client.get("/search/default", params={"q": "kim", **params})
    assert response.status_code == 400, response.text
    assert name in response.json()["detail"]


@pytest.mark.parametrize("length", [1_000, 10_000])
def test_a_very_long_name_is_answered_quickly_and_never_a_500(
    client: TestClient, length: int
) -> None:
    name = ("Kim Jong Un Pak Chol Su " * 500)[:length]
    started = time.monotonic()
    match = client.post(
        "/match/default",
        json={"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}},
    )
    search = client.get("/search/default", params={"q": name})
    took = time.monotonic() - started
    for response in (match, search):
        assert response.status_code in (200, 400), response.text
    assert took < 15, f"{length} characters took {took:.1f} s"


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b'{"queries": {}}', None, "with Content-Type: application/json (got none)"),
        (b'{"queries": {}}', "text/plain", "(got 'text/plain')"),
        (b"", "application/json", "the request body is empty"),
        (b"   ", "application/json", "the request body is empty"),
        (b"[1, 2]", "application/json", "an object"),
        (b"null", "application/json", "an object"),
        (b'{"queries": {"q": {"schema": "Person", "properties": 3}}}', None, "got none"),
        (
            b'{"queries": {"q": {"schema": "Person", "properties": 3}}}',
            "application/json",
            "queries.q.properties",
        ),
        (b'{"queries": {"q": "\xff"}}', "application/json", "invalid JSON"),
    ],
)
def test_a_match_body_that_is_not_the_models_json_is_named(
    client: TestClient, content: bytes, content_type: str | None, message: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/match/default", content=content, headers=headers)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


def test_json_with_a_charset_or_a_json_suffix_is_read(client: TestClient) -> None:
    body = b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}'
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        headers = {"content-type": content_type}
        response = client.post("/match/default", content=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["responses"]["q"]["results"]
