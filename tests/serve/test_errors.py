"""Malformed requests get a 4xx with a clear message, and the server stays up."""

from __future__ import annotations

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
            200,
            "",
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


def test_a_huge_body_is_refused_before_it_is_read(client: TestClient) -> None:
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
