"""Request bodies: too large gets 413, too slow gets 408, both before the app sees the request.

``RequestGuard`` reads the whole body itself (it is small: at most ``MAX_BODY_BYTES``), with a
deadline on each piece and on the whole, then hands it to the app in one piece. Reading it here
rather than counting as the app reads matters: FastAPI turns any error raised while it reads a
body into a 400, so a chunked body over the limit used to get 400 instead of 413. Both refusals
close the connection, so a client cannot keep streaming into a request that was already answered.

A body over the limit is still read to its end (up to ``DRAIN_BYTES`` more, within the same
deadlines) and thrown away before the 413 goes out: a server that closes a connection with unread
data makes the client's system reset it, and most clients then report a broken connection instead
of the 413. A declared length beyond that is refused at once, unread (a client that sent
``Expect: 100-continue``, as curl does for large bodies, has not sent it yet).
"""

from __future__ import annotations

import asyncio
import time

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Largest request body accepted (a full /match batch of 100 queries fits in far less)."""

DRAIN_BYTES = 8 * 1024 * 1024
"""How much of a body over the limit is read and thrown away so that the client sees the 413."""


class Refused(Exception):
    """A request answered before the app saw it: its status and the reason in words."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class ClientGone(Exception):
    """The client disconnected before its body was complete: nothing to answer."""


class RequestGuard:
    """ASGI middleware: 413 for a body over ``max_bytes`` (declared or streamed, chunked or
    not), 408 when the body pauses longer than ``idle_s`` or takes longer than ``total_s``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, idle_s: float, total_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.idle_s = idle_s
        self.total_s = total_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._check_declared_length(scope)
            body = await self._read_body(receive)
        except Refused as refusal:
            await _refuse(refusal, scope, receive, send)
            return
        except ClientGone:
            return
        await self.app(scope, _replay(body, receive), send)

    def _check_declared_length(self, scope: Scope) -> None:
        """Refuse at once, unread, a body whose declared length is too large to drain."""
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes + DRAIN_BYTES:
            raise self._too_large()

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole body, within the size limit and the deadlines; a body over the limit is
        drained (see the module's notes) and refused."""
        started = time.monotonic()
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            left = self.total_s - (time.monotonic() - started)
            wait = min(self.idle_s, left)
            try:
                # asyncio.timeout, not wait_for: wait_for wraps every receive in a new task.
                async with asyncio.timeout(max(wait, 0.0)):
                    message = await receive()
            except TimeoutError:
                if size > self.max_bytes:  # stalled while being drained: the size is the news
                    raise self._too_large() from None
                raise self._too_slow(total=wait >= left) from None
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes + DRAIN_BYTES:
                raise self._too_large()
            if size <= self.max_bytes:
                chunks.append(chunk)
            more = bool(message.get("more_body", False))
        if size > self.max_bytes:
            raise self._too_large()
        return b"".join(chunks)

    def _too_large(self) -> Refused:
        return Refused(
            413,
            f"request body over {self.max_bytes // 1024:,} KiB; send fewer or smaller queries",
        )

    def _too_slow(self, *, total: bool) -> Refused:
        if total:
            detail = f"request body not complete after {self.total_s:g} s; connection closed"
        else:
            detail = f"request body paused for over {self.idle_s:g} s; connection closed"
        return Refused(408, detail)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the body read already, then the client's later
    messages (a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(refusal: Refused, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer ``{"detail": ...}`` with the refusal's status and close the connection."""
    response = JSONResponse(
        {"detail": refusal.detail}, status_code=refusal.status, headers={"Connection": "close"}
    )
    await response(scope, receive, send)
