"""One shared sever home (built-in lists loaded) and one tiny world for the simulate suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sever.home import Home
from sever.simulate import SimulationParams, simulate

TINY = 20_000


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory, _bundled_store: Path) -> Home:
    """A home with the built-in lists (a copy of the store the root conftest loads once)."""
    home = Home.resolve(tmp_path_factory.mktemp("home"))
    shutil.copy(_bundled_store, home.store_path)
    return home


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory, home: Home) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(SimulationParams(size=TINY, seed=11), out, home=home)
    return out


class World:
    """Lazy pandas views of a written world's tables."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = pd.read_parquet(self.root / f"{name}.parquet")
        return self._cache[name]


@pytest.fixture(scope="session")
def world(world_dir: Path) -> World:
    return World(world_dir)


@pytest.fixture(scope="session")
def every_typology_dir(tmp_path_factory: pytest.TempPathFactory, home: Home) -> Path:
    """A tiny world with one instance of every typology (explicit counts pass the prevalence
    cap, so each scheme's structure can be checked)."""
    from sever.simulate.params import TYPOLOGY_NAMES

    out = tmp_path_factory.mktemp("every")
    counts = dict.fromkeys(TYPOLOGY_NAMES, 1)
    simulate(SimulationParams(size=TINY, seed=11, scheme_counts=counts), out, home=home)
    return out


@pytest.fixture(scope="session")
def every_typology(every_typology_dir: Path) -> World:
    return World(every_typology_dir)
