"""Running the API under uvicorn: the listening socket, the HTTP protocol and its guards.

The socket is bound here, before uvicorn starts, so that a port in use or a host that does not
resolve is one clear error (uvicorn logs it and exits 1). The server speaks HTTP/1.1 through
uvicorn's httptools protocol (llhttp, the C parser Node.js uses) on uvloop's event loop: measured
on one request through the protocol and the loop, without the socket, about 25 us of CPU against
115-135 us for the pure-Python h11 protocol on asyncio's loop (a twentieth of a single-query
/match request saved). uvicorn times out idle kept-alive connections, but not a client that
opens a connection and then sends its request line and headers slowly, a byte at a time
(slowloris), and llhttp sets no limit on the size of a head: ``GuardedHttpProtocol`` adds both,
answering 408 and 431. Bodies are timed and capped by ``limits.RequestGuard``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sever.errors import SeverError
from sever.serve.balance import ConnectionShares
from sever.serve.logs import log_config

MIN_PORT, MAX_PORT = 1, 65535
BALANCED = sys.platform == "linux"
"""Whether the kernel balances connections over sockets bound to one port (``SO_REUSEPORT``
does that on Linux only)."""
PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent dies."""
MAX_HEAD_BYTES = 16 * 1024
"""Largest request line and headers accepted, together (what h11 allowed before; 431 above)."""


def parse_port(raw: str) -> int:
    """A TCP port from ``--port``: a whole number from 1 to 65535 (0, which would let the system
    pick a port nobody is told about, is refused too)."""
    text = raw.strip()
    if not text.isdigit() or not MIN_PORT <= int(text) <= MAX_PORT:
        raise SeverError(f"--port {raw[:40]!r}: use a port number from {MIN_PORT} to {MAX_PORT}")
    return int(text)


def listen(host: str, port: int, *, shared: bool = False) -> socket.socket:
    """A socket bound to ``host:port``, or a SeverError saying why it cannot be (in use, no such
    address, not allowed). With ``shared`` (several workers, on Linux), other sockets of this
    user may bind the port beside it (``SO_REUSEPORT``, see ``_prefork``), once it was proved
    free: a second server started on the same port still gets "in use"."""
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
    try:
        if shared and BALANCED:
            with _bound(family, kind, proto, address, reuse_port=False):
                pass  # the port is free: nobody, not even another sever, listens there
        sock = _bound(family, kind, proto, address, reuse_port=shared and BALANCED)
    except OSError as exc:
        raise SeverError(f"cannot listen on {where}: {_reason(exc)}") from None
    sock.set_inheritable(True)
    return sock


def _bound(family: int, kind: int, proto: int, address: Any, *, reuse_port: bool) -> socket.socket:
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def serve(app: Any, sock: socket.socket, *, header_timeout_s: float, workers: int = 1) -> int:
    """Serve ``app`` on the bound socket until interrupted, in ``workers`` processes; the exit
    status. Request lines are not logged: /search URLs carry the names being screened."""
    shares = ConnectionShares(workers) if workers > 1 and BALANCED else None
    protocol = type(
        "SeverHttpProtocol",
        (GuardedHttpProtocol,),
        {"header_timeout_s": header_timeout_s, "shares": shares},
    )
    config = uvicorn.Config(
        app,
        http=protocol,
        loop="uvloop",
        log_level="info",
        log_config=log_config(),
        access_log=False,
    )
    if workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
        return 0
    return _prefork(config, sock, workers, shares)


def _prefork(
    config: uvicorn.Config, sock: socket.socket, workers: int, shares: ConnectionShares | None
) -> int:
    """Run ``workers`` copies of the server, forked from this process after the app and its
    screening index were built, all listening on the one port. One Python process runs on one
    core at a time (the GIL), so this is how the server uses more than one.

    On Linux each worker listens on a socket of its own bound beside ``sock``
    (``SO_REUSEPORT``), and the kernel hands each new connection to one of them by a hash of
    its addresses: even on average, though one split can still be uneven. Sharing ``sock``
    itself leaves the choice to whichever worker wakes first, and that one takes every
    connection waiting: measured, 16 clients that connected at once landed 13, 12 and 11 on
    one of two workers in three tries. A kept-alive connection stays with its worker, so the
    busier one then sets the latency while the other core idles; ``shares`` evens out what the
    hash left uneven (see :mod:`.balance`). Elsewhere the workers share ``sock``.

    uvicorn's own ``--workers`` starts fresh interpreters that import the app by name and would
    each build the index again (seconds, and its memory once per worker); forked workers share
    the parent's pages until they write to them. SIGINT or SIGTERM here stops every worker, and
    one worker stopping stops the others, and the exit status is then 1 (a supervisor such as
    systemd restarts the service)."""
    children: list[int] = []
    parent = os.getpid()
    for slot in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker
            _die_with(parent)
            if shares is not None:
                shares.become(slot)
            server = uvicorn.Server(config)
            try:
                server.run(sockets=[_own_socket(sock) if BALANCED else sock])
            finally:
                os._exit(0 if server.started else 3)
        children.append(pid)
    try:
        return _supervise(children)
    finally:
        sock.close()


def _die_with(parent: int) -> None:
    """In a forked worker: be stopped (SIGTERM) when the supervising process dies, even by
    SIGKILL, which it cannot pass on; else the worker would keep the port and its memory, an
    orphan nobody stops. Linux only (``prctl``); elsewhere the supervisor's signals must do."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the request above took effect
        os._exit(1)


def _own_socket(sock: socket.socket) -> socket.socket:
    """A worker's socket, bound to the same address as ``sock`` (which has ``SO_REUSEPORT``)."""
    own = _bound(sock.family, sock.type, sock.proto, sock.getsockname(), reuse_port=True)
    sock.close()
    return own


def _supervise(children: list[int]) -> int:
    """Wait for the workers, stopping them all on a signal or when one stops; the exit status."""
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


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's line and headers, and a
    cap on their size.

    The clock starts when the connection opens, and again at the first byte of each later
    request on a kept-alive connection; it stops when the parser has the whole head. If it runs
    out first, the client gets 408 and the connection is closed.

    The head is counted as it arrives: bytes are fed to the parser only up to ``max_head_bytes``
    past the start of a head, and a head not complete by then gets 431 and the connection is
    closed, so a client cannot make the server hold an endless header line for the length of
    the deadline. (A head that starts inside the same read as the end of the request before it,
    pipelined, is counted from the next read: it is bounded by the size of one read.)"""

    header_timeout_s = 10.0
    max_head_bytes = MAX_HEAD_BYTES
    shares: ConnectionShares | None = None
    """The workers' connection counts, when there are several (see :mod:`.balance`)."""
    _leaving = False
    """Whether this connection was told to close after its answer, to even out the workers."""
    _header_timer: asyncio.TimerHandle | None = None
    _in_head = True
    """Whether the bytes now arriving belong to a request line and headers."""
    _head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(HeadWithBody(transport, self.loop))  # type: ignore[arg-type]
        if self.shares is not None:
            self.shares.opened()
        self._start_header_clock()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            room = self.max_head_bytes - self._head_bytes
            if len(data) > room:
                self._head_bytes += room
                super().data_received(data[:room])
                if self._in_head and not self.transport.is_closing():
                    self._refuse(431, f"request headers over {self.max_head_bytes // 1024} KiB")
                    return
                data = data[room:]
            else:
                self._head_bytes += len(data)
        if data:
            super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        if self._header_timer is None:
            self._start_header_clock()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_header_clock()
        super().on_headers_complete()
        if (
            self.shares is not None
            and not self._leaving
            and self.cycle is not None
            and self.cycle.keep_alive
            and self.shares.should_shed()
        ):
            self.cycle.keep_alive = False  # answered with "connection: close", then closed
            self._leaving = True

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_clock()
        if self.shares is not None:
            self.shares.closed(self._leaving)
        super().connection_lost(exc)

    def _start_header_clock(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _stop_header_clock(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or not self._in_head:
            return
        seconds = f"{self.header_timeout_s:g}"
        self._refuse(408, f"request headers not complete after {seconds} s; connection closed")

    def _refuse(self, status: int, detail: str) -> None:
        """Answer a request whose head the app never saw, and close the connection. Behind an
        answer still being written (a pipelined request), the connection closes after that
        answer instead, and this one goes unanswered."""
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False
            self.flow.pause_reading()
            return
        self.transport.write(_refusal(status, detail))
        self.transport.close()


class HeadWithBody:
    """A connection's transport that sends a response's status line and headers together with
    the first bytes of its body.

    uvicorn writes the head and the body of an answer separately, and uvloop sends each write
    at once: two system calls and two TCP segments per answer, and a client woken twice (seen
    with strace: a 126-byte write, then the body). A write that is a whole response head is
    held here and sent with the next write, in one. Writes keep their order whatever they
    hold: a held head goes out before anything else is written or the connection closes, and
    at the latest on the event loop's next turn (an answer with no body). An interim answer
    (``100 Continue``) is never held: the client waits for it before sending its body."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._head: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._transport.writelines((head, data))
        elif _is_final_head(data):
            self._head = bytes(data)
            self._loop.call_soon(self._flush)
        else:
            self._transport.write(data)

    def writelines(self, chunks: Iterable[bytes | bytearray | memoryview]) -> None:
        self._flush()
        self._transport.writelines(chunks)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def _flush(self) -> None:
        head = self._head
        if head is not None:
            self._head = None
            if not self._transport.is_closing():
                self._transport.write(head)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _is_final_head(data: bytes | bytearray | memoryview) -> bool:
    """Whether a write is a whole HTTP/1.1 response head other than an interim (1xx) one."""
    return (
        isinstance(data, bytes)
        and data.startswith(b"HTTP/1.1 ")
        and not data.startswith(b"HTTP/1.1 1")
        and data.endswith(b"\r\n\r\n")
    )


def _refusal(status: int, detail: str) -> bytes:
    """A complete HTTP/1.1 answer ``{"detail": ...}`` that closes the connection."""
    body = json.dumps({"detail": detail}).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
