"""API keys: ApiKey or Bearer, roles, open access without keys, /healthz always open."""

from __future__ import annotations

import time

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.cases.users import add_user, disable_user
from sever.errors import SeverError
from sever.home import Home
from sever.serve.app import create_app
from sever.serve.auth import parse_api_keys
from sever.serve.routers.admin import UpdateGate
from sever.serve.settings import ServeSettings

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


def _open_app(home: Home, monkeypatch: pytest.MonkeyPatch, **settings: object) -> TestClient:
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    return TestClient(create_app(home, ServeSettings(**settings)))  # type: ignore[arg-type]


@pytest.mark.parametrize("host", [None, "0.0.0.0", "10.1.2.3", "::"])
def test_without_keys_updatez_is_refused_unless_on_loopback(
    watchlist_home: Home, monkeypatch: pytest.MonkeyPatch, host: str | None
) -> None:
    with _open_app(watchlist_home, monkeypatch, bind_host=host) as client:
        response = client.post("/updatez")
        assert response.status_code == 403
        assert "SEVER_API_KEYS" in response.json()["detail"]
        assert client.post("/match/mylist", json=QUERY).status_code == 200


def test_without_keys_updatez_works_on_loopback(
    watchlist_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _open_app(watchlist_home, monkeypatch, bind_host="127.0.0.1") as client:
        assert client.post("/updatez").status_code == 200


def test_updatez_is_rate_limited(watchlist_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with _open_app(
        watchlist_home, monkeypatch, bind_host="localhost", updates_per_minute=2
    ) as client:
        assert [client.post("/updatez").status_code for _ in range(2)] == [200, 200]
        response = client.post("/updatez")
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert "SEVER_UPDATES_PER_MINUTE" in response.json()["detail"]


def test_one_reload_at_a_time() -> None:
    gate = UpdateGate(per_minute=10)
    with gate.admit(), pytest.raises(HTTPException) as refused, gate.admit():
        pass
    assert refused.value.status_code == 429
    assert refused.value.headers and refused.value.headers["Retry-After"]
    with gate.admit():  # the slot is free again once the first reload is done
        pass


def test_the_rate_window_slides(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("sever.serve.routers.admin.time.monotonic", lambda: clock[0])
    gate = UpdateGate(per_minute=1)
    with gate.admit():
        pass
    clock[0] += 45
    with pytest.raises(HTTPException) as refused, gate.admit():
        pass
    assert refused.value.headers == {"Retry-After": "15"}
    clock[0] += 15
    with gate.admit():
        pass


def test_match_refuses_a_missing_key_before_reading_the_body(keyed: TestClient) -> None:
    response = keyed.post(
        "/match/mylist", content=b"not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 401
    assert "API key" in response.json()["detail"]


def test_a_users_key_is_trusted_for_a_few_seconds_then_asked_about_again(
    watchlist_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    store = CaseStore.open(watchlist_home)
    admin = Actor("setup", "admin")
    add_user(store, admin, "ada", "admin")
    _, key = add_user(store, admin, "val", "viewer")
    headers = {"Authorization": f"ApiKey {key}"}
    app = create_app(watchlist_home)
    app.state.cases.key_trust_s = 0.3
    with TestClient(app) as client:
        assert client.post("/match/mylist", json=QUERY, headers=headers).status_code == 200
        assert app.state.cases.remembered(key) == Actor("val", "viewer")
        disable_user(store, admin, "val")
        # within the trust window the remembered user is still let through...
        assert client.post("/match/mylist", json=QUERY, headers=headers).status_code == 200
        time.sleep(0.4)
        # ...and after it the store is asked again, and says no
        assert client.post("/match/mylist", json=QUERY, headers=headers).status_code == 401
        assert app.state.cases.remembered(key) is None
        assert client.post("/match/mylist", json=QUERY, headers=headers).status_code == 401
    store.close()


def test_an_unknown_key_is_never_remembered(keyed: TestClient) -> None:
    for _ in range(2):
        response = keyed.post("/match/mylist", json=QUERY, headers={"Authorization": "ApiKey no"})
        assert response.status_code == 401
    assert keyed.app.state.cases.remembered("no") is None
