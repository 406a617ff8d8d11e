"""JsonBodyRoute: /match is declared as any route (OpenAPI, dependencies) and answered directly;
a route it cannot answer that way is refused when it is declared, not at its first request."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel

from sever.serve.json_route import JsonBodyRoute


class Body(BaseModel):
    names: list[str]


async def needs_header(request: Request) -> None:
    if request.headers.get("x-allowed") != "yes":
        raise HTTPException(403, "not allowed")


def _app() -> FastAPI:
    router = APIRouter(route_class=JsonBodyRoute)

    @router.post("/echo/{where}", dependencies=[Depends(needs_header)])
    async def echo(request: Request, body: Body, where: str) -> JSONResponse:
        return JSONResponse({"where": where, "names": body.names, "method": request.method})

    app = FastAPI()
    app.include_router(router)
    return app


def test_the_route_runs_its_dependency_then_passes_body_and_path_parameters() -> None:
    client = TestClient(_app())
    refused = client.post("/echo/here", json={"names": ["a"]})
    assert refused.status_code == 403
    answer = client.post("/echo/here", json={"names": ["a", "b"]}, headers={"x-allowed": "yes"})
    assert answer.status_code == 200
    assert answer.json() == {"where": "here", "names": ["a", "b"], "method": "POST"}


def test_the_openapi_document_keeps_the_body_model() -> None:
    operation = _app().openapi()["paths"]["/echo/{where}"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Body"}
    assert [p["name"] for p in operation["parameters"]] == ["where"]


def test_the_match_endpoint_documents_its_body(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/match/{dataset}"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/EntityMatchQuery"}


def test_a_dependency_that_needs_more_than_the_request_is_refused_when_declared() -> None:
    async def needs_more(request: Request, other: int) -> None:
        return None

    router = APIRouter(route_class=JsonBodyRoute)
    with pytest.raises(TypeError, match="take the request alone"):

        @router.post("/x", dependencies=[Depends(needs_more)])
        async def endpoint(request: Request, body: Body) -> None:
            return None


def test_a_route_without_a_body_model_is_refused_when_declared() -> None:
    router = APIRouter(route_class=JsonBodyRoute)
    with pytest.raises(TypeError, match="one body model"):

        @router.post("/x")
        async def endpoint(request: Request) -> None:
            return None
