"""Cases over HTTP: roles enforced, every change in a named user's name, in OpenAPI; and twenty
concurrent writers through the API lose and duplicate nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from sever.cases import audit
from sever.cases.ingest import ingest_findings
from sever.cases.store import CaseStore
from sever.cases.users import add_user
from sever.cases.workflow import decide, record_draft, show_case
from sever.serve.app import create_app
from tests.cases.conftest import ADMIN, ANALYST
from tests.cases.findings import account_alert

WRITERS = 20


@pytest.fixture
def keys(store: CaseStore) -> dict[str, str]:
    """One user of each role (and a second reviewer), by name: their API keys."""
    made = {}
    for name, role in (("ada", "admin"), ("val", "viewer"), ("ann", "analyst"),
                       ("rob", "reviewer"), ("rae", "reviewer")):  # fmt: skip
        made[name] = add_user(store, ADMIN, name, role)[1]
    ingest_findings(
        store, ANALYST, [account_alert("a1", "acc-1"), account_alert("a2", "acc-2")], "t"
    )
    return made


@pytest.fixture
def client(
    store: CaseStore, database: str, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("SEVER_DATABASE_URL", database)
    monkeypatch.delenv("SEVER_API_KEYS", raising=False)
    # Not entered as a context manager: the lifespan would build a screening index, which the
    # cases routes do not need.
    app = create_app(store.home)
    yield TestClient(app)
    app.state.cases.close()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {key}"}


def test_unauthenticated_and_unknown_keys_are_refused_once_users_exist(
    client: TestClient,
) -> None:
    assert client.get("/cases").status_code == 401
    assert client.get("/cases", headers=auth("sev_not-a-key")).status_code == 401


def test_a_viewer_reads_but_cannot_close_a_case(client: TestClient, keys: dict[str, str]) -> None:
    listed = client.get("/cases", headers=auth(keys["val"]))
    assert listed.status_code == 200 and len(listed.json()) == 2
    closing = {"state": "closed_no_action", "reason": "nothing to see"}
    refused = client.post("/cases/1/decisions", json=closing, headers=auth(keys["val"]))
    assert refused.status_code == 403
    assert client.get("/cases/1", headers=auth(keys["val"])).json()["state"] == "new"


def test_a_disabled_users_key_stops_working(
    client: TestClient, store: CaseStore, keys: dict[str, str]
) -> None:
    from sever.cases.users import disable_user

    disable_user(store, ADMIN, "val")
    assert client.get("/cases", headers=auth(keys["val"])).status_code == 401


def test_changes_are_made_in_the_users_name(
    client: TestClient, store: CaseStore, keys: dict[str, str]
) -> None:
    body = {"state": "in_review", "reason": "looking into it"}
    moved = client.post("/cases/1/decisions", json=body, headers=auth(keys["ann"]))
    assert moved.status_code == 200 and moved.json()["state"] == "in_review"
    assert (
        client.post("/cases/1/notes", json={"text": "hi"}, headers=auth(keys["ann"])).json()[
            "author"
        ]
        == "ann"
    )
    with store.read() as session:
        last = list(audit.records(session))[-2:]
    assert [(r.actor, r.action) for r in last] == [("ann", "case.decide"), ("ann", "case.note")]


def test_an_analyst_cannot_file_and_a_reviewer_cannot_file_their_own_draft(
    client: TestClient, store: CaseStore, keys: dict[str, str]
) -> None:
    from sever.cases.roles import Actor

    decide(store, ANALYST, 1, "in_review", "x")
    decide(store, ANALYST, 1, "escalated", "x")
    record_draft(store, Actor("rob", "reviewer"), 1, "sar", "0" * 64)
    file = {"state": "reported", "reason": "filed"}
    assert (
        client.post("/cases/1/decisions", json=file, headers=auth(keys["ann"])).status_code == 403
    )
    own = client.post("/cases/1/decisions", json=file, headers=auth(keys["rob"]))
    assert own.status_code == 403 and "four-eyes" in own.json()["detail"]
    assert (
        client.post("/cases/1/decisions", json=file, headers=auth(keys["rae"])).status_code == 200
    )


def test_bad_moves_and_missing_cases_get_clear_answers(
    client: TestClient, keys: dict[str, str]
) -> None:
    skip = {"state": "reported", "reason": "x"}
    assert (
        client.post("/cases/1/decisions", json=skip, headers=auth(keys["rae"])).status_code == 409
    )
    assert client.get("/cases/99", headers=auth(keys["val"])).status_code == 404
    empty = {"state": "in_review", "reason": ""}
    assert (
        client.post("/cases/1/decisions", json=empty, headers=auth(keys["ann"])).status_code == 400
    )


def test_the_audit_chain_is_verified_by_viewers_and_exported_by_admins(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert client.get("/audit/verify", headers=auth(keys["val"])).json()["ok"] is True
    assert client.get("/audit", headers=auth(keys["ann"])).status_code == 403
    chain = client.get("/audit", headers=auth(keys["ada"])).json()
    assert chain["head"]["hash"] == chain["records"][-1]["hash"]


def test_findings_are_listed_with_their_case(client: TestClient, keys: dict[str, str]) -> None:
    found = client.get("/findings", params={"verb": "monitor"}, headers=auth(keys["val"])).json()
    assert sorted((f["alert_id"], f["case"]) for f in found) == [("a1", 1), ("a2", 2)]
    assert client.get("/findings", params={"verb": "trace"}, headers=auth(keys["val"])).json() == []
    assert (
        client.get("/findings", params={"verb": "x"}, headers=auth(keys["val"])).status_code == 400
    )


def test_the_routes_are_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/cases", "/cases/{case_id}", "/findings",
                 "/cases/{case_id}/decisions", "/cases/{case_id}/notes",
                 "/cases/{case_id}/assign", "/audit", "/audit/verify"):  # fmt: skip
        assert path in paths


def test_twenty_concurrent_writers_lose_and_duplicate_nothing(
    client: TestClient, store: CaseStore, keys: dict[str, str]
) -> None:
    notes_each = 3
    start = {case: show_case(store, case)["version"] for case in (1, 2)}

    def writer(n: int) -> list[int]:
        codes = []
        for k in range(notes_each):
            case = 1 + (n + k) % 2
            note = {"text": f"writer {n} note {k}"}
            codes.append(
                client.post(
                    f"/cases/{case}/notes", json=note, headers=auth(keys["ann"])
                ).status_code
            )
        move = {"state": "in_review", "reason": f"writer {n}"}
        codes.append(
            client.post("/cases/1/decisions", json=move, headers=auth(keys["ann"])).status_code
        )
        return codes

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))
    assert all(codes[:-1] == [200] * notes_each for codes in results)
    assert sorted(codes[-1] for codes in results) == [200] + [409] * (WRITERS - 1)
    cases = {case: show_case(store, case) for case in (1, 2)}
    texts = [n["text"] for case in cases.values() for n in case["notes"]]
    assert sorted(texts) == sorted(
        f"writer {n} note {k}" for n in range(WRITERS) for k in range(notes_each)
    )
    assert len(cases[1]["decisions"]) == 1
    changes = {1: 0, 2: 0}
    for n in range(WRITERS):
        for k in range(notes_each):
            changes[1 + (n + k) % 2] += 1
    changes[1] += 1  # the one decision that went through
    assert {case: cases[case]["version"] - start[case] for case in (1, 2)} == changes
    with store.read() as session:
        verdict = audit.verify(session)
    assert verdict.ok
