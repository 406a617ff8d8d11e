"""Slow and oversized clients against a real ``sever serve`` on 127.0.0.1, over raw sockets.

The server runs with short deadlines (1 s for headers and body pauses, 3 s for a whole body) so
each case takes a few seconds. Every case asserts the status line, and that the server then
closes the connection rather than waiting for more.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from sever.home import Home
from sever.lists import load_files
from sever.serve.limits import MAX_BODY_BYTES

CLIENT_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 3.0
QUERY = json.dumps(
    {"queries": {"q": {"schema": "Person", "properties": {"name": ["Pak Chol Su"]}}}}
).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``(host, port)`` of a real server over a one-entity watchlist, with short deadlines."""
    folder = tmp_path_factory.mktemp("slow")
    watchlist = folder / "mylist.jsonl"
    entity = {"id": "wl-pak", "schema": "Person", "properties": {"name": ["Pak Chol Su"]}}
    watchlist.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    home = Home.resolve(folder / "home")
    load_files(home, [watchlist], dataset="mylist")
    port = _free_port()
    env = {
        **os.environ,
        "SEVER_API_KEYS": "",
        "SEVER_CLIENT_TIMEOUT_S": str(CLIENT_TIMEOUT_S),
        "SEVER_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S),
    }
    command = [sys.executable, "-m", "sever.cli", "serve", "--home", str(home.root)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", process)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("the server did not start")


def _connect(server: tuple[str, int]) -> socket.socket:
    return socket.create_connection(server, timeout=10)


def _answer(sock: socket.socket) -> tuple[int, bytes, float]:
    """Status, the whole answer until the server closed, and the seconds that took."""
    started = time.monotonic()
    data = b""
    with contextlib.suppress(ConnectionResetError):  # closed with our bytes unread
        while chunk := sock.recv(65536):
            data += chunk
    took = time.monotonic() - started
    assert data, "the server closed without answering"
    status = int(data.split(b" ", 2)[1])
    return status, data, took


def _head(path: str, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: test\r\ncontent-type: application/json\r\n{extra}"
    ).encode()


def test_headers_sent_too_slowly_get_408(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST /match/mylist HTTP/1.1\r\nHost: te")
        time.sleep(0.5)
        sock.sendall(b"st\r\nX-Slow: 1")  # a byte now and then does not reset the clock
        status, data, took = _answer(sock)
    assert status == 408, data
    assert b"headers not complete" in data
    assert took < CLIENT_TIMEOUT_S + 3


def test_a_connection_that_sends_nothing_is_closed_with_408(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        status, data, _ = _answer(sock)
    assert status == 408, data


def test_a_body_that_stops_gets_408(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(_head("/match/mylist", f"content-length: {len(QUERY)}\r\n\r\n"))
        sock.sendall(QUERY[:10])
        status, data, took = _answer(sock)
    assert status == 408, data
    assert b"paused" in data
    assert took < CLIENT_TIMEOUT_S + 3


def test_a_body_that_trickles_past_the_total_gets_408(server: tuple[str, int]) -> None:
    body = b" " * 100 + QUERY
    with _connect(server) as sock:
        sock.sendall(_head("/match/mylist", f"content-length: {len(body)}\r\n\r\n"))
        sock.settimeout(0.5)
        answered = b""
        for byte in body:  # each pause is under the 1 s allowed; the whole is far over 3 s
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # the server closed the connection after answering
                break
            try:
                answered = sock.recv(65536)
            except TimeoutError:
                continue
            break
        sock.settimeout(5)
        try:  # the head and the body of the answer may come in separate segments
            while chunk := sock.recv(65536):
                answered += chunk
        except OSError:
            pass
    assert answered.startswith(b"HTTP/1.1 408"), answered
    assert b"not complete after 3" in answered


def test_a_chunked_body_over_the_limit_gets_413(server: tuple[str, int]) -> None:
    chunk = b"x" * 65536
    piece = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    with _connect(server) as sock:
        sock.sendall(_head("/match/mylist", "transfer-encoding: chunked\r\n\r\n"))
        for _ in range(MAX_BODY_BYTES // len(chunk) + 8):
            sock.sendall(piece)
        sock.sendall(b"0\r\n\r\n")
        status, data, _ = _answer(sock)
    assert status == 413, data
    assert b"KiB" in data


@pytest.mark.parametrize("chunked", [True, False])
def test_a_client_library_sees_the_413(server: tuple[str, int], chunked: bool) -> None:
    """httpx sends the whole body before it reads the answer: it must get the 413, not a
    reset connection."""
    host, port = server
    body = b" " * (MAX_BODY_BYTES + 100_000)
    content = iter([body[i : i + 65536] for i in range(0, len(body), 65536)]) if chunked else body
    response = httpx.post(
        f"http://{host}:{port}/match/mylist",
        content=content,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert "KiB" in response.json()["detail"]


def test_a_declared_length_far_over_the_limit_gets_413_at_once(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(_head("/match/mylist", "content-length: 100000000000\r\n\r\n"))
        status, data, took = _answer(sock)
    assert status == 413, data
    assert took < CLIENT_TIMEOUT_S


def test_a_kept_alive_connection_gets_the_header_deadline_again(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        first = b""
        while not first.endswith(b"}"):  # /healthz answers {"status":"ok"}
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200"), first
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHo")
        status, data, _ = _answer(sock)
    assert status == 408, data


def test_the_server_answers_normally_afterwards(server: tuple[str, int]) -> None:
    host, port = server
    response = httpx.post(
        f"http://{host}:{port}/match/mylist",
        content=QUERY,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["responses"]["q"]["results"][0]["id"] == "wl-pak"


def test_oversized_headers_get_431(server: tuple[str, int]) -> None:
    """A head over 16 KiB is refused once that much has arrived, without waiting for its end."""
    with _connect(server) as sock:
        with contextlib.suppress(OSError):  # refused and closed while we were still sending
            sock.sendall(_head("/match/mylist", "x-big: " + "a" * 200_000 + "\r\n\r\n"))
        status, data, took = _answer(sock)
    assert status == 431, data
    assert b"16 KiB" in data
    assert took < CLIENT_TIMEOUT_S


def test_a_head_growing_in_small_pieces_gets_431(server: tuple[str, int]) -> None:
    """Many small headers, sent one by one, add up to the same limit."""
    with _connect(server) as sock:
        sock.sendall(_head("/match/mylist"))
        for n in range(1000):
            try:
                sock.sendall(f"x-h{n}: {'b' * 100}\r\n".encode())
            except OSError:  # refused and closed
                break
        status, data, _ = _answer(sock)
    assert status == 431, data


def test_headers_just_under_the_limit_are_served(server: tuple[str, int]) -> None:
    host, port = server
    response = httpx.post(
        f"http://{host}:{port}/match/mylist",
        content=QUERY,
        headers={"content-type": "application/json", "x-filler": "c" * 15_000},
    )
    assert response.status_code == 200, response.text


def test_pipelined_requests_are_answered_in_order(server: tuple[str, int]) -> None:
    """Two requests in one write, the second a /match with a body: two answers, in order."""
    second = _head("/match/mylist", f"content-length: {len(QUERY)}\r\n\r\n") + QUERY
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n" + second)
        sock.settimeout(5)
        data = b""
        while data.count(b"HTTP/1.1 200") < 2 or not data.endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 200"), data[:200]
    assert data.index(b'{"status":"ok"}') < data.index(b"wl-pak")
