"""Reports over HTTP: an analyst drafts, a viewer cannot; the drafter cannot file and another
reviewer can (four-eyes); an analyst cannot file at all; the routes are in OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sever.cases.store import CaseStore
from sever.cases.users import add_user
from sever.report.validate import FINCEN_XSD, load_schema
from sever.serve.app import create_app
from tests.report.conftest import ADMIN


@pytest.fixture
def keys(store: CaseStore, case_id: int) -> dict[str, str]:
    made = {}
    for name, role in (("ada", "admin"), ("val", "viewer"), ("ann", "analyst"),
                       ("rob", "reviewer"), ("rae", "reviewer")):  # fmt: skip
        made[name] = add_user(store, ADMIN, name, role)[1]
    return made


@pytest.fixture
def client(
    store: CaseStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("SEVER_DATABASE_URL", str(store.engine.url))
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    app = create_app(store.home)
    yield TestClient(app)
    app.state.cases.close()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {key}"}


def test_an_analyst_drafts_a_valid_sar_and_a_viewer_cannot(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert client.post("/cases/1/reports/sar", headers=auth(keys["val"])).status_code == 403
    answer = client.post("/cases/1/reports/sar", headers=auth(keys["ann"]))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    assert len(answer.headers["x-sever-sha256"]) == 64
    assert load_schema(FINCEN_XSD).is_valid(answer.text.encode())
    case = client.get("/cases/1", headers=auth(keys["val"])).json()
    assert case["drafted_by"] == "ann" and case["attachments"][0]["name"] == "case-1-sar.xml"


def test_filing_needs_a_reviewer_who_did_not_draft(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert client.post("/cases/1/reports/goaml", headers=auth(keys["rob"])).status_code == 200
    filing = {"reason": "reviewed the draft"}
    assert client.post("/cases/1/filing", json=filing, headers=auth(keys["ann"])).status_code == 403
    refused = client.post("/cases/1/filing", json=filing, headers=auth(keys["rob"]))
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]
    filed = client.post("/cases/1/filing", json=filing, headers=auth(keys["rae"]))
    assert filed.status_code == 200 and filed.json()["state"] == "reported"


def test_the_pdf_report_comes_back_as_pdf(
    client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The layout itself is tested through the CLI (test_cli.py); here only what the route sends.
    monkeypatch.setattr(
        "sever.report.pdf.html_to_pdf", lambda html: b"%PDF-1.7 " + html[:9].encode()
    )
    answer = client.post("/cases/1/reports/pdf", headers=auth(keys["ann"]))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content == b"%PDF-1.7 <!DOCTYPE"


def test_an_unknown_kind_or_case_is_refused(client: TestClient, keys: dict[str, str]) -> None:
    assert client.post("/cases/1/reports/xls", headers=auth(keys["ann"])).status_code == 400
    assert client.post("/cases/9/reports/sar", headers=auth(keys["ann"])).status_code == 404


def test_the_report_routes_are_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/cases/{case_id}/reports/{kind}"]
    assert "post" in paths["/cases/{case_id}/filing"]
    content = paths["/cases/{case_id}/reports/{kind}"]["post"]["responses"]["200"]["content"]
    assert {"application/xml", "application/pdf"} <= set(content)
