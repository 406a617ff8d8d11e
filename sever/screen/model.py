"""The scoring model: named weights on the log-odds of a match, a logistic link, one threshold.

Each feature (``sever.screen.features``) fires with a value in [0, 1]; its contribution is its
weight times its value, in log-odds. Features of one group are alternatives — only the group's
strongest contribution counts, so that three ways of saying "the names agree" do not add up. The
score is ``1 / (1 + exp(-(bias + Σ contributions)))``, which stays below 1.0 however much
secondary evidence piles up: two people with the same name and birth year stay distinguishable
from a passport match. Decisive features (a shared identifier) set the score to 1.0 on their own.

A weight of 0 switches a feature off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sever.screen.features import Observation, countries, dates, identifiers
from sever.screen.features.companies import name_acronym, name_org_words
from sever.screen.features.names import (
    name_commonness,
    name_exact,
    name_fuzzy,
    name_korean_phonetic,
)

if TYPE_CHECKING:
    from sever.screen.prepared import Prepared

FeatureFn = Callable[["Prepared", "Prepared"], Observation | None]

FEATURES: dict[str, tuple[str, FeatureFn]] = {
    "identifier_match": ("identifier", identifiers.identifier_match),
    "imo_mismatch": ("identifier", identifiers.imo_mismatch),
    "name_exact": ("name", name_exact),
    "name_korean_phonetic": ("name", name_korean_phonetic),
    "name_fuzzy": ("name", name_fuzzy),
    "name_org_words": ("name", name_org_words),
    "name_acronym": ("name", name_acronym),
    "name_commonness": ("name_rarity", name_commonness),
    "birth_date_match": ("birth_date", dates.birth_date_match),
    "birth_year_match": ("birth_date", dates.birth_year_match),
    "birth_date_near": ("birth_date", dates.birth_date_near),
    "birth_date_mismatch": ("birth_date", dates.birth_date_mismatch),
    "country_match": ("country", countries.country_match),
    "country_mismatch": ("country", countries.country_mismatch),
    "gender_mismatch": ("gender", countries.gender_mismatch),
    "flag_match": ("flag", countries.flag_match),
    "flag_mismatch": ("flag", countries.flag_mismatch),
    "tonnage_match": ("tonnage", countries.tonnage_match),
    "tonnage_mismatch": ("tonnage", countries.tonnage_mismatch),
}
"""Every feature by stable name, with its group (alternatives within a group do not add up)."""

QUERY_NEEDS: dict[str, Callable[[Prepared], object]] = {
    "identifier_match": lambda query: query.ids.keys,
    "imo_mismatch": lambda query: query.ids.keys,
    "birth_date_match": lambda query: query.birth_dates,
    "birth_year_match": lambda query: query.birth_dates,
    "birth_date_near": lambda query: query.birth_dates,
    "birth_date_mismatch": lambda query: query.birth_dates,
    "country_match": lambda query: query.countries,
    "country_mismatch": lambda query: query.countries,
    "gender_mismatch": lambda query: query.genders,
    "flag_match": lambda query: query.flags,
    "flag_mismatch": lambda query: query.flags,
    "tonnage_match": lambda query: query.tonnage,
    "tonnage_mismatch": lambda query: query.tonnage,
}
"""What a feature needs the query to give, without which it has nothing to say (a date of birth
for the date features): a query that gives only a name is not compared on the others, candidate
after candidate. A feature not named here is always run."""

NOTES: dict[str, FeatureFn] = {
    "birth_date_ignored": dates.birth_date_ignored,
}
"""Lines that never count (weight 0, whatever the model) but tell the analyst what evidence was
set aside and why: a date of birth in the future or before 1850 is no one's."""

DECISIVE = frozenset({"identifier_match"})
"""Features that decide a match on their own when their weight is not 0."""


@dataclass(frozen=True, eq=False)
class Model:
    """A set of named weights, a bias and a threshold."""

    bias: float
    """Log-odds of a match before any evidence: strongly against, since almost every pair is not."""
    threshold: float
    """Scores at or above this are a match."""
    weights: Mapping[str, float] = field(default_factory=dict)
    """Weight of each feature in log-odds; 0 switches it off."""


KOREAN_V1 = Model(
    bias=-6.0,
    threshold=0.70,
    weights={
        "identifier_match": 1.0,
        "imo_mismatch": -4.0,
        "name_exact": 8.6,
        "name_korean_phonetic": 8.0,
        "name_fuzzy": 7.6,
        "name_org_words": 8.0,
        "name_acronym": 7.2,
        "name_commonness": -2.4,
        "birth_date_match": 1.5,
        "birth_year_match": 0.8,
        "birth_date_near": -0.3,
        "birth_date_mismatch": -3.5,
        "country_match": 0.4,
        "country_mismatch": -1.0,
        "gender_mismatch": -1.5,
        "flag_match": 0.4,
        "flag_mismatch": -0.5,
        "tonnage_match": 0.5,
        "tonnage_mismatch": -1.0,
    },
)
"""sever-korean-v1. With the name alone, the same name scores 0.93, the same Korean name in
another romanisation or script 0.88; a given name that shares half its syllables (Kim Jong Un /
Kim Jong Man) scores about 0.3. A contradicting date of birth takes 3.5 log-odds off, enough to
push a same-name match below the threshold; a matching one adds 1.5. A name made only of very
common names (Mohammed Ali) takes 2.4 off: the same name alone scores about 0.55, a review, and
a matching date of birth and nationality lift it to about 0.89."""
