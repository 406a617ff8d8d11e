"""The server's log at INFO holds no secret and no personal data.

Screening, log-in, case and finding requests carry a known name, date of birth, passport number
and API keys (in headers, bodies, query strings, forms, cookies); none of them may reach the log,
neither the app's own (in process) nor a real ``sever serve`` process's output, uvicorn's lines
included. An unexpected error whose message quotes the request is logged without its message.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sever.serve.app import create_app
from tests.web.conftest import WebHome, free_port, make_home

NAME = "Ryang Myong Hui"
BIRTH = "1968-11-23"
PASSPORT = "PX7730419"
ENV_KEY = "env-secret-k3y-0042"
PERSONAL = (NAME, "Ryang", BIRTH, PASSPORT)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    return make_home(tmp_path_factory.mktemp("logs") / "home")


def drive(client: httpx.Client | TestClient, web: WebHome) -> list[str]:
    """Screening, log-in, case and finding requests carrying the known values; returns the
    secrets the exchange used (keys, session cookie, CSRF and log-in tokens)."""
    api = {"Authorization": f"ApiKey {ENV_KEY}"}
    person = {"name": [NAME], "birthDate": [BIRTH], "passportNumber": [PASSPORT]}
    body = {"queries": {"q": {"schema": "Person", "properties": person}}}
    assert client.post("/match/default", json=body, headers=api).status_code == 200
    assert client.post("/match/default", json=body).status_code == 401
    bad = {"queries": {"q": {"schema": "Martian", "properties": person}}}
    assert client.post("/match/default", json=bad, headers=api).status_code == 400
    wrong = {"Authorization": f"ApiKey {NAME}-{BIRTH}"}
    assert client.get("/search/default", params={"q": NAME}, headers=wrong).status_code == 401
    assert client.get("/search/default", params={"q": NAME}, headers=api).status_code == 200
    analyst = {"Authorization": f"ApiKey {web.keys['analyst']}"}
    note = {"text": f"{NAME}, born {BIRTH}, passport {PASSPORT}"}
    assert client.post("/cases/1/notes", json=note, headers=analyst).status_code == 200
    assert client.get("/findings", params={"typology": NAME}, headers=analyst).status_code == 200
    form = client.get("/ui/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    refused = client.post("/ui/login", data={"token": token, "key": f"{NAME} {PASSPORT}"})
    assert refused.status_code == 401
    answer = client.post("/ui/login", data={"token": token, "key": web.keys["analyst"]})
    assert answer.status_code == 303
    session = str(client.cookies["sever_session"])
    page = client.get("/ui/inbox", params={"assignee": NAME, "typology": PASSPORT})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    noted = client.post("/ui/cases/1/notes", data={"csrf": csrf, "text": f"{NAME} {BIRTH}"})
    assert noted.status_code == 303
    assert client.get(f"/ui/findings/{NAME}").status_code == 404
    return [ENV_KEY, *web.keys.values(), session, csrf, token]


def server_side(caplog: pytest.LogCaptureFixture) -> str:
    """Every record the server side logged, formatted as a log handler writes it (the test's
    own HTTP client, httpx, logs the URLs it requests: that is the client's log, not ours)."""
    records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    return "\n".join(caplog.handler.format(r) for r in records)


def assert_clean(text: str, secrets: list[str]) -> None:
    for value in (*PERSONAL, *secrets):
        assert value not in text, f"{value!r} appears in the log:\n{text}"


@pytest.fixture
def app_client(web: WebHome, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SEVER_API_KEYS", f"{ENV_KEY}:viewer")
    app = create_app(web.home)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        yield client


def test_the_app_logs_no_secret_and_no_personal_data_at_info(
    app_client: TestClient, web: WebHome, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        secrets = drive(app_client, web)
    assert_clean(server_side(caplog), secrets)


def test_an_unexpected_error_is_logged_without_the_request_it_quotes(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError(f"cannot screen {NAME} born {BIRTH}")

    monkeypatch.setattr("sever.serve.routers.screen.screen_entity", broken)
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": [NAME]}}}}
    with caplog.at_level(logging.INFO):
        answer = app_client.post(
            "/match/default", json=body, headers={"Authorization": f"ApiKey {ENV_KEY}"}
        )
    assert answer.status_code == 500
    assert NAME not in answer.text
    logged = server_side(caplog)
    assert "unexpected error in POST /match/{dataset}" in logged
    assert "ValueError (message not logged)" in logged
    assert "sever/serve/routers/screen.py" in logged, "the traceback is kept"
    assert_clean(logged, [])


@pytest.fixture(scope="module")
def served(web: WebHome, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``sever serve`` as the README starts it; its whole output goes to a file."""
    port = free_port()
    log = tmp_path_factory.mktemp("served") / "serve.log"
    env = {**os.environ, "SEVER_API_KEYS": f"{ENV_KEY}:viewer"}
    command = [sys.executable, "-m", "sever.cli", "serve", "--home", str(web.home.root),
               "--port", str(port)]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: httpx.get(f"{url}/healthz", timeout=1).status_code == 200)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(ready: Callable[[], bool]) -> None:
    for _ in range(300):
        try:
            if ready():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail("the server did not start")


def test_a_real_server_logs_no_secret_and_no_personal_data(
    served: tuple[str, Path], web: WebHome
) -> None:
    url, log = served
    with httpx.Client(base_url=url, follow_redirects=False) as client:
        secrets = drive(client, web)
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as raw:  # a request line h11 refuses
        raw.sendall(f"GET /search/default?q={NAME} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert raw.recv(1024).startswith(b"HTTP/1.1 400")
    time.sleep(0.5)
    text = log.read_text(errors="replace")
    assert "Application startup complete" in text, text
    assert "Invalid HTTP request received" in text, "the refused request line was logged"
    assert_clean(text, secrets)
