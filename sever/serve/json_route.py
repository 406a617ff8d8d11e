"""A route for the busiest JSON endpoint: declared as any FastAPI route, answered without
FastAPI's per-request parameter solving.

FastAPI works out each request's parameters generically: it reads and parses the body, checks its
content type through the standard library's e-mail parser, walks the endpoint's dependency tree,
validates the parsed body field by field and collects errors, at every request. For ``/match``
that was 0.22 ms of CPU of the server's 1.4 ms per single-query request (measured in process on
the load benchmark's names, issue 13), more than the HTTP layer's own cost.

:class:`JsonBodyRoute` keeps the declaration (the path, the body model, the dependencies, the
responses), so the OpenAPI document, the authorisation table and the route walk in the tests see
it as any other route. Its handler does the same work directly: it runs the route's
dependencies, each of which takes the request alone (here the API-key check, so an
unauthenticated request is refused before its body is read), reads the body and validates it in
one pass with the body model's own JSON parser (pydantic-core), and calls the endpoint with the
request, the body and the path parameters. A body that is not JSON, is empty or does not fit the
model raises :class:`RequestValidationError`, whose handler answers 400 as for every route.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

JSON_TYPES = ("application/json",)


class JsonBodyRoute(APIRoute):
    """A POST route whose endpoint takes ``request``, one JSON body parameter (a pydantic
    model) and path parameters and returns a Response, and whose dependencies each take the
    request alone. A route declared otherwise is refused (TypeError) when it is declared."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint
        checks = [_request_only(d.call) for d in self.dependant.dependencies]
        body_name, body_model = _body_parameter(self)
        request_name = self.dependant.request_param_name or "request"

        async def handler(request: Request) -> Response:
            for check in checks:
                await check(request)
            body = _parsed(body_model, request.headers.get("content-type"), await request.body())
            arguments = {request_name: request, body_name: body, **request.path_params}
            answer: Response = await endpoint(**arguments)
            return answer

        return handler


def _parsed(model: type[BaseModel], content_type: str | None, raw: bytes) -> BaseModel:
    """The body validated against ``model``; a RequestValidationError naming what is wrong."""
    media = (content_type or "").partition(";")[0].strip().lower()
    if media not in JSON_TYPES and not media.endswith("+json"):
        shown = f"{content_type!r}" if content_type else "none"
        raise _invalid(f"send the body as JSON, with Content-Type: application/json (got {shown})")
    if not raw.strip():
        raise _invalid("the request body is empty: send a JSON object with 'queries'")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def _invalid(message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("body",), "msg": message}])


def _body_parameter(route: APIRoute) -> tuple[str, type[BaseModel]]:
    fields = route.dependant.body_params
    if len(fields) != 1 or not isinstance(fields[0].field_info.annotation, type):
        raise TypeError(f"{route.path}: JsonBodyRoute needs exactly one body model parameter")
    model = fields[0].field_info.annotation
    if not issubclass(model, BaseModel):
        raise TypeError(f"{route.path}: the body parameter must be a pydantic model")
    return fields[0].name, model


def _request_only(
    call: Callable[..., Any] | None,
) -> Callable[[Request], Coroutine[Any, Any, Any]]:
    """A dependency that takes the request alone, as a coroutine function."""
    if call is None or not inspect.iscoroutinefunction(call):
        raise TypeError("JsonBodyRoute's dependencies must be coroutine functions")
    if list(inspect.signature(call).parameters) != ["request"]:
        raise TypeError(f"{call.__qualname__}: JsonBodyRoute's dependencies take the request alone")
    return call
