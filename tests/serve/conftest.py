"""Fixtures for the HTTP API: a real app over a real home, and yente's OpenAPI schemas."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from sever.home import Home
from sever.lists import load_files
from sever.screen.index import ScreeningIndex, load_index
from sever.serve.app import create_app

YENTE_SPEC = (
    Path(__file__).resolve().parents[3] / "shared" / "specs" / "yente" / "openapi-5.5.0.json"
)


PAK = {
    "id": "wl-pak",
    "schema": "Person",
    "properties": {"name": ["Pak Chol Su"], "birthDate": ["1961-03-04"], "programId": ["DPRK3"]},
}


@pytest.fixture
def watchlist_home(home: Home, tmp_path: Path) -> Home:
    """A home holding one hand-made watchlist, ``mylist``."""
    path = tmp_path / "mylist.jsonl"
    path.write_text(json.dumps(PAK) + "\n", encoding="utf-8")
    load_files(home, [path], dataset="mylist")
    return home


@pytest.fixture(scope="session")
def bundled_home(_bundled_store: Path) -> Home:
    """The session's home with the built-in lists (read only)."""
    return Home(_bundled_store.parent)


@pytest.fixture(scope="session")
def bundled_index(bundled_home: Home) -> ScreeningIndex:
    return load_index(bundled_home)


@pytest.fixture(scope="session")
def yente() -> dict[str, Any]:
    if not YENTE_SPEC.exists():
        if os.environ.get("CI"):
            pytest.fail(f"yente spec not found at {YENTE_SPEC} (CI must have ../shared/specs)")
        pytest.skip(f"yente spec not found at {YENTE_SPEC}")
    return json.loads(YENTE_SPEC.read_text())


@pytest.fixture
def conforms(yente: dict[str, Any]) -> Any:
    """``conforms(payload, "EntityMatchResponse")`` validates against yente's schema."""

    def check(payload: Any, schema_name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": yente["components"]}
        jsonschema.Draft202012Validator(schema).validate(payload)

    return check


@pytest.fixture(scope="session")
def client(bundled_home: Home, bundled_index: ScreeningIndex) -> TestClient:
    """An open API (no keys) over the built-in lists, shared by the session's tests."""
    saved = os.environ.pop("SEVER_API_KEYS", None)
    try:
        app = create_app(bundled_home)
    finally:
        if saved is not None:
            os.environ["SEVER_API_KEYS"] = saved
    with TestClient(app) as test_client:
        yield test_client
