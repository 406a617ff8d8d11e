"""``GET /entities/{entity_id}``: an entity with its adjacent entities nested, as in yente."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from followthemoney import model
from followthemoney.types import registry

from sever.screen.index import Record, ScreeningIndex
from sever.serve.auth import require
from sever.serve.models import EntityResponse, ErrorResponse, entity_response

router = APIRouter(tags=["Data access"])


def _linked(index: ScreeningIndex, record: Record, skip: str | None) -> dict[str, list[Any]]:
    """The record's properties with the entities it points at nested (except ``skip``)."""
    schema = model.get(record.data["schema"])
    properties: dict[str, list[Any]] = {}
    for name, values in record.data.get("properties", {}).items():
        prop = schema.get(name) if schema is not None else None
        if prop is None or prop.type != registry.entity:
            properties[name] = list(values)
            continue
        properties[name] = [
            entity_response(index.records[v]) if v in index.records and v != skip else v
            for v in values
        ]
    return properties


def nested_properties(index: ScreeningIndex, record: Record) -> dict[str, list[Any]]:
    """Properties of an entity with its adjacent entities nested one level deep: those it points
    at (a wallet's holder) and those pointing at it, under the reverse property (a person's
    ``sanctions``, ``cryptoWallets``, ``identification``, ``unknownLinkSubject``…)."""
    entity_id = record.data["id"]
    properties = _linked(index, record, skip=None)
    for other in index.adjacent(entity_id):
        schema = model.get(other.data["schema"])
        if schema is None:
            continue
        for name, values in other.data.get("properties", {}).items():
            prop = schema.get(name)
            if prop is None or prop.reverse is None or entity_id not in values:
                continue
            nested = entity_response(other, _linked(index, other, skip=entity_id))
            properties.setdefault(prop.reverse.name, []).append(nested)
    return properties


@router.get(
    "/entities/{entity_id}",
    summary="Fetch an entity",
    response_model=EntityResponse,
    response_model_by_alias=True,
    responses={
        400: {"model": ErrorResponse, "description": "Invalid entity ID"},
        401: {"model": ErrorResponse, "description": "Missing or unknown API key"},
        404: {"model": ErrorResponse, "description": "Entity not found"},
    },
    dependencies=[Depends(require("viewer"))],
)
def fetch_entity(
    request: Request,
    entity_id: Annotated[str, Path(description="ID of the entity to retrieve", max_length=200)],
    nested: Annotated[
        bool, Query(title="Include adjacent entities (sanctions, wallets, documents, links)")
    ] = True,
) -> EntityResponse:
    """One entity from any list in service, with its sanctions, wallets, identity documents and
    links nested when `nested` is true (the default), as yente's `/entities` returns them."""
    index: ScreeningIndex = request.app.state.index.get()
    record = index.records.get(entity_id)
    if record is None:
        raise HTTPException(404, f"no entity {entity_id!r} in the lists in service")
    return entity_response(record, nested_properties(index, record) if nested else None)
