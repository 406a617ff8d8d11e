"""Screening one query against the index: the one core the CLI, the batch and the API all call.

``screen_entity`` checks a party described as an FtM entity (query by example, yente's
``/match``); ``search`` looks up a piece of text by name (yente's ``/search``). Both return hits
that carry their score together with the matcher's explanation and feature lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from followthemoney import EntityProxy, model

from sever.entities import DEFAULT_SCOPE, DPRK_SCOPE
from sever.errors import NotLoadedError
from sever.screen.index import CANDIDATE_LIMIT, MIN_SCORED, Entry, ScreeningIndex
from sever.screen.match import (
    DEFAULT_ALGORITHM,
    THRESHOLD,
    MatchResult,
    Prepared,
    prepare,
    score,
)
from sever.screen.query import QueryError, query_schema

REVIEW_CUTOFF = 0.5
"""Scores at or above this, and below the match threshold, are reported for review."""

MATCH = "match"
REVIEW = "review"

ALGORITHM_ALIASES = frozenset({"best", "default"})
"""Names yente clients send for "the recommended algorithm"."""


@dataclass(frozen=True)
class ScreenOptions:
    """What to screen against and what to report: yente's ``/match`` parameters."""

    scope: str = DEFAULT_SCOPE
    """``default`` (every list), ``dprk``, or one dataset (an official list or a watchlist)."""
    threshold: float = THRESHOLD
    """Scores at or above are decided ``match``."""
    cutoff: float = REVIEW_CUTOFF
    """Scores below are not reported at all."""
    limit: int = 5
    algorithm: str = DEFAULT_ALGORITHM
    include_datasets: frozenset[str] = frozenset()
    exclude_datasets: frozenset[str] = frozenset()
    exclude_schemata: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    exclude_ids: frozenset[str] = frozenset()
    changed_since: datetime | None = None
    """Only entities with a value first seen at or after this time."""

    @property
    def entry_filter(self) -> Callable[[Entry], bool] | None:
        """The entry filter, or None when every entry is in scope (no filter to call)."""
        unfiltered = ScreenOptions(
            threshold=self.threshold, cutoff=self.cutoff, limit=self.limit, algorithm=self.algorithm
        )
        return None if self == unfiltered else self.keeps

    def keeps(self, entry: Entry) -> bool:
        """Whether an index entry is inside the scope and filters."""
        if self.scope == DPRK_SCOPE and not entry.dprk:
            return False
        if self.scope not in (DEFAULT_SCOPE, DPRK_SCOPE) and entry.dataset != self.scope:
            return False
        if self.include_datasets and entry.dataset not in self.include_datasets:
            return False
        if entry.dataset in self.exclude_datasets or entry.id in self.exclude_ids:
            return False
        if entry.schema in self.exclude_schemata:
            return False
        if self.changed_since is not None and (
            entry.last_change is None or entry.last_change < self.changed_since
        ):
            return False
        return not self.topics or bool(self.topics.intersection(entry.topics))


@dataclass
class Hit:
    """One listed entity a query hit, with the matcher's score, decision and reasons."""

    query_id: str
    entry: Entry
    result: MatchResult
    threshold: float

    @property
    def score(self) -> float:
        return float(self.result.score)

    @property
    def decision(self) -> str:
        """``match`` at or above the threshold, else ``review``."""
        return MATCH if self.score >= self.threshold else REVIEW

    @property
    def explanation(self) -> str:
        return str(self.result.explanation)

    def to_dict(self) -> dict[str, Any]:
        """The hit as the CLI's ``--json`` and the batch's JSON lines write it."""
        entry = self.entry
        return {
            "query_id": self.query_id,
            "entity_id": entry.id,
            "caption": entry.caption,
            "schema": entry.schema,
            "list": entry.dataset,
            "programs": list(entry.programs),
            "dprk": entry.dprk,
            "holder": entry.holder,
            "score": round(self.score, 4),
            "decision": self.decision,
            "explanation": self.explanation,
            "features": [_feature_dict(f) for f in self.result.features],
        }


@dataclass
class Screening:
    """Every hit of one query, best first, and how many candidates were scored."""

    query_id: str
    query: EntityProxy
    hits: list[Hit] = field(default_factory=list)
    scored: int = 0

    @property
    def matches(self) -> list[Hit]:
        return [h for h in self.hits if h.decision == MATCH]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "query": self.query.to_dict(),
            "scored": self.scored,
            "hits": [h.to_dict() for h in self.hits],
        }


def _feature_dict(feature: Any) -> dict[str, Any]:
    return {
        "name": feature.name,
        "weight": feature.weight,
        "value": feature.value,
        "contribution": feature.contribution,
        "reason": feature.reason,
        "query_value": feature.query_value,
        "candidate_value": feature.candidate_value,
    }


def check_scope(index: ScreeningIndex, scope: str) -> str:
    """A scope the index can answer for, or NotLoadedError naming the ones it can."""
    known = [DEFAULT_SCOPE, DPRK_SCOPE, *index.datasets]
    if scope not in known:
        raise NotLoadedError(f"unknown dataset {scope!r}; choose one of: {', '.join(known)}")
    return scope


def resolve_algorithm(name: str | None) -> str:
    """The algorithm a request names (``best`` and ``default`` mean the recommended one)."""
    from sever.screen.algorithms import ALGORITHMS

    if not name or name in ALGORITHM_ALIASES:
        return DEFAULT_ALGORITHM
    if name not in ALGORITHMS:
        raise QueryError(f"unknown algorithm {name!r}; use one of: {', '.join(ALGORITHMS)}")
    return name


def screen_entity(
    index: ScreeningIndex,
    query: EntityProxy,
    options: ScreenOptions | None = None,
    *,
    query_id: str | None = None,
) -> Screening:
    """Screen one party: look its candidates up in the index, score them, keep the best.

    Hits below ``options.cutoff`` are dropped; the rest come back best first, at most
    ``options.limit`` of them, each decided ``match`` or ``review`` against the threshold.
    """
    opts = options or ScreenOptions()
    check_scope(index, opts.scope)
    prepared = prepare(query)
    candidates = index.candidates(
        prepared, opts.entry_filter, max(CANDIDATE_LIMIT, opts.limit), max(MIN_SCORED, opts.limit)
    )
    qid = query_id or query.id or "query"
    hits = _scored(qid, candidates, lambda _schema: prepared, opts)
    return Screening(qid, query, hits[: opts.limit], scored=len(candidates))


def _scored(
    query_id: str,
    candidates: list[Entry],
    prepared_for: Callable[[str], Prepared],
    opts: ScreenOptions,
) -> list[Hit]:
    """Score candidates against the query as prepared for each candidate's schema, best first."""
    hits = []
    for entry in candidates:
        result = score(prepared_for(entry.schema), entry.prepared, algorithm=opts.algorithm)
        if result.score >= opts.cutoff:
            hits.append(Hit(query_id, entry, result, opts.threshold))
    hits.sort(key=lambda h: (-h.score, h.entry.caption))
    return hits


@dataclass
class SearchResult:
    """The entities a text search found, best first, with the total before paging."""

    hits: list[Hit]
    total: int
    limit: int
    offset: int


def _name_query(schema: str, text: str) -> EntityProxy:
    query = model.make_entity(schema)
    query.id = "search"
    query.add("name", text, quiet=True, fuzzy=True)
    return query


def search(
    index: ScreeningIndex,
    text: str,
    *,
    schema: str = "Thing",
    options: ScreenOptions | None = None,
    offset: int = 0,
) -> SearchResult:
    """Find entities by name, best first: the text is compared as the name of an entity of the
    candidate's own schema, among candidates of ``schema`` (``Thing``: any party or object)."""
    opts = options or ScreenOptions(limit=10)
    wanted = query_schema(schema, "schema")
    check_scope(index, opts.scope)
    if not text.strip() or not _name_query(wanted.name, text).get("name"):
        raise QueryError("empty search text", "q")
    within = replace(
        opts,
        exclude_schemata=opts.exclude_schemata
        | {s.name for s in model.schemata.values() if not s.is_a(wanted)},
    )
    by_schema: dict[str, Prepared] = {}

    def prepared_for(candidate_schema: str) -> Prepared:
        if candidate_schema not in by_schema:
            by_schema[candidate_schema] = prepare(_name_query(candidate_schema, text))
        return by_schema[candidate_schema]

    retrieval = prepare(_name_query(wanted.name, text))
    wanted_hits = opts.limit + offset
    candidates = index.candidates(
        retrieval,
        within.entry_filter,
        max(CANDIDATE_LIMIT, wanted_hits),
        max(MIN_SCORED, wanted_hits),
    )
    hits = _scored("search", candidates, prepared_for, within)
    return SearchResult(hits[offset : offset + opts.limit], len(hits), opts.limit, offset)
