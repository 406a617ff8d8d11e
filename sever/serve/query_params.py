"""A route's query string read into one pydantic model, and described in OpenAPI from that model.

FastAPI does both for a model annotated ``Query()``, but (0.165) it works out again on every
request, for every field, whether the field's annotation is a sequence and which aliases it has:
for ``/match``'s ten optional parameters that was about 110 µs of CPU in a request whose whole
framework cost is about 480 µs (measured in process, screening left out), most of it when the
client sends no parameter at all. Here the model is looked at once, when the route is defined; a
request with no query string costs nothing, and one with parameters one pydantic validation.
Errors are FastAPI's own (:class:`RequestValidationError`, located at ``query.NAME``), so a client
sees the same 400 either way.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class QueryModel(Generic[M]):
    """Reads ``model`` (a frozen pydantic model whose fields all have defaults) from a request's
    query string, each field under its alias where it has one (``schema``, a name pydantic keeps
    for itself). A list field takes every repetition of its name (``?topics=a&topics=b``)."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._names = tuple(field.alias or name for name, field in model.model_fields.items())
        self._lists = frozenset(
            field.alias or name
            for name, field in model.model_fields.items()
            if get_origin(field.annotation) is list
        )
        self._default = model()

    def read(self, request: Request) -> M:
        """The request's parameters, validated; unknown names are ignored, as FastAPI does."""
        params = request.query_params
        if not params:
            return self._default
        values: dict[str, Any] = {}
        for name in self._names:
            if name in self._lists:
                if given := params.getlist(name):
                    values[name] = given
            elif name in params:
                values[name] = params[name]
        try:
            return self.model.model_validate(values)
        except ValidationError as error:
            raise RequestValidationError(
                [
                    {**problem, "loc": ("query", *problem["loc"])}
                    for problem in error.errors(include_url=False)
                ]
            ) from None

    def openapi(self) -> dict[str, Any]:
        """The route's ``openapi_extra``: one optional query parameter per field, its schema the
        field's own (type, bounds, pattern, default, title)."""
        schema = self.model.model_json_schema()
        definitions = schema.get("$defs", {})
        if definitions:  # a nested model would need its $defs carried into the document
            raise TypeError(f"{self.model.__name__}: query parameters must be plain values")
        return {
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": field}
                for name, field in schema["properties"].items()
            ]
        }
