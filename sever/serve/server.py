"""Running the API under uvicorn: the listening socket, and a deadline on request headers.

The socket is bound here, before uvicorn starts, so that a port in use or a host that does not
resolve is one clear error (uvicorn logs it and exits 1). uvicorn times out idle kept-alive
connections, but not a client that opens a connection and then sends its request line and
headers slowly, a byte at a time (slowloris): ``HeaderDeadlineProtocol`` adds that deadline to
uvicorn's h11 protocol and answers 408. Header size is bounded by h11 (16 KiB; over it uvicorn
answers 400). Bodies are timed by ``limits.RequestGuard``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from sever.errors import SeverError
from sever.serve.logs import log_config

MIN_PORT, MAX_PORT = 1, 65535


def parse_port(raw: str) -> int:
    """A TCP port from ``--port``: a whole number from 1 to 65535 (0, which would let the system
    pick a port nobody is told about, is refused too)."""
    text = raw.strip()
    if not text.isdigit() or not MIN_PORT <= int(text) <= MAX_PORT:
        raise SeverError(f"--port {raw[:40]!r}: use a port number from {MIN_PORT} to {MAX_PORT}")
    return int(text)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or a SeverError saying why it cannot be (in use, no such
    address, not allowed)."""
    where = f"{host}:{port}"
    if not host.strip():
        raise SeverError("--host '': name an interface, e.g. 127.0.0.1, 0.0.0.0 or ::1")
    try:
        infos = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (OSError, UnicodeError) as exc:
        raise SeverError(f"--host {host[:80]!r}: cannot listen there ({_reason(exc)})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise SeverError(f"cannot listen on {where}: {_reason(exc)}") from None
    sock.set_inheritable(True)
    return sock


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def serve(app: Any, sock: socket.socket, *, header_timeout_s: float, workers: int = 1) -> int:
    """Serve ``app`` on the bound socket until interrupted, in ``workers`` processes; the exit
    status. Request lines are not logged: /search URLs carry the names being screened."""
    protocol = type(
        "SeverH11Protocol", (HeaderDeadlineProtocol,), {"header_timeout_s": header_timeout_s}
    )
    config = uvicorn.Config(
        app,
        http=protocol,
        log_level="info",
        log_config=log_config(),
        access_log=False,
        # h11 is the protocol the header deadline extends; keep its 16 KiB header cap explicit.
        h11_max_incomplete_event_size=16 * 1024,
    )
    if workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
        return 0
    return _prefork(config, sock, workers)


def _prefork(config: uvicorn.Config, sock: socket.socket, workers: int) -> int:
    """Run ``workers`` copies of the server, forked from this process after the app and its
    screening index were built, all accepting on the one socket; the kernel hands each new
    connection to one of them. One Python process runs on one core at a time (the GIL), so
    this is how the server uses more than one.

    uvicorn's own ``--workers`` starts fresh interpreters that import the app by name and would
    each build the index again (seconds, and its memory once per worker); forked workers share
    the parent's pages until they write to them. SIGINT or SIGTERM here stops every worker, and
    one worker stopping stops the others, and the exit status is then 1 (a supervisor such as
    systemd restarts the service)."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker
            server = uvicorn.Server(config)
            try:
                server.run(sockets=[sock])
            finally:
                os._exit(0 if server.started else 3)
        children.append(pid)
    sock.close()

    asked = False

    def stop(*_: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    def on_signal(*_: object) -> None:
        nonlocal asked
        asked = True
        stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    status = 0
    left = set(children)
    while left:
        try:
            pid, _ = os.wait()
        except ChildProcessError:
            break
        left.discard(pid)
        if not asked and not status:
            logging.getLogger("sever.serve").error(
                "server worker %d stopped unexpectedly; stopping the others", pid
            )
            status = 1
            stop()
    return status


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request's line and headers.

    The clock starts when the connection opens, and again at the first byte of each later
    request on a kept-alive connection; it stops when h11 has the whole head. If it runs out
    first, the client gets 408 and the connection is closed."""

    header_timeout_s = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_clock()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._start_header_clock()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_header_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_clock()
        super().connection_lost(exc)

    def _start_header_clock(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _stop_header_clock(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        # h11 will not write a response to a request it has not seen, so write it directly.
        self.transport.write(_timeout_response(self.header_timeout_s))
        self.transport.close()


def _timeout_response(seconds: float) -> bytes:
    """A complete HTTP/1.1 408 answer that closes the connection."""
    detail = f"request headers not complete after {seconds:g} s; connection closed"
    body = json.dumps({"detail": detail}).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
