"""The web app's gatekeeping, in process: sessions, CSRF and roles on every page and form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.cases.workflow import record_draft
from sever.serve.app import create_app
from sever.web.routes import router
from tests.web.conftest import WebHome, make_home


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    return make_home(tmp_path_factory.mktemp("forms") / "home")


@pytest.fixture
def client(web: WebHome, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SEVER_API_KEYS", "")
    with TestClient(create_app(web.home), follow_redirects=False) as opened:
        yield opened


def log_in(client: TestClient, key: str) -> str:
    """Log in through the form; returns the CSRF token the pages now carry."""
    form = client.get("/ui/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    answer = client.post("/ui/login", data={"token": token, "key": key, "next": "/ui/inbox"})
    assert answer.status_code == 303, answer.text
    page = client.get("/ui/inbox")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def first_case(client: TestClient) -> int:
    return int(re.search(r'href="/ui/cases/(\d+)"', client.get("/ui/inbox").text).group(1))


def test_every_page_sends_a_stranger_to_log_in_and_every_form_refuses_one(
    client: TestClient,
) -> None:
    routes = [r for r in router.routes if isinstance(r, Route)]
    assert len(routes) >= 12
    for route in routes:
        path = re.sub(r"\{[^}]+\}", "1", route.path.replace("{kind}", "pdf"))
        if route.path in ("/ui/login", "/ui/"):
            continue
        if "GET" in route.methods:
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/ui/login?next="), path
        if "POST" in route.methods:
            assert client.post(path, data={"csrf": "x"}).status_code == 401, path
    static = [r for r in client.app.routes if isinstance(r, Mount) and r.path == "/ui/static"]
    assert static, "the assets are served from the package"


def test_a_wrong_key_does_not_log_in_and_the_session_cookie_is_locked_down(
    client: TestClient, web: WebHome
) -> None:
    form = client.get("/ui/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    wrong = client.post("/ui/login", data={"token": token, "key": "sev_nope"})
    assert wrong.status_code == 401
    assert "unknown or disabled API key" in wrong.text
    right = client.post("/ui/login", data={"token": token, "key": web.keys["analyst"]})
    cookie = right.headers["set-cookie"].lower()
    assert "sever_session=" in cookie
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert web.keys["analyst"] not in right.headers["set-cookie"]


def test_the_login_form_itself_needs_its_token(client: TestClient, web: WebHome) -> None:
    answer = client.post("/ui/login", data={"key": web.keys["analyst"]})
    assert answer.status_code == 403


def test_a_forged_session_cookie_is_ignored(client: TestClient) -> None:
    client.cookies.set("sever_session", "eyJhZGEiXQ.bad")
    assert client.get("/ui/inbox").status_code == 303


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, web: WebHome) -> None:
    csrf = log_in(client, web.keys["analyst"])
    case = first_case(client)
    assert client.post(f"/ui/cases/{case}/notes", data={"text": "hi"}).status_code == 403
    bad = client.post(f"/ui/cases/{case}/notes", data={"text": "hi", "csrf": csrf + "x"})
    assert bad.status_code == 403
    good = client.post(f"/ui/cases/{case}/notes", data={"text": "hi", "csrf": csrf})
    assert good.status_code == 303


def test_a_viewer_reads_but_cannot_decide(client: TestClient, web: WebHome) -> None:
    csrf = log_in(client, web.keys["viewer"])
    case = first_case(client)
    page = client.get(f"/ui/cases/{case}")
    assert page.status_code == 200
    assert 'id="decide"' not in page.text and 'id="read-only"' in page.text
    for path, data in (
        (f"/ui/cases/{case}/decide", {"state": "in_review", "reason": "r"}),
        (f"/ui/cases/{case}/notes", {"text": "t"}),
        (f"/ui/cases/{case}/reports/pdf", {}),
        ("/ui/inbox/triage", {"ids": "x", "action": "in_review", "reason": "r"}),
    ):
        answer = client.post(path, data=data | {"csrf": csrf})
        assert answer.status_code == 403, path
        assert "needs the analyst role" in answer.text


def test_a_reviewer_drafts_a_pdf_of_an_escalated_case(client: TestClient, web: WebHome) -> None:
    csrf = log_in(client, web.keys["reviewer"])
    case = first_case(client)
    for state in ("in_review", "escalated"):
        moved = client.post(
            f"/ui/cases/{case}/decide", data={"csrf": csrf, "state": state, "reason": "r"}
        )
        assert moved.status_code == 303
    drafted = client.post(f"/ui/cases/{case}/reports/pdf", data={"csrf": csrf})
    assert drafted.status_code == 200
    assert drafted.headers["content-type"] == "application/pdf"
    assert drafted.content.startswith(b"%PDF")
    assert "Draft SAR" in client.get(f"/ui/cases/{case}").text


def test_filing_needs_a_reviewer_who_did_not_draft_the_report(
    client: TestClient, web: WebHome
) -> None:
    csrf = log_in(client, web.keys["analyst"])
    case = int(re.findall(r'href="/ui/cases/(\d+)"', client.get("/ui/inbox").text)[-1])
    for state in ("in_review", "escalated"):
        client.post(f"/ui/cases/{case}/decide", data={"csrf": csrf, "state": state, "reason": "r"})
    store = CaseStore.open(web.home)
    try:
        record_draft(store, Actor("rob", "reviewer"), case, "sar", "0" * 64)
    finally:
        store.close()
    analyst = client.post(f"/ui/cases/{case}/filing", data={"csrf": csrf, "reason": "r"})
    assert analyst.status_code == 403
    client.cookies.clear()
    csrf = log_in(client, web.keys["reviewer"])
    page = client.get(f"/ui/cases/{case}").text
    assert 'id="file"' not in page and "other than rob, who drafted it" in page
    drafter = client.post(f"/ui/cases/{case}/filing", data={"csrf": csrf, "reason": "r"})
    assert drafter.status_code == 403 and "four-eyes" in drafter.text
    client.cookies.clear()
    csrf = log_in(client, web.keys["admin"])
    assert 'id="file"' in client.get(f"/ui/cases/{case}").text
    filed = client.post(f"/ui/cases/{case}/filing", data={"csrf": csrf, "reason": "checked"})
    assert filed.status_code == 303
    assert '<td id="state">reported</td>' in client.get(f"/ui/cases/{case}").text


def test_bulk_triage_moves_the_cases_of_the_selected_rows(client: TestClient, web: WebHome) -> None:
    csrf = log_in(client, web.keys["analyst"])
    page = client.get("/ui/inbox?verb=monitor&state=new").text
    ids = re.findall(r'name="ids" value="([^"]+)"', page)[:2]
    assert len(ids) == 2
    answer = client.post(
        "/ui/inbox/triage",
        data={"csrf": csrf, "ids": ids, "action": "closed_no_action", "reason": "known payroll"},
    )
    assert answer.status_code == 200
    assert answer.text.count(">done<") == 2
    after = client.get("/ui/inbox?verb=monitor&state=closed_no_action").text
    assert all(i in after for i in ids)


def test_the_lists_page_shows_each_dataset_in_service(client: TestClient, web: WebHome) -> None:
    log_in(client, web.keys["viewer"])
    page = client.get("/ui/lists")
    assert page.status_code == 200
    assert re.search(r"<td>watchlist</td>", page.text)


def test_a_home_without_users_says_how_to_add_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEVER_API_KEYS", "")
    empty = TestClient(create_app(tmp_path / "empty"))  # no lifespan: no lists to load
    assert "sever users add NAME --role admin" in empty.get("/ui/login").text


def test_an_attachment_uploads_and_downloads_unchanged(client: TestClient, web: WebHome) -> None:
    csrf = log_in(client, web.keys["analyst"])
    case = first_case(client)
    body = b"wire confirmation\x00\xff"
    sent = client.post(
        f"/ui/cases/{case}/attach",
        data={"csrf": csrf},
        files={"file": ("../wire.bin", body, "application/octet-stream")},
    )
    assert sent.status_code == 303
    link = re.search(rf'href="(/ui/cases/{case}/attachments/\d+)">wire.bin<', client.get(
        f"/ui/cases/{case}").text).group(1)  # fmt: skip
    got = client.get(link)
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-disposition"].startswith("attachment")
    assert (
        client.get(f"/ui/cases/{case + 1}/attachments/{link.rsplit('/', 1)[1]}").status_code == 404
    )
