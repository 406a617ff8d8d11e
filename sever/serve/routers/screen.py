"""Screening over HTTP, as yente does it: ``POST /match/{dataset}``, ``GET /search/{dataset}``."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from followthemoney import EntityProxy, model
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


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses=ERRORS,
    dependencies=[Depends(require("viewer"))],
)
async def match(
    request: Request,
    body: EntityMatchQuery,
    dataset: Dataset,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, title="Number of results to return")] = 5,
    threshold: Annotated[
        float, Query(ge=0, le=1, title="Score threshold for results to be considered matches")
    ] = THRESHOLD,
    cutoff: Annotated[
        float, Query(ge=0, le=1, title="Lower bound of score for results to be returned at all")
    ] = REVIEW_CUTOFF,
    algorithm: Annotated[str, Query(title="Scoring algorithm to use (see /algorithms)")] = "best",
    include_dataset: Annotated[list[str], Query(title="Only include these datasets")] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query(title="Leave out these entity types")] = [],  # noqa: B006
    exclude_dataset: Annotated[list[str], Query(title="Leave out these datasets")] = [],  # noqa: B006
    topics: Annotated[list[str], Query(title="Only entities with any of these topics")] = [],  # noqa: B006
    changed_since: Annotated[
        str | None, Query(pattern=DATE_PATTERN, title="Only entities changed since this date")
    ] = None,
    exclude_entity_ids: Annotated[
        list[str], Query(max_length=50, title="Entity IDs to leave out (decided false positives)")
    ] = [],  # noqa: B006
) -> Response:
    """Screen a batch of parties, each described by example (an FtM schema and properties),
    against one dataset. Each result carries its score, whether it is a match at the
    threshold, and an explanation per feature. Request and response follow yente's `/match`.
    """
    deadline = _deadline(request)
    index = await _index(request)
    check_scope(index, dataset)
    if len(body.queries) > MAX_QUERIES:
        raise QueryError(
            f"{len(body.queries)} queries in one request; at most {MAX_QUERIES}", "queries"
        )
    if not body.queries:
        raise QueryError("no queries given", "queries")
    options = ScreenOptions(
        scope=dataset,
        threshold=threshold,
        cutoff=min(cutoff, threshold),
        limit=limit,
        algorithm=resolve_algorithm(algorithm),
        include_datasets=frozenset(include_dataset),
        exclude_datasets=frozenset(exclude_dataset),
        exclude_schemata=frozenset(exclude_schema),
        topics=frozenset(topics),
        exclude_ids=frozenset(exclude_entity_ids),
        changed_since=_since(changed_since),
        deadline=deadline,
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
    return json_answer(EntityMatchResponse(responses=responses, limit=limit))


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
)
async def search_endpoint(
    request: Request,
    dataset: Dataset,
    q: Annotated[str, Query(max_length=1000, title="Query text (a name)")] = "",
    schema: Annotated[str, Query(title="Types of entities that can match the search")] = "Thing",
    include_dataset: Annotated[list[str], Query(title="Only these datasets")] = [],  # noqa: B006
    exclude_dataset: Annotated[list[str], Query(title="Leave out these datasets")] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query(title="Leave out these entity types")] = [],  # noqa: B006
    changed_since: Annotated[
        str | None, Query(pattern=DATE_PATTERN, title="Only entities changed since this date")
    ] = None,
    topics: Annotated[list[str], Query(title="Only entities with any of these topics")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, title="Number of results to return")] = 10,
    offset: Annotated[int, Query(ge=0, le=9499, title="Start at result with given offset")] = 0,
    fuzzy: Annotated[
        bool,
        Query(
            title="Accepted for yente compatibility",
            description="sever always compares names tolerantly (spelling, transliteration, "
            "word order), so this changes nothing.",
        ),
    ] = False,
) -> Response:
    """Look entities up by name, best first: for user-facing search boxes. For screening a
    party, use `/match`, which weighs birth dates, countries and identifiers too."""
    deadline = _deadline(request)
    index = await _index(request)
    check_scope(index, dataset)
    options = ScreenOptions(
        scope=dataset,
        limit=limit,
        include_datasets=frozenset(include_dataset),
        exclude_datasets=frozenset(exclude_dataset),
        exclude_schemata=frozenset(exclude_schema),
        topics=frozenset(topics),
        changed_since=_since(changed_since),
        deadline=deadline,
    )
    check_filters(index, options)
    found = search(index, q, schema=schema, options=options, offset=offset)
    return json_answer(
        SearchResponse(
            limit=limit,
            offset=offset,
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
