"""Who is at the browser, and what they may do: the session behind each page and form.

Pages (GET) send a visitor without a session to the log-in page. Forms (POST) refuse one
without a session (401), without the session's CSRF token (403) or with too low a role (403).
The role is always the cases store's, read on each request.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sever.cases.models import User
from sever.cases.roles import ROLES, Actor
from sever.web import session as sessions


class LoginNeeded(Exception):
    """A page asked for without a session: the visitor is sent to log in."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


class Refused(Exception):
    """A request the web app refuses, shown to the user as a page with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Visitor:
    """A signed-in user: their name and role, and the CSRF token their forms carry."""

    actor: Actor
    csrf: str

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def role(self) -> str:
        return self.actor.role

    def can(self, role: str) -> bool:
        return self.actor.at_least(role)


def signing_key(request: Request) -> bytes:
    app = request.app
    if getattr(app.state, "web_key", None) is None:
        app.state.web_key = sessions.secret(app.state.home)
    return app.state.web_key


def _visitor(request: Request, session: Session | None = None) -> Visitor | None:
    found = sessions.read(signing_key(request), request.cookies.get(sessions.COOKIE))
    if found is None:
        return None
    who = _WHO.where(User.name == found.name)
    if session is None:
        with request.app.state.cases.store().read() as own:
            user = own.execute(who).first()
    else:
        user = session.execute(who).first()
    if user is None or user.disabled or user.role not in ROLES:
        return None
    return Visitor(Actor(found.name, user.role), found.csrf)


_WHO = select(User.role, User.disabled)
"""What a page asks of its visitor's user: two columns, not the whole mapped user (loading an
ORM object was about a fifth of an inbox page's CPU)."""


def page_visitor(request: Request, session: Session | None = None) -> Visitor:
    """The visitor of a page; without a session, off to the log-in page. ``session``: a read
    session of the cases store the page already holds, to look the user up in (one fewer
    transaction per page)."""
    visitor = _visitor(request, session)
    if visitor is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginNeeded(quote(back, safe="/?=&"))
    return visitor


def form_visitor(request: Request, form_token: object, role: str) -> Visitor:
    """The visitor behind a form that changes something, checked for session, CSRF and role."""
    visitor = _visitor(request)
    if visitor is None:
        raise Refused(401, "your session has ended; log in again")
    if not isinstance(form_token, str) or not sessions.same_token(visitor.csrf, form_token):
        raise Refused(403, "this form is stale or was not sent from sever (CSRF token missing)")
    if not visitor.can(role):
        raise Refused(403, f"this needs the {role} role; {visitor.name} is a {visitor.role}")
    return visitor
