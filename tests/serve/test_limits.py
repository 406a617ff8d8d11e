"""Limits per request, in process: body size (declared or chunked), time budget, settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sever.errors import SeverError
from sever.home import Home
from sever.serve.app import create_app
from sever.serve.limits import MAX_BODY_BYTES
from sever.serve.settings import ServeSettings, is_loopback

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Pak Chol Su"]}}}}


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent in pieces without a Content-Length (chunked)."""
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


def test_a_chunked_body_over_the_limit_gets_413_not_400(client: TestClient) -> None:
    response = client.post(
        "/match/default",
        content=_chunks(MAX_BODY_BYTES + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert "KiB" in response.json()["detail"]
    assert response.headers["connection"] == "close"


def test_a_chunked_body_under_the_limit_is_read_whole(client: TestClient) -> None:
    body = b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}'

    def pieces() -> Iterator[bytes]:
        yield from (body[i : i + 7] for i in range(0, len(body), 7))

    response = client.post(
        "/match/default", content=pieces(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["responses"]["q"]["results"]


@pytest.fixture
def no_time(watchlist_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An API whose requests have no time at all to screen."""
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    with TestClient(create_app(watchlist_home, ServeSettings(request_budget_s=0))) as client:
        yield client


def test_a_request_past_its_budget_gets_503_with_retry_after(no_time: TestClient) -> None:
    responses = [
        no_time.post("/match/mylist", json=QUERY),
        no_time.get("/search/mylist", params={"q": "Pak Chol Su"}),
    ]
    for response in responses:
        assert response.status_code == 503, response.text
        assert int(response.headers["retry-after"]) >= 1
        assert "SEVER_REQUEST_BUDGET_S" in response.json()["detail"]
    assert no_time.get("/healthz").status_code == 200


def test_the_budget_is_set_for_every_screening_request(
    watchlist_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    with TestClient(create_app(watchlist_home, ServeSettings(request_budget_s=30))) as client:
        assert client.post("/match/mylist", json=QUERY).status_code == 200


def test_settings_come_from_the_environment() -> None:
    settings = ServeSettings.from_env(
        {
            "SEVER_REQUEST_BUDGET_S": "2.5",
            "SEVER_CLIENT_TIMEOUT_S": " 3 ",
            "SEVER_BODY_TIMEOUT_S": "",
            "SEVER_UPDATES_PER_MINUTE": "5",
        },
        bind_host="::1",
    )
    assert settings.request_budget_s == 2.5
    assert settings.client_timeout_s == 3
    assert settings.body_timeout_s == ServeSettings().body_timeout_s
    assert settings.updates_per_minute == 5
    assert settings.on_loopback


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SEVER_REQUEST_BUDGET_S", "abc"),
        ("SEVER_REQUEST_BUDGET_S", "nan"),
        ("SEVER_REQUEST_BUDGET_S", "inf"),
        ("SEVER_REQUEST_BUDGET_S", "0"),
        ("SEVER_REQUEST_BUDGET_S", "-1"),
        ("SEVER_CLIENT_TIMEOUT_S", "1e9"),
        ("SEVER_BODY_TIMEOUT_S", "0"),
        ("SEVER_UPDATES_PER_MINUTE", "1.5"),
        ("SEVER_UPDATES_PER_MINUTE", "0"),
    ],
)
def test_a_bad_setting_stops_the_start_naming_it(name: str, value: str) -> None:
    with pytest.raises(SeverError, match=name):
        ServeSettings.from_env({name: value})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("example.org", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert ServeSettings(bind_host=host).on_loopback is loopback
    assert not ServeSettings().on_loopback
