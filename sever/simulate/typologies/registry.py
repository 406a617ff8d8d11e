"""The one registry of plantable typologies, keyed by the names in ``docs/contracts.md``.

Built-in schemes register with ``@typology(...)`` exactly as an extension would; the CLI choices,
``world.json`` and the docs are generated from this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sever.simulate.params import TYPOLOGY_NAMES
from sever.simulate.plant import Plant

PlantFn = Callable[[Plant], None]


@dataclass(frozen=True)
class Typology:
    """A plantable scheme: its name, family, planting function and its typical footprint."""

    name: str
    family: str
    plant: PlantFn
    expected_tx: float
    expected_transfers: float = 0.0
    needs: str | None = None

    @property
    def summary(self) -> str:
        """The first line of the planting function's docstring: what an analyst reads."""
        return (self.plant.__doc__ or "").strip().splitlines()[0]


REGISTRY: dict[str, Typology] = {}


def typology(
    name: str,
    family: str,
    expected_tx: float,
    expected_transfers: float = 0.0,
    needs: str | None = None,
) -> Callable[[PlantFn], PlantFn]:
    """Register a planting function under a contract typology name (it must have a docstring)."""

    def register(fn: PlantFn) -> PlantFn:
        if name not in TYPOLOGY_NAMES:
            raise ValueError(f"{name!r} is not a typology of docs/contracts.md")
        if not (fn.__doc__ or "").strip():
            raise ValueError(f"typology {name!r} needs a docstring")
        REGISTRY[name] = Typology(name, family, fn, expected_tx, expected_transfers, needs)
        return fn

    return register
