"""Every route refuses the unauthenticated and the wrong role: the app's route table, walked.

Each route of the app (JSON API and web pages, whoever adds them) must be declared with its role
in ``sever.serve.access``; this test fails on one that is not, and calls every declared route
without credentials, with forged ones, with the role just below the declared one, and with the
declared role itself. Path parameters get a placeholder (``1``), so a route's refusal must come
before it looks anything up: a stranger learns nothing, not even whether case 1 exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from sever.cases.roles import ROLES
from sever.serve.access import PUBLIC, declared_role
from sever.serve.app import create_app
from tests.web.conftest import WebHome, make_home

ENV_KEYS = {role: f"env-{role}-key" for role in ROLES}
PLACEHOLDERS = {"kind": "pdf", "dataset": "default"}
"""Path parameters whose placeholder must be one of a few words for the route to be reached."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str

    @property
    def path(self) -> str:
        """The template with a placeholder for each parameter (``{case_id}`` becomes ``1``)."""
        return re.sub(
            r"\{(\w+)(?::\w+)?\}", lambda m: PLACEHOLDERS.get(m.group(1), "1"), self.template
        )

    @property
    def web(self) -> bool:
        return self.template.startswith("/ui/")

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every method of every route the app answers, mounted asset folders included (as GET)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            found.append(Endpoint("GET", route.path))
            continue
        for method in sorted((context.methods or set()) - {"HEAD"}):
            found.append(Endpoint(method, str(context.path)))
    return found


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    return make_home(tmp_path_factory.mktemp("authz") / "home")


@pytest.fixture(scope="module")
def app(web: WebHome) -> Iterator[FastAPI]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEVER_API_KEYS", ",".join(f"{k}:{r}" for r, k in ENV_KEYS.items()))
        built = create_app(web.home)
    yield built


@pytest.fixture(scope="module")
def sessions(app: FastAPI, web: WebHome) -> Iterator[dict[str, tuple[TestClient, str]]]:
    """A logged-in browser (client and CSRF token) per role, and one without a session."""
    clients: dict[str, tuple[TestClient, str]] = {}
    with TestClient(app, follow_redirects=False) as stranger:
        clients["stranger"] = (stranger, "")
        for role in ROLES:
            client = TestClient(app, follow_redirects=False)
            clients[role] = (client, _log_in(client, web.keys[role]))
        yield clients
        for role in ROLES:
            clients[role][0].close()


def _log_in(client: TestClient, key: str) -> str:
    form = client.get("/ui/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token, form.text
    answer = client.post("/ui/login", data={"token": token.group(1), "key": key})
    assert answer.status_code == 303, answer.text
    page = client.get("/ui/inbox")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, page.text
    return csrf.group(1)


def _call(client: TestClient, endpoint: Endpoint, csrf: str = "", key: str = "") -> httpx.Response:
    """One request; a session cookie the answer drops (logging out) is put back for the next."""
    headers = {"Authorization": f"ApiKey {key}"} if key else {}
    kept = [c for c in client.cookies.jar if c.name == "sever_session"]
    if endpoint.method == "GET":
        answer = client.get(endpoint.path, headers=headers)
    elif endpoint.web:
        answer = client.post(endpoint.path, data={"csrf": csrf or "forged"}, headers=headers)
    else:
        answer = client.request(endpoint.method, endpoint.path, json={}, headers=headers)
    if kept and not any(c.name == "sever_session" for c in client.cookies.jar):
        client.cookies.jar.set_cookie(kept[0])
    return answer


def _below(role: str) -> str | None:
    rank = ROLES.index(role)
    return ROLES[rank - 1] if rank else None


def _sent_to_log_in(answer: httpx.Response) -> bool:
    return answer.status_code == 303 and answer.headers["location"].startswith("/ui/login?next=")


def test_every_route_declares_who_may_call_it(app: FastAPI) -> None:
    found = endpoints(app)
    assert len(found) >= 40, "the walk sees the API's and the web app's routes"
    undeclared = [str(e) for e in found if declared_role(e.method, e.template) is None]
    assert not undeclared, (
        "declare each route's role (or PUBLIC) in sever/serve/access.py: " + ", ".join(undeclared)
    )


def test_the_open_routes_are_only_health_docs_log_in_and_assets(app: FastAPI) -> None:
    public = sorted(str(e) for e in endpoints(app) if declared_role(e.method, e.template) == PUBLIC)
    allowed = re.compile(
        r"GET /(healthz|openapi\.json|docs|docs/oauth2-redirect|redoc|ui/|ui/static)$"
        r"|(GET|POST) /ui/login$"
    )
    assert [p for p in public if not allowed.match(p)] == []


def test_the_json_api_refuses_strangers_forged_keys_and_roles_too_low(app: FastAPI) -> None:
    failures = []
    with TestClient(app, follow_redirects=False) as client:
        for endpoint in endpoints(app):
            role = declared_role(endpoint.method, endpoint.template)
            if endpoint.web or role in (None, PUBLIC):
                continue
            stranger = _call(client, endpoint)
            forged = _call(client, endpoint, key="not-a-key")
            if stranger.status_code != 401 or forged.status_code != 401:
                failures.append(f"{endpoint}: {stranger.status_code}/{forged.status_code}")
            lower = _below(role)
            if lower is not None:
                too_low = _call(client, endpoint, key=ENV_KEYS[lower])
                if too_low.status_code != 403:
                    failures.append(f"{endpoint} as {lower}: {too_low.status_code}")
            allowed = _call(client, endpoint, key=ENV_KEYS[role])
            if allowed.status_code in (401, 403):
                failures.append(f"{endpoint} as {role}: {allowed.status_code} {allowed.text}")
    assert failures == []


def test_the_json_api_takes_user_keys_with_their_role(app: FastAPI, web: WebHome) -> None:
    with TestClient(app) as client:
        audit = {
            role: _call(client, Endpoint("GET", "/audit"), key=web.keys[role]) for role in ROLES
        }
    assert {role: a.status_code for role, a in audit.items()} == {
        "viewer": 403, "analyst": 403, "reviewer": 403, "admin": 200,
    }  # fmt: skip


def test_the_web_app_refuses_strangers_forged_sessions_and_roles_too_low(
    app: FastAPI, sessions: dict[str, tuple[TestClient, str]]
) -> None:
    failures = []
    stranger, _ = sessions["stranger"]
    for endpoint in endpoints(app):
        role = declared_role(endpoint.method, endpoint.template)
        if not endpoint.web or role in (None, PUBLIC):
            continue
        answer = _call(stranger, endpoint, key=ENV_KEYS["admin"])  # an API key is no session
        refused = _sent_to_log_in(answer) if endpoint.method == "GET" else answer.status_code == 401
        if not refused:
            failures.append(f"{endpoint} without a session: {answer.status_code}")
        forged = stranger.get(endpoint.path, headers={"Cookie": "sever_session=e30.forged"})
        if endpoint.method == "GET" and not _sent_to_log_in(forged):
            failures.append(f"{endpoint} with a forged session: {forged.status_code}")
        lower = _below(role)
        if lower is not None:
            client, csrf = sessions[lower]
            too_low = _call(client, endpoint, csrf)
            if too_low.status_code != 403:
                failures.append(f"{endpoint} as {lower}: {too_low.status_code}")
        client, csrf = sessions[role]
        allowed = _call(client, endpoint, csrf)
        if allowed.status_code in (401, 403) or _sent_to_log_in(allowed):
            failures.append(f"{endpoint} as {role}: {allowed.status_code}")
        if endpoint.method == "POST":
            stale = _call(client, endpoint, "stale-token")
            if stale.status_code != 403:
                failures.append(f"{endpoint} as {role} without its CSRF token: {stale.status_code}")
    assert failures == []
