"""API keys and roles, as DESIGN.md's serving convention says.

``SEVER_API_KEYS="key1:admin,key2:analyst"`` sets the keys when the app starts; the named users
of the cases store (``sever users add``) have keys too. Clients send ``Authorization: ApiKey KEY``
(as OpenSanctions' hosted API does) or ``Authorization: Bearer KEY``. With no keys configured and
no users, access is open and a warning is logged at start, except /updatez, which then answers 403
unless the server listens on loopback only. A missing or unknown key gets 401; a known key whose
role is too low for the endpoint gets 403. Keys are never logged. A user's key is trusted for a
few seconds once the store has named it: disabling a user takes effect within ``KEY_TRUST_S``
(5 s) in each server worker.

Every request's :class:`Principal` carries a name, so every action is attributable: the user's
name, ``key-`` and the first 8 hex digits of the SHA-256 of a ``SEVER_API_KEYS`` key (never the
key), or ``anonymous`` under open access.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from sever.cases.roles import ROLES, Actor
from sever.errors import SeverError

KEYS_ENV = "SEVER_API_KEYS"

SCHEMES = ("apikey", "bearer")

log = logging.getLogger("sever.serve")


@dataclass(frozen=True)
class Principal:
    """Who made a request: the role of their key (``admin`` for everyone when access is open)
    and their name (see the module's docstring)."""

    role: str
    key_label: str
    name: str


@dataclass(frozen=True)
class ApiKeys:
    """The configured keys and their roles; empty means open access."""

    roles: Mapping[str, str]

    @property
    def open(self) -> bool:
        return not self.roles

    def role_of(self, key: str) -> str | None:
        for known, role in self.roles.items():
            if hmac.compare_digest(known.encode(), key.encode()):
                return role
        return None


def parse_api_keys(raw: str | None) -> ApiKeys:
    """Keys from ``key1:admin,key2:analyst``; a bad entry stops the server with a clear error."""
    roles: dict[str, str] = {}
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, role = item.rpartition(":")
        if not sep or not key or role not in ROLES:
            raise SeverError(
                f"{KEYS_ENV}: each entry must be KEY:ROLE with ROLE one of {', '.join(ROLES)}"
            )
        roles[key] = role
    return ApiKeys(roles)


def keys_from_env() -> ApiKeys:
    keys = parse_api_keys(os.environ.get(KEYS_ENV))
    if keys.open:
        log.warning(
            "no API keys configured (%s): the API is open to anyone who can reach it, unless "
            "users were added with `sever users add`",
            KEYS_ENV,
        )
    return keys


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in SCHEMES or not token.strip():
        return None
    return token.strip()


def require(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency: the request's key must have at least ``role``.

    It is a coroutine so that a ``SEVER_API_KEYS`` key is checked on the event loop, without the
    thread hand-off FastAPI gives a plain function (a measurable share of a /match request); a
    user's key goes to a worker thread to be looked up in the cases store, unless the store
    named it in the last few seconds (see ``sever.serve.routers.cases.KEY_TRUST_S``)."""
    needed = ROLES.index(role)

    async def check(request: Request) -> Principal:
        presented = _presented_key(request)
        granted = request.app.state.api_keys.role_of(presented) if presented else None
        if presented and granted:
            principal = Principal(granted, f"{granted} key", key_name(presented))
        elif presented and (actor := _remembered(request, presented)) is not None:
            principal = Principal(actor.role, f"user {actor.name}", actor.name)
        else:
            principal = await run_in_threadpool(_stored_principal, request, presented)
        if ROLES.index(principal.role) < needed:
            raise HTTPException(403, f"this needs the {role} role; your key has {principal.role}")
        return principal

    return check


_admin = require("admin")


async def require_update_right(request: Request) -> Principal:
    """A FastAPI dependency for /updatez: an admin key; with no keys configured, a server that
    listens on loopback only (anyone who can reach an open server must not make it rebuild)."""
    if (
        await run_in_threadpool(_open_access, request)
        and not request.app.state.settings.on_loopback
    ):
        raise HTTPException(
            403,
            "reloading needs an admin API key: set SEVER_API_KEYS (e.g. 'KEY:admin'), or serve "
            "on 127.0.0.1 only",
        )
    return await _admin(request)


def key_name(key: str) -> str:
    """The name a ``SEVER_API_KEYS`` key acts under: ``key-`` and 8 hex digits of its hash."""
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def _open_access(request: Request) -> bool:
    """No keys configured and no users in the cases store."""
    cases = getattr(request.app.state, "cases", None)
    return request.app.state.api_keys.open and not (cases is not None and cases.has_users())


def _remembered(request: Request, key: str) -> Actor | None:
    """The user of a key the cases store named a few seconds ago (see ``KEY_TRUST_S``)."""
    cases = getattr(request.app.state, "cases", None)
    return cases.remembered(key) if cases is not None else None


def _stored_principal(request: Request, presented: str | None) -> Principal:
    """The principal of a request whose key is not a ``SEVER_API_KEYS`` key: everyone under open
    access, else the user the cases store knows the key by; 401 without a key."""
    if _open_access(request):
        return Principal("admin", "open access", "anonymous")
    if presented is None:
        raise HTTPException(
            401,
            "an API key is required: send 'Authorization: ApiKey KEY' or 'Bearer KEY'",
            headers={"WWW-Authenticate": "ApiKey, Bearer"},
        )
    return _user_principal(request, presented)


def _user_principal(request: Request, key: str) -> Principal:
    """The principal of a user's key from the cases store; 401 when it is no enabled user's."""
    cases = getattr(request.app.state, "cases", None)
    actor = cases.actor_for_key(key) if cases is not None and cases.has_users() else None
    if actor is None:
        raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "ApiKey"})
    return Principal(actor.role, f"user {actor.name}", actor.name)
