"""Fixtures for trace tests: a hand-made chain in a temporary folder (see ``trace_chain``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.trace.trace_chain import Chain


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Chain]:
    yield Chain(tmp_path)
