"""Score a query against a listed entity, and say why.

``score(query, candidate)`` takes FtM entities or entities already prepared by :func:`prepare`
(the index prepares listed entities once) and returns a :class:`MatchResult`: a calibrated score in
[0, 1], the decision at the algorithm's threshold, every feature that fired with its weight and
contribution, and a paragraph in the analyst's words naming the pair of names that matched.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

from followthemoney import EntityProxy

from sever.screen.algorithms import DEFAULT_ALGORITHM, get_algorithm
from sever.screen.model import DECISIVE, FEATURES, KOREAN_V1, NOTES, FeatureFn, Model
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


@dataclass(frozen=True)
class MatchResult:
    """A score with its reasons."""

    score: float
    match: bool
    threshold: float
    features: list[Feature]
    explanation: str
    name_pair: tuple[str, str] | None

    def to_dict(self) -> dict:
        """Plain JSON-ready dictionary (the API's shape)."""
        data = asdict(self)
        data["name_pair"] = list(self.name_pair) if self.name_pair else None
        return data


def _as_prepared(entity: EntityProxy | Prepared) -> Prepared:
    return entity if isinstance(entity, Prepared) else prepare(entity)


@lru_cache(maxsize=16)
def _plan(model: Model) -> tuple[tuple[str, str, FeatureFn, float], ...]:
    """The model's switched-on features in order, with group, function and weight."""
    return tuple(
        (name, group, fn, model.weights[name])
        for name, (group, fn) in FEATURES.items()
        if model.weights.get(name, 0.0) != 0
    )


def _observe(model: Model, query: Prepared, candidate: Prepared) -> list[Feature]:
    """Run every switched-on feature and keep only the strongest contribution of each group. A
    feature is skipped when even its full weight could not beat what its group already has (its
    value is at most 1): the name features are tried strongest first, so an exact name spares the
    fuzzy comparisons."""
    fired: list[tuple[str, Feature]] = []
    best: dict[str, Feature] = {}
    for name, group, fn, weight in _plan(model):
        leader = best.get(group)
        if leader is not None and 0 < weight <= leader.contribution:
            continue
        seen = fn(query, candidate)
        if seen is None:
            continue
        feature = Feature(
            name,
            weight,
            seen.value,
            weight * seen.value,
            seen.reason,
            seen.query_value,
            seen.candidate_value,
        )
        fired.append((group, feature))
        if leader is None or feature.contribution > leader.contribution:
            best[group] = feature
    kept = {id(f) for f in best.values()}
    features = []
    for _, f in fired:
        if id(f) in kept:
            features.append(f)
        else:
            note = " (not counted: a stronger feature of the same kind is used)"
            features.append(replace(f, contribution=0.0, reason=f.reason + note))
    return features


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
    model = get_algorithm(algorithm).model
    q, c = _as_prepared(query), _as_prepared(candidate)
    if not schemata_matchable(q.schema, c.schema):
        reason = f"a {q.schema} cannot be the listed {c.schema}"
        feature = Feature("schema_mismatch", 0.0, 1.0, 0.0, reason, q.schema, c.schema)
        text = f"No match: {reason}."
        return MatchResult(0.0, False, model.threshold, [feature], text, None)
    features = _observe(model, q, c)
    decisive = any(f.name in DECISIVE and f.contribution > 0 for f in features)
    if decisive:
        value = 1.0
    else:
        logit = model.bias + sum(f.contribution for f in features)
        value = min(1.0 / (1.0 + math.exp(-logit)), MAX_SCORE_WITHOUT_ID)
    value = round(value, 4)
    decided = value >= model.threshold
    name_feature = next(
        (f for f in features if FEATURES[f.name][0] == "name" and f.contribution > 0), None
    )
    pair = (
        (name_feature.query_value or "", name_feature.candidate_value or "")
        if name_feature
        else None
    )
    features += _notes(q, c)
    text = _explain(value, decided, model.threshold, features, q, c)
    return MatchResult(value, decided, model.threshold, features, text, pair)


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
]
