"""``sever serve --workers N``: N forked processes answer on one port and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sever.home import Home

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Pak Chol Su"]}}}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def _start(home: Home) -> tuple[subprocess.Popen[bytes], str]:
    """``sever serve --workers 2``, answering."""
    port = _free_port()
    command = [sys.executable, "-m", "sever.cli", "serve", "--home", str(home.root),
               "--port", str(port), "--workers", "2"]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, "SEVER_API_KEYS": "k:viewer"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("the server did not start")


PROC = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")


@PROC
def test_workers_share_the_port_and_stop_with_the_server(watchlist_home: Home) -> None:
    process, url = _start(watchlist_home)
    try:
        workers = _children(process.pid)
        assert len(workers) == 2
        headers = {"Authorization": "ApiKey k"}
        for _ in range(20):  # fresh connections, spread over both workers by the kernel
            answer = httpx.post(f"{url}/match/mylist", json=QUERY, headers=headers)
            assert answer.status_code == 200
            assert answer.json()["responses"]["q"]["results"][0]["id"] == "wl-pak"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert not [pid for pid in workers if _alive(pid)], "no worker is left behind"
    finally:
        if process.poll() is None:
            process.kill()


@PROC
def test_a_worker_dying_stops_the_server_with_status_1(watchlist_home: Home) -> None:
    process, _ = _start(watchlist_home)
    try:
        first, second = sorted(_children(process.pid))
        os.kill(first, signal.SIGKILL)
        assert process.wait(timeout=20) == 1
        assert not _alive(second), "the other worker was stopped too"
    finally:
        if process.poll() is None:
            process.kill()


@PROC
def test_a_second_server_on_the_port_of_a_multi_worker_one_is_refused(
    watchlist_home: Home,
) -> None:
    """The workers bind the port side by side (SO_REUSEPORT); another server may not join."""
    process, url = _start(watchlist_home)
    try:
        port = url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "sever.cli", "serve", "--home", str(watchlist_home.root),
                   "--port", port, "--workers", "2"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2
        assert done.stderr.strip().startswith(f"error: cannot listen on 127.0.0.1:{port}")
        assert httpx.get(f"{url}/healthz").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_workers_out_of_range_is_one_error_line(watchlist_home: Home) -> None:
    command = [sys.executable, "-m", "sever.cli", "serve", "--home", str(watchlist_home.root),
               "--port", str(_free_port()), "--workers", "0"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --workers: 0 is not between 1 and 64"


def _secret_of(root: str) -> bytes:
    from sever.web.session import secret

    return secret(Home(Path(root)))


def test_workers_starting_together_share_one_session_secret(home: Home) -> None:
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(8) as pool:
        keys = pool.map(_secret_of, [str(home.root)] * 32)
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert [p.name for p in (home.root / "web").iterdir()] == ["session.key"]


def _established_per_worker(port: int, workers: set[int]) -> dict[int, int]:
    """Open connections to ``port`` held by each worker, read from /proc: the socket inodes in
    the worker's file descriptors that /proc/net/tcp lists as established on that local port."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])
    held = {}
    for pid in workers:
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        held[pid] = len(inodes & established)
    return held


@PROC
def test_kept_alive_connections_are_evened_out_over_the_workers(watchlist_home: Home) -> None:
    """24 clients that keep their connections open end up 12 on each worker, however the
    kernel's hash first spread them: a worker over its share answers one request at a time with
    ``Connection: close``, and the client reconnects. No request fails on the way."""
    process, url = _start(watchlist_home)
    port = int(url.rsplit(":", 1)[1])
    clients = [httpx.Client(base_url=url, headers={"Authorization": "ApiKey k"}) for _ in range(24)]
    try:
        closes = 0
        for _ in range(40):
            for client in clients:
                answer = client.post("/match/mylist", json=QUERY)
                assert answer.status_code == 200
                closes += answer.headers.get("connection") == "close"
        held = _established_per_worker(port, _children(process.pid))
        assert sorted(held.values()) == [12, 12], (held, closes)
        quiet = sum(
            client.post("/match/mylist", json=QUERY).headers.get("connection") == "close"
            for client in clients
        )
        assert quiet == 0  # once even, nothing more is closed
    finally:
        for client in clients:
            client.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


@PROC
def test_workers_stop_when_the_server_is_killed(watchlist_home: Home) -> None:
    """SIGKILL gives the supervising process no chance to stop its workers: they stop on their
    own rather than live on as orphans holding the port."""
    process, _ = _start(watchlist_home)
    workers = _children(process.pid)
    assert len(workers) == 2
    process.kill()
    process.wait(timeout=20)
    for _ in range(100):
        if not [pid for pid in workers if _alive(pid)]:
            break
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived the server"
