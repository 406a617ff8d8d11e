"""schemathesis against the API's own OpenAPI document: no 5xx, and every answer as documented.

The app is the real one (``create_app``) over a real home holding the built-in lists, called in
process. For each operation the document lists, schemathesis generates requests that fit it and
requests that do not, a modest number of each, and checks every answer: no server error, a
documented status, content type and body schema. (schemathesis's own pytest plugin is not used:
its fixture-based loader does not run on pytest 9, so each operation gets a Hypothesis test here.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 25
"""Per operation and per mode (valid, invalid): enough to reach every parameter's edges."""

NOT_CHECKED = [positive_data_acceptance]
"""A request that fits the document may still be refused: the document cannot list the names
of the lists, topics and schemata in service, and naming one that does not exist is a 400 by
design (never an empty result). Every other check runs."""


@pytest.fixture(scope="session")
def api_schema(client: TestClient) -> Any:
    """The OpenAPI document the app serves, loaded by schemathesis."""
    return schemathesis.openapi.from_asgi("/openapi.json", client.app)


def _operations(schema: Any, mode: GenerationMode = GenerationMode.POSITIVE) -> list[Any]:
    """The document's operations; for invalid requests, those that take any input at all."""
    operations = [result.ok() for result in schema.get_all_operations()]
    if mode is GenerationMode.NEGATIVE:
        return [op for op in operations if op.body or any(op.iter_parameters())]
    return operations


def test_every_operation_is_fuzzed(api_schema: Any) -> None:
    labels = {operation.label for operation in _operations(api_schema)}
    assert {"POST /match/{dataset}", "GET /search/{dataset}", "POST /updatez"} <= labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_documented_promises(api_schema: Any, mode: GenerationMode) -> None:
    for operation in _operations(api_schema, mode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(excluded_checks=NOT_CHECKED)

        check()
