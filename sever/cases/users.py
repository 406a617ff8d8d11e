"""Named users and their API keys: ``sever users add|list|disable``, and who a key belongs to.

A key is shown once, when the user is added, and stored only as its SHA-256 hash. Until the first
user is added, whoever runs the command line on the machine acts as an admin (they hold the
database anyway); after that, every command names a user (``--user`` or ``$SEVER_USER``), and
adding or disabling users needs an admin.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import secrets
from typing import Any

from sqlalchemy import func, select

from sever.cases.models import User
from sever.cases.roles import ROLES, Actor
from sever.cases.store import CaseStore, now, utc
from sever.errors import SeverError

USER_ENV = "SEVER_USER"
KEY_PREFIX = "sev_"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}")


class UserError(SeverError):
    """An unknown, disabled or badly named user, or an unknown role."""


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def user_view(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "disabled": user.disabled,
        "created_at": utc(user.created_at).isoformat(),
        "created_by": user.created_by,
    }


def add_user(store: CaseStore, actor: Actor, name: str, role: str) -> tuple[dict[str, Any], str]:
    """Add a user; returns the user and their new API key (shown once, never stored)."""
    if not NAME.fullmatch(name):
        raise UserError(
            f"user name {name[:40]!r}: use 1 to 120 letters, digits, '.', '_', '@' or '-'"
        )
    if role not in ROLES:
        raise UserError(f"role {role!r}: choose one of {', '.join(ROLES)}")
    actor.require("admin", "adding a user")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with store.write(actor) as writer:
        if writer.session.scalar(select(User).where(User.name == name)) is not None:
            raise UserError(f"user {name} exists already")
        first = not writer.session.scalar(select(func.count()).select_from(User))
        if first and role != "admin":
            raise UserError("the first user must be an admin (else no one could add the others)")
        user = User(
            name=name,
            role=role,
            key_hash=key_hash(key),
            disabled=False,
            created_at=now(),
            created_by=actor.name,
        )
        writer.session.add(user)
        writer.audit("user.add", f"user:{name}", {"role": role})
        writer.session.flush()
        return user_view(user), key


def disable_user(store: CaseStore, actor: Actor, name: str) -> dict[str, Any]:
    """Disable a user: their key stops working (in a running server within a few seconds:
    ``sever.serve.routers.cases.KEY_TRUST_S``) and they can no longer act."""
    actor.require("admin", "disabling a user")
    with store.write(actor) as writer:
        user = writer.session.scalar(select(User).where(User.name == name))
        if user is None:
            raise UserError(f"user {name}: no such user")
        user.disabled = True
        writer.audit("user.disable", f"user:{name}", {})
        writer.session.flush()
        return user_view(user)


def list_users(store: CaseStore) -> list[dict[str, Any]]:
    with store.read() as session:
        return [user_view(u) for u in session.scalars(select(User).order_by(User.name))]


def has_users(store: CaseStore) -> bool:
    with store.read() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def by_key(store: CaseStore, key: str) -> Actor | None:
    """The enabled user an API key belongs to, if any."""
    with store.read() as session:
        user = session.scalar(select(User).where(User.key_hash == key_hash(key)))
    if user is None or user.disabled:
        return None
    return Actor(user.name, user.role)


def local_actor(store: CaseStore, name: str | None = None) -> Actor:
    """Who is acting at the command line: ``--user``, else ``$SEVER_USER``, else the login name.
    Before any user exists that person acts as an admin; afterwards they must be a known,
    enabled user."""
    chosen = name or os.environ.get(USER_ENV) or _login()
    with store.read() as session:
        user = session.scalar(select(User).where(User.name == chosen))
        anyone = session.scalar(select(func.count()).select_from(User))
    if user is None:
        if anyone:
            raise UserError(
                f"user {chosen}: not a sever user; pass --user NAME or set {USER_ENV} "
                "(see sever users list)"
            )
        return Actor(chosen, "admin")
    if user.disabled:
        raise UserError(f"user {chosen} is disabled")
    return Actor(user.name, user.role)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
