"""A real server process on 127.0.0.1: it answers, refuses garbage, and stays up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from sever.home import Home


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(watchlist_home: Home) -> str:
    port = _free_port()
    env = {**os.environ, "SEVER_API_KEYS": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sever.cli",
            "serve",
            "--home",
            str(watchlist_home.root),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_server_survives_garbage_and_keeps_screening(server: str) -> None:
    garbage = [b"{", b"\x00\xff", b'{"queries": []}', b"[" * 10000]
    for body in garbage:
        response = httpx.post(
            f"{server}/match/default", content=body, headers={"content-type": "application/json"}
        )
        assert 400 <= response.status_code < 500, body[:20]
    good = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Pak Chol Su"]}}}}
    response = httpx.post(f"{server}/match/mylist", json=good)
    assert response.status_code == 200
    assert response.json()["responses"]["q"]["results"][0]["id"] == "wl-pak"
