"""The HTTP API: ``create_app(home)`` builds it, and nothing else does.

Every 4xx answer is ``{"detail": "..."}`` with a message a person can act on; a malformed request
never takes the server down.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sever import __version__
from sever.errors import NotLoadedError, SeverError
from sever.home import Home
from sever.screen.query import QueryError
from sever.serve.auth import keys_from_env
from sever.serve.routers import admin, entities, screen
from sever.serve.state import IndexHolder

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Largest request body accepted (a full /match batch of 100 queries fits in far less)."""

DESCRIPTION = """
sever screens people, companies, vessels, aircraft and crypto wallets against the official
sanctions lists (OFAC SDN, UN 1718, EU, UK) and your own watchlists, with an explanation per hit.

`/match` and `/search` are request- and response-compatible with OpenSanctions' yente, so
existing screening clients work unchanged. Datasets: `default` (every list), `dprk` (the DPRK
scope), each official list and each of your watchlists.

Authenticate with `Authorization: ApiKey KEY` (or `Bearer KEY`); `/healthz` is open.
"""

log = logging.getLogger("sever.serve")


class BodyLimit:
    """Refuses request bodies over ``MAX_BODY_BYTES`` with 413, before they are read whole."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body over {self.limit // 1024:,} KiB; send fewer or smaller queries"
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


def _validation_message(exc: RequestValidationError) -> str:
    """One line per problem: where in the request, and what is wrong."""
    lines = []
    for error in exc.errors()[:5]:
        if error.get("type") == "json_invalid":
            ctx = error.get("ctx", {})
            lines.append(f"invalid JSON in the request body: {ctx.get('error', error['msg'])}")
            continue
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        lines.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(lines) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=400)

    async def query(_: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    async def not_loaded(_: Request, exc: NotLoadedError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    async def sever_error(_: Request, exc: SeverError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse({"detail": "internal error; the server logged it"}, status_code=500)

    handlers: list[tuple[Any, Any]] = [
        (RequestValidationError, validation),
        (QueryError, query),
        (NotLoadedError, not_loaded),
        (SeverError, sever_error),
        (StarletteHTTPException, http_error),
        (Exception, unexpected),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, handler)


def create_app(home: Home | str | Path | None = None) -> FastAPI:
    """The sever API over one home; API keys are read from ``SEVER_API_KEYS`` now."""
    resolved = home if isinstance(home, Home) else Home.resolve(home)
    holder = IndexHolder(resolved)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        holder.reload()
        yield

    app = FastAPI(
        title="sever",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.home = resolved
    app.state.index = holder
    app.state.api_keys = keys_from_env()
    app.add_middleware(BodyLimit)
    _install_error_handlers(app)
    for module in (screen, entities, admin):
        app.include_router(module.router)
    return app
