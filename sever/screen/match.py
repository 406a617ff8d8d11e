"""Score a query against a listed entity, and say why.

``score(query, candidate)`` takes FtM entities or entities already prepared by :func:`prepare`
(the index prepares listed entities once) and returns a :class:`MatchResult`: a calibrated score in
[0, 1], the decision at the algorithm's threshold, every feature that fired with its weight and
contribution, and a paragraph in the analyst's words naming the pair of names that matched.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache

from followthemoney import EntityProxy

from sever.screen.algorithms import DEFAULT_ALGORITHM, get_algorithm
from sever.screen.features import Observation
from sever.screen.model import (
    DECISIVE,
    FEATURES,
    KOREAN_V1,
    NOTES,
    QUERY_NEEDS,
    FeatureFn,
    Model,
)
from sever.screen.prepared import Prepared, prepare, schemata_matchable

THRESHOLD = KOREAN_V1.threshold
"""Default decision threshold (sever-korean-v1): a score at or above it is a match."""
MAX_SCORE_WITHOUT_ID = 0.999
"""Only a shared identifier scores 1.0; evidence from names and dates stops short of it."""


@dataclass(frozen=True)
class Feature:
    """One line of the explanation."""

    name: str
    weight: float
    value: float
    contribution: float
    """Weight × value in log-odds as it entered the score (0 when a stronger feature of the same
    group was used instead)."""
    reason: str
    query_value: str | None = None
    candidate_value: str | None = None


@dataclass(frozen=True, eq=False)
class MatchResult:
    """A score with its reasons.

    The feature lines and the paragraph are written when first read: a query's candidates are
    all scored, and most of them are never shown (below the cutoff, or past the limit). The score
    and the decision never depend on the words.
    """

    score: float
    match: bool
    threshold: float
    name_pair: tuple[str, str] | None
    observed: tuple[Observed, ...] = field(default=(), repr=False)
    """What each feature that fired saw, in the model's order, and whether it counted."""
    query: Prepared | None = field(default=None, repr=False)
    candidate: Prepared | None = field(default=None, repr=False)

    @cached_property
    def features(self) -> list[Feature]:
        """One line per feature that fired, then the notes that count for nothing."""
        lines = [seen.line() for seen in self.observed]
        q, c = self.query, self.candidate
        if q is not None and c is not None and schemata_matchable(q.schema, c.schema):
            lines += _notes(q, c)
        return lines

    @cached_property
    def explanation(self) -> str:
        """One paragraph for the analyst."""
        q, c = self.query, self.candidate
        if q is None or c is None:
            return ""
        if not schemata_matchable(q.schema, c.schema):
            return f"No match: {self.features[0].reason}."
        return _explain(self.score, self.match, self.threshold, self.features, q, c)

    def __eq__(self, other: object) -> bool:
        """The same score, decision, lines and words."""
        return isinstance(other, MatchResult) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict:
        """Plain JSON-ready dictionary (the API's shape)."""
        return {
            "score": self.score,
            "match": self.match,
            "threshold": self.threshold,
            "features": [asdict(f) for f in self.features],
            "explanation": self.explanation,
            "name_pair": list(self.name_pair) if self.name_pair else None,
        }


@dataclass(frozen=True, slots=True)
class Observed:
    """One feature that fired: its name, weight and observation, and whether it counted (only
    the strongest of each group does)."""

    name: str
    weight: float
    seen: Observation
    counted: bool

    @property
    def contribution(self) -> float:
        return self.weight * self.seen.value if self.counted else 0.0

    def line(self) -> Feature:
        """The explanation's line for this feature."""
        seen = self.seen
        reason = seen.reason
        if not self.counted:
            reason += " (not counted: a stronger feature of the same kind is used)"
        return Feature(
            self.name,
            self.weight,
            seen.value,
            self.contribution,
            reason,
            seen.query_value,
            seen.candidate_value,
        )


def _as_prepared(entity: EntityProxy | Prepared) -> Prepared:
    return entity if isinstance(entity, Prepared) else prepare(entity)


Plan = tuple[tuple[str, str, FeatureFn, float], ...]

_last_plan: tuple[Model, Prepared, Plan] | None = None
"""The plan last made, and for which model and query: a query's candidates are scored one after
another, so its plan is made once, not once per candidate. Kept as one tuple, replaced whole, so
that a thread never reads one query's plan under another's name."""


def _plan(model: Model, query: Prepared) -> Plan:
    """The model's switched-on features that this query gives them something to compare, in
    order, with group, function and weight."""
    global _last_plan
    last = _last_plan
    if last is not None and last[0] is model and last[1] is query:
        return last[2]
    plan = _plan_for(model, tuple(bool(needs(query)) for needs in QUERY_NEEDS.values()))
    _last_plan = (model, query, plan)
    return plan


@lru_cache(maxsize=256)
def _plan_for(model: Model, given: tuple[bool, ...]) -> Plan:
    """The plan for a query that gives, or not, what each of QUERY_NEEDS asks."""
    lacking = {name for name, has in zip(QUERY_NEEDS, given, strict=True) if not has}
    return tuple(
        (name, group, fn, model.weights[name])
        for name, (group, fn) in FEATURES.items()
        if model.weights.get(name, 0.0) != 0 and name not in lacking
    )


Fired = list[tuple[str, float, Observation, bool]]
"""The features that fired, in the model's order: name, weight, observation, and whether it
counted (only the strongest of each group does)."""


def _fire(model: Model, query: Prepared, candidate: Prepared) -> Fired:
    """Run every switched-on feature and keep only the strongest contribution of each group. A
    feature is skipped when even its full weight could not beat what its group already has (its
    value is at most 1): the name features are tried strongest first, so an exact name spares the
    fuzzy comparisons."""
    fired: list[tuple[str, float, Observation]] = []
    best: dict[str, tuple[float, int]] = {}
    for name, group, fn, weight in _plan(model, query):
        leader = best.get(group)
        if leader is not None and 0 < weight <= leader[0]:
            continue
        seen = fn(query, candidate)
        if seen is None:
            continue
        contribution = weight * seen.value
        if leader is None or contribution > leader[0]:
            best[group] = (contribution, len(fired))
        fired.append((name, weight, seen))
    kept = {at for _, at in best.values()}
    return [(name, weight, seen, at in kept) for at, (name, weight, seen) in enumerate(fired)]


def _value(model: Model, fired: Fired) -> float:
    """The score the fired features add up to, rounded to four places."""
    if any(
        counted and name in DECISIVE and weight * seen.value > 0
        for name, weight, seen, counted in fired
    ):
        return 1.0
    logit = model.bias + sum(weight * seen.value for _, weight, seen, counted in fired if counted)
    return round(min(1.0 / (1.0 + math.exp(-logit)), MAX_SCORE_WITHOUT_ID), 4)


def _explain(
    score: float,
    decided: bool,
    threshold: float,
    features: list[Feature],
    query: Prepared,
    candidate: Prepared,
) -> str:
    """One paragraph for the analyst."""
    verdict = "Match" if decided else "No match"
    head = (
        f"{verdict}: '{query.caption}' against listed {candidate.schema} '{candidate.caption}' "
        f"scores {score:.2f} (threshold {threshold:.2f})."
    )
    counted = [f for f in features if f.contribution != 0]
    noted = "".join(f" Note: {f.reason}." for f in features if f.name in NOTES)
    if not counted:
        return head + " No name, identifier or other evidence connects them." + noted
    lines = []
    for f in counted:
        if f.name in DECISIVE:
            lines.append(f"{f.reason}, which decides on its own")
        else:
            direction = "for" if f.contribution > 0 else "against"
            lines.append(f"{f.reason} ({direction}, {f.contribution:+.1f})")
    return head + " " + "; ".join(lines) + "." + noted


def score(
    query: EntityProxy | Prepared,
    candidate: EntityProxy | Prepared,
    algorithm: str = DEFAULT_ALGORITHM,
) -> MatchResult:
    """Score a query (any FtM schema) against a listed entity and explain the score."""
    result = score_at_least(query, candidate, algorithm, cutoff=None)
    assert result is not None  # no cutoff: always a result
    return result


def score_at_least(
    query: EntityProxy | Prepared,
    candidate: EntityProxy | Prepared,
    algorithm: str = DEFAULT_ALGORITHM,
    *,
    cutoff: float | None,
) -> MatchResult | None:
    """As :func:`score`, but None when the score is under ``cutoff``: most candidates a query
    pulls score under it, and their explanation is never read, so it is not put together."""
    model = get_algorithm(algorithm).model
    q, c = _as_prepared(query), _as_prepared(candidate)
    if not schemata_matchable(q.schema, c.schema):
        if cutoff is not None and cutoff > 0:
            return None
        reason = f"a {q.schema} cannot be the listed {c.schema}"
        seen = Observed("schema_mismatch", 0.0, Observation(1.0, reason, q.schema, c.schema), True)
        return MatchResult(0.0, False, model.threshold, None, (seen,), q, c)
    fired = _fire(model, q, c)
    value = _value(model, fired)
    if cutoff is not None and value < cutoff:
        return None
    observed = tuple(Observed(*f) for f in fired)
    named = next(
        (o for o in observed if o.counted and FEATURES[o.name][0] == "name" and o.contribution > 0),
        None,
    )
    pair = (named.seen.query_value or "", named.seen.candidate_value or "") if named else None
    return MatchResult(value, value >= model.threshold, model.threshold, pair, observed, q, c)


def _notes(query: Prepared, candidate: Prepared) -> list[Feature]:
    """Lines that count for nothing but tell the analyst what was set aside and why (a date of
    birth in the year 2999). They carry weight, value and contribution 0."""
    notes = []
    for name, note in NOTES.items():
        seen = note(query, candidate)
        if seen is not None:
            notes.append(
                Feature(name, 0.0, 0.0, 0.0, seen.reason, seen.query_value, seen.candidate_value)
            )
    return notes


__all__ = [
    "DEFAULT_ALGORITHM",
    "THRESHOLD",
    "Feature",
    "MatchResult",
    "Prepared",
    "prepare",
    "score",
    "score_at_least",
]
