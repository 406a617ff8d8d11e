"""Browser sessions: a signed cookie naming the user, and the CSRF token of their forms.

The cookie holds the user's name, the time it expires and a random CSRF token, signed with
HMAC-SHA256 under a secret kept in the home (``web/session.key``, created on first use, readable
by its owner only). It is ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` when the page was
served over HTTPS. The user's role is read from the cases store on every request, so a disabled
user or a changed role takes effect at once. (itsdangerous would do the signing too; it is not a
dependency, and the standard library's ``hmac`` is all this needs.)
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from sever.home import Home

COOKIE = "sever_session"
LOGIN_COOKIE = "sever_login"
"""A short-lived cookie whose value the log-in form must echo (CSRF on the log-in itself)."""
LIFETIME_S = 8 * 3600
"""A session lasts one working day."""


@dataclass(frozen=True)
class Session:
    """A signed-in browser: who, until when, and the token its forms must carry."""

    name: str
    expires: int
    csrf: str


def secret(home: Home) -> bytes:
    """The home's signing secret, created on first use with mode 0600.

    Several server processes (``sever serve --workers``) may ask at once: each writes a whole
    key to a file of its own and links it into place, which only the first does; all then read
    that one, never a half-written file."""
    path: Path = home.root / "web" / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".session.key.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_bytes()


def _sign(key: bytes, body: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, body, sha256).digest()).decode().rstrip("=")


def issue(key: bytes, name: str) -> tuple[Session, str]:
    """A new session for ``name`` and its cookie value."""
    session = Session(name, int(time.time()) + LIFETIME_S, secrets.token_urlsafe(24))
    body = json.dumps([session.name, session.expires, session.csrf]).encode()
    encoded = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return session, f"{encoded}.{_sign(key, body)}"


def read(key: bytes, value: str | None) -> Session | None:
    """The session a cookie value holds; None when it is missing, forged or expired."""
    if not value or "." not in value or len(value) > 4096:
        return None
    encoded, signature = value.rsplit(".", 1)
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        return None
    if not hmac.compare_digest(_sign(key, body), signature):
        return None
    try:
        name, expires, csrf = json.loads(body)
    except (ValueError, TypeError):
        return None
    if not isinstance(expires, int) or expires < time.time():
        return None
    return Session(str(name), expires, str(csrf))


def same_token(expected: str, given: str | None) -> bool:
    """Whether a form's CSRF token is the session's (compared in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
