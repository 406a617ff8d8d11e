"""Screening one query against the index: the one core the CLI, the batch and the API all call.

``screen_entity`` checks a party described as an FtM entity (query by example, yente's
``/match``); ``search`` looks up a piece of text by name (yente's ``/search``). Both return hits
that carry their score together with the matcher's explanation and feature lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from followthemoney import EntityProxy, model, registry

from sever.entities import DEFAULT_SCOPE, DPRK_SCOPE
from sever.errors import NotLoadedError, SeverError
from sever.screen.algorithms import ALGORITHMS
from sever.screen.index import CANDIDATE_LIMIT, MIN_SCORED, Entry, ScreeningIndex
from sever.screen.match import (
    DEFAULT_ALGORITHM,
    THRESHOLD,
    MatchResult,
    Prepared,
    prepare,
    score_at_least,
)
from sever.screen.query import QueryError, check_name, query_schema, query_schemata

REVIEW_CUTOFF = 0.5
"""Scores at or above this, and below the match threshold, are reported for review."""

MATCH = "match"
REVIEW = "review"

ALGORITHM_ALIASES = frozenset({"best", "default"})
"""Names yente clients send for "the recommended algorithm"."""

DEADLINE_EVERY = 4
"""The scoring loop looks at the clock after this many candidates (and before the first)."""


class ScreenTimeout(SeverError):
    """A screening ran past its time budget (``ScreenOptions.deadline``) and was stopped."""


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
    deadline: float | None = None
    """A ``time.monotonic()`` value past which the screening stops with ``ScreenTimeout``
    (the API's per-request time budget); None: no limit."""

    @property
    def entry_filter(self) -> Callable[[Entry], bool] | None:
        """The entry filter, or None when every entry is in scope (no filter to call)."""
        if _narrowed(self) or self.exclude_ids or self.changed_since is not None:
            return self.keeps
        return None

    def check_deadline(self) -> None:
        """Raise ScreenTimeout when the time budget is spent."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise ScreenTimeout(
                "screening stopped: it ran past its time budget; try a shorter or more specific "
                "query"
            )

    def keeps(self, entry: Entry) -> bool:
        """Whether an index entry is inside the scope and filters."""
        if not self.in_scope(entry):
            return False
        if entry.id in self.exclude_ids:
            return False
        return self.changed_since is None or (
            entry.last_change is not None and entry.last_change >= self.changed_since
        )

    def in_scope(self, entry: Entry) -> bool:
        """Whether an entry is inside the scope and the list, schema and topic filters (what
        the user screens against, before the per-query exclusions and the change date)."""
        if not _listed_in(entry, self.scope):
            return False
        if self.include_datasets and not any(_listed_in(entry, n) for n in self.include_datasets):
            return False
        if any(_listed_in(entry, name) for name in self.exclude_datasets):
            return False
        if entry.schema in self.exclude_schemata:
            return False
        return not self.topics or bool(self.topics.intersection(entry.topics))


def _listed_in(entry: Entry, dataset: str) -> bool:
    """Whether an entry belongs to a dataset or a group (``default``: every list; ``dprk``)."""
    if dataset == DEFAULT_SCOPE:
        return True
    if dataset == DPRK_SCOPE:
        return entry.dprk
    return entry.dataset == dataset


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
    if not name or name in ALGORITHM_ALIASES:
        return DEFAULT_ALGORITHM
    if name not in ALGORITHMS:
        raise QueryError(f"unknown algorithm {name!r}; use one of: {', '.join(ALGORITHMS)}")
    return name


MAX_HITS = 10_000
"""Most hits one query may ask for (``limit``); the API and the CLI set lower limits."""

FILTER_NAMES = {
    "scope": "dataset",
    "include_datasets": "include_dataset",
    "exclude_datasets": "exclude_dataset",
    "exclude_schemata": "exclude_schema",
    "topics": "topics",
    "algorithm": "algorithm",
    "threshold": "threshold",
    "cutoff": "cutoff",
    "limit": "limit",
}
"""Each option as a query names it (the API's parameter names); the CLI passes its own."""


def check_filters(
    index: ScreeningIndex, opts: ScreenOptions, names: dict[str, str] | None = None
) -> None:
    """Refuse options that would screen against less than the user asked for.

    Every list, group, topic, schema and algorithm an option names must exist (QueryError
    listing the valid ones), the numbers must be in range, and the scope and filters together
    must leave at least one listed entity to screen against: a mistyped filter is an error,
    never an empty result. ``names`` gives the options' names as the caller shows them
    (``--lists``); an unknown scope is a NotLoadedError, as before.
    """
    label = {**FILTER_NAMES, **(names or {})}
    check_scope(index, opts.scope)
    _check_numbers(opts, label)
    if opts.algorithm not in ALGORITHMS:
        raise QueryError(
            f"unknown algorithm {opts.algorithm!r}; use one of: {', '.join(ALGORITHMS)}",
            label["algorithm"],
        )
    lists = [DEFAULT_SCOPE, DPRK_SCOPE, *index.datasets]
    for option in ("include_datasets", "exclude_datasets"):
        unknown = sorted(set(getattr(opts, option)).difference(lists))
        if unknown:
            raise QueryError(
                f"unknown list {unknown[0]!r}; use one of: {', '.join(lists)}", label[option]
            )
    unknown = sorted(opts.exclude_schemata.difference(model.schemata))
    if unknown:
        raise QueryError(
            f"unknown schema {unknown[0]!r}; use one of: {', '.join(query_schemata())}",
            label["exclude_schemata"],
        )
    unknown = sorted(opts.topics.difference(registry.topic.names))
    if unknown:
        present = index.topics or sorted(registry.topic.names)
        raise QueryError(
            f"unknown topic {unknown[0]!r}; use one of: {', '.join(present)}", label["topics"]
        )
    if not index.complete or not index.entries or not _narrowed(opts):
        return
    if not index.has_entries_in(_scope_key(opts), opts.in_scope):
        raise QueryError(
            "no listed entity is inside this scope and these filters (lists: "
            f"{_shown(opts.include_datasets)}, excluded: {_shown(opts.exclude_datasets)}, "
            f"topics: {_shown(opts.topics)}, excluded schemata: {_shown(opts.exclude_schemata)}"
            f", scope: {opts.scope}); nothing would be screened"
        )


def _check_numbers(opts: ScreenOptions, label: dict[str, str]) -> None:
    """Scores between 0 and 1 (not NaN), and a whole number of hits up to ``MAX_HITS``."""
    for option in ("threshold", "cutoff"):
        value = getattr(opts, option)
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:  # NaN fails both
            raise QueryError(f"{value!r} is not a score between 0 and 1", label[option])
    if isinstance(opts.limit, bool) or not isinstance(opts.limit, int):
        raise QueryError(f"{opts.limit!r} is not a whole number", label["limit"])
    if not 0 <= opts.limit <= MAX_HITS:
        raise QueryError(f"{opts.limit} is not between 0 and {MAX_HITS:,}", label["limit"])


def _narrowed(opts: ScreenOptions) -> bool:
    """Whether the scope or a list, schema or topic filter leaves anything out."""
    return bool(
        opts.scope != DEFAULT_SCOPE
        or opts.include_datasets
        or opts.exclude_datasets
        or opts.exclude_schemata
        or opts.topics
    )


def _scope_key(opts: ScreenOptions) -> tuple:
    return (
        opts.scope,
        opts.include_datasets,
        opts.exclude_datasets,
        opts.exclude_schemata,
        opts.topics,
    )


def _shown(values: frozenset[str]) -> str:
    return ", ".join(sorted(values)) or "-"


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
    check_filters(index, opts)
    prepared = prepare(query)
    opts.check_deadline()
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
    """Score candidates against the query as prepared for each candidate's schema, best first;
    the clock is checked every ``DEADLINE_EVERY`` candidates (ScreenTimeout past the deadline)."""
    hits = []
    for position, entry in enumerate(candidates):
        if position % DEADLINE_EVERY == 0:
            opts.check_deadline()
        result = score_at_least(
            prepared_for(entry.schema), entry.prepared, opts.algorithm, cutoff=opts.cutoff
        )
        if result is not None:
            hits.append(Hit(query_id, entry, result, opts.threshold))
    hits.sort(key=lambda h: (-h.score, h.entry.caption, h.entry.id))
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
    check_filters(index, opts)
    if not text.strip() or not _name_query(wanted.name, text).get("name"):
        raise QueryError("empty search text", "q")
    check_name(text, "q")  # no longer than a name may be, and something to match on
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
    opts.check_deadline()
    wanted_hits = opts.limit + offset
    candidates = index.candidates(
        retrieval,
        within.entry_filter,
        max(CANDIDATE_LIMIT, wanted_hits),
        max(MIN_SCORED, wanted_hits),
    )
    hits = _scored("search", candidates, prepared_for, within)
    return SearchResult(hits[offset : offset + opts.limit], len(hits), opts.limit, offset)
