"""The algorithm registry: every feature documented, weights named, a weight of 0 switches off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from followthemoney import EntityProxy

from sever.screen import ALGORITHMS, DEFAULT_ALGORITHM, THRESHOLD, get_algorithm, score
from sever.screen.algorithms import Algorithm
from sever.screen.model import FEATURES


def test_the_default_is_registered_and_documented() -> None:
    docs = get_algorithm(DEFAULT_ALGORITHM).docs()
    assert docs["name"] == "sever-korean-v1" and docs["threshold"] == THRESHOLD
    assert {f["name"] for f in docs["features"]} == set(FEATURES)
    assert all(f["description"] for f in docs["features"]), "every feature needs a docstring"


def test_every_model_weight_names_a_feature() -> None:
    for algorithm in ALGORITHMS.values():
        assert set(algorithm.model.weights) <= set(FEATURES)


def test_an_unknown_algorithm_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="sever-korean-v1"):
        get_algorithm("nope")


def test_a_weight_of_zero_switches_a_feature_off(
    make: Callable[..., EntityProxy], kim_jong_un: EntityProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = get_algorithm(DEFAULT_ALGORITHM)
    weights = {**base.model.weights, "birth_date_mismatch": 0.0}
    variant = Algorithm(
        "test-no-dob", "without the date check", replace(base.model, weights=weights)
    )
    monkeypatch.setitem(ALGORITHMS, variant.name, variant)
    query = make("Person", name="Kim Jong Un", birthDate="1962-05-05")
    assert not score(query, kim_jong_un).match
    assert score(query, kim_jong_un, algorithm="test-no-dob").match
