"""Who may call what: every route of the app, JSON API and web pages alike, and the role it needs.

This table is the one place a route's access is declared. The checks run where the route is
(``require(role)`` on the JSON API, ``page_visitor`` and ``form_visitor`` on the web pages), and
``tests/web/test_authz.py`` holds the two together: it walks the app's route table, fails on any
route missing here, and calls every other route without credentials, with a forged one and with
the role just below the one declared, expecting a refusal each time (401 or 403 from the API, the
log-in page or 401/403 from the web app), then with the declared role, expecting none.

A new route is therefore refused by that test until it is declared here. Roles, lowest first:
viewer, analyst, reviewer, admin (``sever.cases.roles``); ``PUBLIC`` needs no one.
"""

from __future__ import annotations

PUBLIC = "public"
"""Open to anyone who can reach the server."""

ACCESS: dict[str, str] = {
    # -- open: health, the API's own documentation, logging in, and the web app's assets
    "GET /healthz": PUBLIC,
    "GET /openapi.json": PUBLIC,
    "GET /docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /redoc": PUBLIC,
    "GET /ui/": PUBLIC,  # a redirect to the inbox, which asks for a session
    "GET /ui/login": PUBLIC,
    "POST /ui/login": PUBLIC,
    "GET /ui/static": PUBLIC,  # CSS and JavaScript, the same for everyone
    # -- JSON API: screening and the lists
    "POST /match/{dataset}": "viewer",
    "GET /search/{dataset}": "viewer",
    "GET /entities/{entity_id}": "viewer",
    "GET /algorithms": "viewer",
    "POST /updatez": "admin",
    # -- JSON API: cases
    "GET /cases": "viewer",
    "GET /cases/{case_id}": "viewer",
    "GET /findings": "viewer",
    "POST /cases/{case_id}/assign": "analyst",
    "POST /cases/{case_id}/notes": "analyst",
    "POST /cases/{case_id}/decisions": "analyst",
    "POST /cases/{case_id}/reports/{kind}": "analyst",
    "POST /cases/{case_id}/filing": "reviewer",
    "GET /audit/verify": "viewer",
    "GET /audit": "admin",
    # -- web app
    "POST /ui/logout": "viewer",
    "GET /ui/inbox": "viewer",
    "POST /ui/inbox/triage": "analyst",
    "GET /ui/findings/{finding_id:path}": "viewer",
    "POST /ui/findings/decide": "analyst",
    "GET /ui/cases/{case_id}": "viewer",
    "POST /ui/cases/{case_id}/notes": "analyst",
    "POST /ui/cases/{case_id}/decide": "analyst",
    "POST /ui/cases/{case_id}/assign": "analyst",
    "POST /ui/cases/{case_id}/attach": "analyst",
    "GET /ui/cases/{case_id}/attachments/{attachment_id}": "viewer",
    "POST /ui/cases/{case_id}/reports/{kind}": "analyst",
    "POST /ui/cases/{case_id}/filing": "reviewer",
    "GET /ui/audit": "viewer",
    "GET /ui/lists": "viewer",
    # -- web app: training mode (instructors are reviewers)
    "GET /ui/training": "viewer",
    "POST /ui/training/exercises": "reviewer",
    "POST /ui/training/{exercise_id}/prepare": "reviewer",
    "GET /ui/training/{exercise_id}": "viewer",
    "POST /ui/training/{exercise_id}/start": "viewer",
    "GET /ui/training/{exercise_id}/findings/{finding}": "viewer",
    "POST /ui/training/{exercise_id}/findings/{finding}/verdict": "viewer",
    "POST /ui/training/{exercise_id}/cases": "viewer",
    "GET /ui/training/{exercise_id}/cases/{case_id}": "viewer",
    "POST /ui/training/{exercise_id}/cases/{case_id}/decision": "viewer",
    "POST /ui/training/{exercise_id}/finish": "viewer",
    "GET /ui/training/{exercise_id}/result": "viewer",
    "GET /ui/training/{exercise_id}/class": "reviewer",
    # -- web app: the entity graph
    "GET /ui/entity": "viewer",
    "GET /ui/entity/neighbours": "viewer",
    # -- web app: trace runs and list changes
    "GET /ui/trace": "viewer",
    "GET /ui/trace/flow": "viewer",
    "GET /ui/lists/changes": "viewer",
}


def declared_role(method: str, path: str) -> str | None:
    """The role declared for ``METHOD path`` (``PUBLIC`` for open routes), None when the route
    is not declared. HEAD follows GET."""
    verb = "GET" if method.upper() == "HEAD" else method.upper()
    return ACCESS.get(f"{verb} {path}")
