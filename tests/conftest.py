"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sever.home import Home


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real reference data in ``../shared/data``; skips when it is absent, except
    under CI (``CI`` set), where a missing part must fail rather than pass by skipping."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared reference data not found at {path} (CI must have it)")
        pytest.skip(f"shared reference data not found at {path}")
    return path


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """A fresh, empty sever home in a temporary directory."""
    from sever.home import Home

    return Home.resolve(tmp_path / "home")


@pytest.fixture(scope="session")
def _bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in snapshot (OFAC SDN 2024-05-03 + UN 2026-02-27), loaded once per session."""
    from sever.home import Home
    from sever.lists import ensure_loaded

    home = Home.resolve(tmp_path_factory.mktemp("bundled") / "home")
    ensure_loaded(home)
    return home.store_path


@pytest.fixture
def loaded_home(tmp_path: Path, _bundled_store: Path) -> Home:
    """A home of its own holding the built-in snapshot (a copy: tests may write to it)."""
    import shutil

    from sever.home import Home

    home = Home.resolve(tmp_path / "loaded")
    shutil.copy(_bundled_store, home.store_path)
    return home
