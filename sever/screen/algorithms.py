"""The registry of matching algorithms, by stable name.

The CLI's ``--algorithm`` choices, the API's ``/algorithms`` endpoint and the docs are generated
from :data:`ALGORITHMS`. A new algorithm registers here the same way the built-in one does.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from sever.screen.model import DECISIVE, FEATURES, KOREAN_V1, Model


@dataclass(frozen=True)
class Algorithm:
    """One named way of scoring a query against a listed entity."""

    name: str
    description: str
    model: Model

    def docs(self) -> dict:
        """What ``/algorithms`` shows: name, description, threshold and every feature with its
        weight and the analyst's description of it."""
        features = []
        for name, (group, fn) in FEATURES.items():
            weight = self.model.weights.get(name, 0.0)
            features.append(
                {
                    "name": name,
                    "group": group,
                    "weight": weight,
                    "decisive": name in DECISIVE and weight != 0,
                    "description": inspect.cleandoc(fn.__doc__ or ""),
                }
            )
        return {
            "name": self.name,
            "description": self.description,
            "threshold": self.model.threshold,
            "bias": self.model.bias,
            "features": features,
        }


ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            name="sever-korean-v1",
            description=(
                "Names compared across scripts and romanisations, Korean names syllable by "
                "syllable (McCune–Reischauer, Revised Romanization, DPRK 1992, Hangul, Hanja, "
                "Cyrillic); company names with legal forms and generic words weighted down and "
                "acronyms matched; identifiers (IMO, passport, SWIFT/BIC, registration number, "
                "wallet address) decide alone; date of birth, nationality, gender, flag and "
                "tonnage raise or lower a calibrated logistic score."
            ),
            model=KOREAN_V1,
        ),
    )
}
"""Every algorithm by stable name."""

DEFAULT_ALGORITHM = "sever-korean-v1"


def get_algorithm(name: str) -> Algorithm:
    """The algorithm registered under a name; KeyError names the known ones."""
    try:
        return ALGORITHMS[name]
    except KeyError:
        known = ", ".join(sorted(ALGORITHMS))
        raise KeyError(f"unknown matching algorithm {name!r}; known: {known}") from None
