"""The HTTP API: ``create_app(home)`` builds it, and nothing else does.

Every 4xx answer is ``{"detail": "..."}`` with a message a person can act on; a malformed request
never takes the server down.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sever import __version__
from sever.errors import NotLoadedError, SeverError
from sever.home import Home
from sever.screen.query import QueryError
from sever.screen.search import ScreenTimeout
from sever.serve.auth import keys_from_env
from sever.serve.collector import young_collection
from sever.serve.limits import MAX_BODY_BYTES, RequestGuard
from sever.serve.logs import private
from sever.serve.routers import admin, cases, entities, screen
from sever.serve.settings import ServeSettings
from sever.serve.state import IndexHolder
from sever.web import install as install_web

DESCRIPTION = """
sever screens people, companies, vessels, aircraft and crypto wallets against the official
sanctions lists (OFAC SDN, UN 1718, EU, UK) and your own watchlists, with an explanation per hit.

`/match` and `/search` are request- and response-compatible with OpenSanctions' yente, so
existing screening clients work unchanged. Datasets: `default` (every list), `dprk` (the DPRK
scope), each official list and each of your watchlists.

Authenticate with `Authorization: ApiKey KEY` (or `Bearer KEY`); `/healthz` is open.
"""

log = private(logging.getLogger("sever.serve"))


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

    async def timeout(request: Request, exc: ScreenTimeout) -> JSONResponse:
        return over_budget(request.app.state.settings)

    async def sever_error(_: Request, exc: SeverError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        route = getattr(request.scope.get("route"), "path", "?")  # the template, never the URL
        log.error("unexpected error in %s %s", request.method, route, exc_info=exc)
        return JSONResponse({"detail": "internal error; the server logged it"}, status_code=500)

    handlers: list[tuple[Any, Any]] = [
        (RequestValidationError, validation),
        (QueryError, query),
        (NotLoadedError, not_loaded),
        (ScreenTimeout, timeout),
        (SeverError, sever_error),
        (StarletteHTTPException, http_error),
        (Exception, unexpected),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, handler)


def over_budget(settings: ServeSettings) -> JSONResponse:
    """503 with Retry-After for a request stopped at its time budget.

    503 rather than 504: 504 says a gateway gave up on an upstream server, and this server is the
    origin. Every query reaching the matcher is already capped in size, so running out of time
    means the server is busy, which is what 503 and Retry-After tell a client to wait out."""
    budget = settings.request_budget_s
    detail = (
        f"screening stopped after its {budget:g} s budget (SEVER_REQUEST_BUDGET_S): the server "
        "is busy, or the request holds too many queries; retry later or send fewer queries"
    )
    retry = str(max(1, math.ceil(budget)))
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": retry})


def create_app(
    home: Home | str | Path | None = None, settings: ServeSettings | None = None
) -> FastAPI:
    """The sever API over one home. API keys are read from ``SEVER_API_KEYS`` and the limits
    from their environment variables now, unless ``settings`` gives the limits."""
    resolved = home if isinstance(home, Home) else Home.resolve(home)
    chosen = settings if settings is not None else ServeSettings.from_env()
    holder = IndexHolder(resolved)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        holder.reload()
        app.state.cases.has_users()  # opens an existing cases store now, not on a first request
        async with young_collection():
            yield

    app = FastAPI(
        title="sever",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry hooks stay off: a span or log record of a request carries
        # its URL, and /search URLs carry the names screened (see sever/serve/logs.py). Off,
        # they also stop asking, on every request, whether a provider has been configured.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.home = resolved
    app.state.index = holder
    app.state.api_keys = keys_from_env()
    app.state.settings = chosen
    app.state.updates = admin.UpdateGate(chosen.updates_per_minute)
    app.add_middleware(
        RequestGuard,
        max_bytes=MAX_BODY_BYTES,
        idle_s=chosen.client_timeout_s,
        total_s=chosen.body_timeout_s,
    )
    _install_error_handlers(app)
    app.state.cases = cases.CasesHolder(resolved)
    app.include_router(screen.match_router)
    for module in (screen, entities, admin, cases):
        app.include_router(module.router)
    install_web(app)
    return app
