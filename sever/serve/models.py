"""The HTTP API's request and response models, shaped as yente 5.5's OpenAPI schemas.

They are made from the core's objects (``Hit``, ``Record``) here at the edge and nowhere else, so
existing yente clients work unchanged. sever adds a few fields yente does not have (``programs``,
``explanation``, ``holder``); the schemas allow additional fields, so clients ignore them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from sever.screen.index import Record
from sever.screen.search import Hit


class ErrorResponse(BaseModel):
    detail: str = Field(description="What was wrong with the request, in words.")


class StatusResponse(BaseModel):
    status: str = "ok"


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityExample(BaseModel):
    """One query by example: an FtM schema and its properties."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}]
        }
    )

    id: str | None = None
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(
        examples=[{"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}]
    )


class EntityMatchQuery(BaseModel):
    """The body of ``POST /match/{dataset}``."""

    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Algorithm-specific configuration parameters."
    )
    queries: dict[str, EntityExample]


class FeatureResult(BaseModel):
    """One feature of the score, explained."""

    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class EntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema", serialization_alias="schema")
    properties: dict[str, list[str | EntityResponse]]
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None

    model_config = ConfigDict(populate_by_name=True)


class ScoredEntityResponse(EntityResponse):
    score: float = 0.0
    match: bool = Field(description="Whether the score is above the match threshold.")
    features: dict[str, float] = Field(default_factory=dict)
    explanations: dict[str, FeatureResult] = Field(
        default_factory=dict, description="Each feature's score and how it was calculated."
    )
    explanation: str = Field("", description="sever: why, in one sentence.")
    programs: list[str] = Field(default_factory=list, description="sever: sanctions programs.")
    holder: str | None = Field(None, description="sever: for a wallet, who holds it.")


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: dict[str, Any]


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class ConfigVar(BaseModel):
    type: str = "float"
    description: str | None = None
    default: str | int | float | bool | None = 0


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None
    config: dict[str, ConfigVar]
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: str | None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


# -- made from the core's objects -------------------------------------------------------------


def entity_response(
    record: Record, properties: dict[str, list[Any]] | None = None
) -> EntityResponse:
    """An entity as yente returns it; ``properties`` may carry nested adjacent entities."""
    return EntityResponse(
        id=record.data["id"],
        caption=record.caption,
        schema=record.data["schema"],
        properties=properties if properties is not None else record.data.get("properties", {}),
        datasets=[record.dataset],
        target=is_target(record),
        first_seen=record.first_seen,
        last_seen=record.last_seen,
        last_change=record.last_change,
    )


def is_target(record: Record) -> bool:
    """A listed party (sanctioned), as opposed to a document or a link that describes one."""
    props = record.data.get("properties", {})
    return "sanction" in props.get("topics", []) or bool(props.get("programId"))


def scored_response(hit: Hit, record: Record | None) -> ScoredEntityResponse:
    """A hit as one of yente's match results, with its feature explanations."""
    entry = hit.entry
    base = record.data if record is not None else {"properties": {}}
    return ScoredEntityResponse(
        id=entry.id,
        caption=entry.caption,
        schema=entry.schema,
        properties=base.get("properties", {}),
        datasets=[entry.dataset],
        target=is_target(record) if record is not None else True,
        first_seen=record.first_seen if record else None,
        last_seen=record.last_seen if record else None,
        last_change=record.last_change if record else None,
        score=round(hit.score, 4),
        match=hit.decision == "match",
        features={f.name: float(f.value) for f in hit.result.features},
        explanations={
            f.name: FeatureResult(
                detail=f.reason,
                score=float(f.value),
                query=_text(f.query_value),
                candidate=_text(f.candidate_value),
            )
            for f in hit.result.features
        },
        explanation=hit.explanation,
        programs=list(entry.programs),
        holder=entry.holder,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value) or None
    return str(value)


def json_answer(answer: BaseModel) -> Response:
    """A response model as JSON, encoded once by pydantic's own (compiled) encoder.

    Returned as is, FastAPI would validate the model a second time against the route's
    ``response_model`` and encode it through ``jsonable_encoder``: together about a tenth of a
    single-query /match request. The route keeps ``response_model`` for the OpenAPI document."""
    return Response(answer.model_dump_json(by_alias=True), media_type="application/json")
