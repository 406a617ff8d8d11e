"""API keys: ApiKey or Bearer, roles, open access without keys, /healthz always open."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sever.errors import SeverError
from sever.home import Home
from sever.serve.app import create_app
from sever.serve.auth import parse_api_keys

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Pak Chol Su"]}}}}


@pytest.fixture
def keyed(watchlist_home: Home, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("SEVER_API_KEYS", "adm1n-key:admin,v1ewer-key:viewer")
    with TestClient(create_app(watchlist_home)) as client:
        yield client


@pytest.mark.parametrize(
    ("header", "status"),
    [
        (None, 401),
        ("ApiKey wrong", 401),
        ("Basic v1ewer-key", 401),
        ("ApiKey v1ewer-key", 200),
        ("Bearer adm1n-key", 200),
    ],
)
def test_match_needs_a_known_key(keyed: TestClient, header: str | None, status: int) -> None:
    headers = {"Authorization": header} if header else {}
    assert keyed.post("/match/mylist", json=QUERY, headers=headers).status_code == status


def test_a_role_too_low_gets_403(keyed: TestClient) -> None:
    response = keyed.post("/updatez", headers={"Authorization": "ApiKey v1ewer-key"})
    assert response.status_code == 403
    assert "admin" in response.json()["detail"]
    assert keyed.post("/updatez", headers={"Authorization": "ApiKey adm1n-key"}).status_code == 200


def test_healthz_is_open(keyed: TestClient) -> None:
    assert keyed.get("/healthz").status_code == 200


def test_without_keys_access_is_open_with_a_warning(
    watchlist_home: Home, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    with caplog.at_level("WARNING", logger="sever.serve"):
        app = create_app(watchlist_home)
    assert "no API keys" in caplog.text
    with TestClient(app) as client:
        assert client.post("/match/mylist", json=QUERY).status_code == 200


def test_a_malformed_key_setting_stops_the_start() -> None:
    with pytest.raises(SeverError, match="KEY:ROLE"):
        parse_api_keys("key1:superuser")
