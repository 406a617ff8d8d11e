"""Screening over HTTP, as yente does it: ``POST /match/{dataset}``, ``GET /search/{dataset}``."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from followthemoney import EntityProxy, model
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sever.screen.index import ScreeningIndex
from sever.screen.match import THRESHOLD
from sever.screen.query import QueryError, make_query
from sever.screen.search import (
    REVIEW_CUTOFF,
    Hit,
    ScreenOptions,
    check_filters,
    check_scope,
    resolve_algorithm,
    screen_entity,
    search,
)
from sever.serve.auth import require
from sever.serve.json_route import JsonBodyRoute
from sever.serve.models import (
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    ErrorResponse,
    SearchFacet,
    SearchFacetItem,
    SearchResponse,
    TotalSpec,
    entity_response,
    json_answer,
    scored_response,
)
from sever.serve.query_params import QueryModel
from sever.serve.state import IndexHolder

MAX_QUERIES = 100
"""Most queries in one ``/match`` request; send larger batches in several requests."""

INLINE_QUERIES = 4
"""A /match request with at most this many queries is screened on the event loop, as soon as
its turn comes; a larger batch goes to a worker thread.

Screening is pure Python, so threads add no parallelism (one process runs one thread at a
time), only a hand-off on each request (measured: about 0.3 ms of CPU, a tenth of a
single-query request) and a tug of war for the interpreter lock between the worker and the
thread that reads new requests. What a thread does give is turn-taking: a batch of 100 queries
in a thread is sliced with the requests arriving behind it instead of holding them all for its
whole run. Four queries are a few milliseconds of screening."""

MAX_LIMIT = 500
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"

router = APIRouter(tags=["Matching"])
match_router = APIRouter(tags=["Matching"], route_class=JsonBodyRoute)
"""/match alone: its requests are answered by :class:`JsonBodyRoute` (the busiest endpoint)."""
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid query"},
    401: {"model": ErrorResponse, "description": "Missing or unknown API key"},
    404: {"model": ErrorResponse, "description": "Unknown dataset"},
    408: {"model": ErrorResponse, "description": "Request body sent too slowly"},
    413: {"model": ErrorResponse, "description": "Request body over 2 MiB"},
    503: {
        "model": ErrorResponse,
        "description": "Screening ran past the request's time budget; retry after "
        "`Retry-After` seconds or send fewer queries",
    },
}

Dataset = Annotated[
    str,
    Path(
        description="Scope of the query: `default` (every list), `dprk`, an official list "
        "(`us_ofac_sdn`, `un_sc_sanctions`…) or one of your watchlists.",
        examples=["default"],
    ),
]


class EntryFilters(BaseModel):
    """The query-string filters /match and /search share: which list entries a query may hit."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    include_dataset: list[str] = Field([], title="Only include these datasets")
    exclude_dataset: list[str] = Field([], title="Leave out these datasets")
    exclude_schema: list[str] = Field([], title="Leave out these entity types")
    topics: list[str] = Field([], title="Only entities with any of these topics")
    changed_since: str | None = Field(
        None, pattern=DATE_PATTERN, title="Only entities changed since this date"
    )

    def options(self, scope: str, deadline: float, **chosen: Any) -> ScreenOptions:
        """Screening options for ``scope`` with these filters, the time budget's ``deadline``
        and the endpoint's own ``chosen`` options (limit, threshold...)."""
        return ScreenOptions(
            scope=scope,
            include_datasets=frozenset(self.include_dataset),
            exclude_datasets=frozenset(self.exclude_dataset),
            exclude_schemata=frozenset(self.exclude_schema),
            topics=frozenset(self.topics),
            changed_since=_since(self.changed_since),
            deadline=deadline,
            **chosen,
        )


class MatchParams(EntryFilters):
    """The query string of ``/match``: how many results, where the lines fall, which entries."""

    limit: int = Field(5, ge=1, le=MAX_LIMIT, title="Number of results to return")
    threshold: float = Field(
        THRESHOLD, ge=0, le=1, title="Score threshold for results to be considered matches"
    )
    cutoff: float = Field(
        REVIEW_CUTOFF, ge=0, le=1, title="Lower bound of score for results to be returned at all"
    )
    algorithm: str = Field("best", title="Scoring algorithm to use (see /algorithms)")
    exclude_entity_ids: list[str] = Field(
        [], max_length=50, title="Entity IDs to leave out (decided false positives)"
    )


MATCH_PARAMS = QueryModel(MatchParams)


class SearchParams(EntryFilters):
    """The query string of ``/search``: the name, which entries, which page."""

    q: str = Field("", max_length=1000, title="Query text (a name)")
    schema_: str = Field(
        "Thing", alias="schema", title="Types of entities that can match the search"
    )
    limit: int = Field(10, ge=0, le=MAX_LIMIT, title="Number of results to return")
    offset: int = Field(0, ge=0, le=9499, title="Start at result with given offset")
    fuzzy: bool = Field(
        False,
        title="Accepted for yente compatibility",
        description="sever always compares names tolerantly (spelling, transliteration, "
        "word order), so this changes nothing.",
    )


SEARCH_PARAMS = QueryModel(SearchParams)


async def _index(request: Request) -> ScreeningIndex:
    holder: IndexHolder = request.app.state.index
    return await holder.current()


def _since(value: str | None) -> datetime | None:
    """``changed_since`` as a time; a date that does not exist (2024-13-45) is a QueryError."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{value!r} is not a date (YYYY-MM-DD)", "changed_since") from None


def _deadline(request: Request) -> float:
    """When this request's screening must stop: now plus ``SEVER_REQUEST_BUDGET_S``."""
    return time.monotonic() + request.app.state.settings.request_budget_s


@match_router.post(
    "/match/{dataset}",
    summary="Query by example matcher",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses=ERRORS,
    dependencies=[Depends(require("viewer"))],
    openapi_extra=MATCH_PARAMS.openapi(),
)
async def match(
    request: Request,
    body: EntityMatchQuery,
    dataset: Dataset,
) -> Response:
    """Screen a batch of parties, each described by example (an FtM schema and properties),
    against one dataset. Each result carries its score, whether it is a match at the
    threshold, and an explanation per feature. Request and response follow yente's `/match`.
    """
    deadline = _deadline(request)
    params = MATCH_PARAMS.read(request)
    index = await _index(request)
    check_scope(index, dataset)
    if len(body.queries) > MAX_QUERIES:
        raise QueryError(
            f"{len(body.queries)} queries in one request; at most {MAX_QUERIES}", "queries"
        )
    if not body.queries:
        raise QueryError("no queries given", "queries")
    options = params.options(
        dataset,
        deadline,
        threshold=params.threshold,
        cutoff=min(params.cutoff, params.threshold),
        limit=params.limit,
        algorithm=resolve_algorithm(params.algorithm),
        exclude_ids=frozenset(params.exclude_entity_ids),
    )
    check_filters(index, options)
    queries = {
        name: make_query(
            example.schema_,
            example.properties,
            query_id=example.id or name,
            where=f"queries.{name}",
        )
        for name, example in body.queries.items()
    }
    if len(queries) <= INLINE_QUERIES:
        responses = _screen_all(index, queries, options)
    else:
        responses = await run_in_threadpool(_screen_all, index, queries, options)
    return json_answer(EntityMatchResponse(responses=responses, limit=params.limit))


def _screen_all(
    index: ScreeningIndex, queries: dict[str, EntityProxy], options: ScreenOptions
) -> dict[str, EntityMatches]:
    """Each query screened, as yente's per-query answer."""
    responses = {}
    for name, query in queries.items():
        screening = screen_entity(index, query, options, query_id=name)
        responses[name] = EntityMatches(
            results=[scored_response(h, index.records.get(h.entry.id)) for h in screening.hits],
            total=TotalSpec(value=len(screening.hits)),
            query=query.to_dict(),
        )
    return responses


@router.get(
    "/search/{dataset}",
    summary="Simple entity search",
    response_model=SearchResponse,
    response_model_by_alias=True,
    responses=ERRORS,
    dependencies=[Depends(require("viewer"))],
    openapi_extra=SEARCH_PARAMS.openapi(),
)
async def search_endpoint(request: Request, dataset: Dataset) -> Response:
    """Look entities up by name, best first: for user-facing search boxes. For screening a
    party, use `/match`, which weighs birth dates, countries and identifiers too."""
    deadline = _deadline(request)
    params = SEARCH_PARAMS.read(request)
    index = await _index(request)
    check_scope(index, dataset)
    options = params.options(dataset, deadline, limit=params.limit)
    check_filters(index, options)
    found = search(index, params.q, schema=params.schema_, options=options, offset=params.offset)
    return json_answer(
        SearchResponse(
            limit=params.limit,
            offset=params.offset,
            total=TotalSpec(value=found.total),
            results=[entity_response(index.records[h.entry.id]) for h in found.hits],
            facets=_facets(index, found.hits),
        )
    )


def _facets(index: ScreeningIndex, hits: list[Hit]) -> dict[str, SearchFacet]:
    """Counts of datasets, topics and countries among the results."""
    counts: dict[str, Counter[str]] = {
        "datasets": Counter(),
        "topics": Counter(),
        "countries": Counter(),
    }
    country = model.get("Thing").get("country").type  # type: ignore[union-attr]
    for hit in hits:
        counts["datasets"][hit.entry.dataset] += 1
        counts["topics"].update(hit.entry.topics)
        proxy = index.records[hit.entry.id].proxy()
        counts["countries"].update(set(proxy.get_type_values(country)))
    labels = {"datasets": "Data sources", "topics": "Categories", "countries": "Countries"}
    return {
        name: SearchFacet(
            label=labels[name],
            values=[
                SearchFacetItem(name=value, label=_label(name, value), count=n)
                for value, n in counter.most_common()
            ],
        )
        for name, counter in counts.items()
    }


def _label(facet: str, value: str) -> str:
    if facet == "countries":
        return model.get("Thing").get("country").type.caption(value) or value  # type: ignore[union-attr]
    return value
