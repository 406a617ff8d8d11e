"""The server's settings: each declared once here, with its environment variable, default and help.

``ServeSettings.from_env()`` reads them when the app is built (``sever serve`` or ``create_app``);
a value that is not a number in range stops the start with one line naming the variable. API keys
are read separately (``SEVER_API_KEYS``, see ``auth.py``).
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sever.errors import SeverError

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _setting(
    env: str, default: float, help_text: str, low: float, high: float, *, whole: bool = False
) -> Any:
    """A dataclass field read from ``env``, accepted from ``low`` to ``high`` (inclusive)."""
    metadata = {"env": env, "help": help_text, "low": low, "high": high, "whole": whole}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class ServeSettings:
    """Limits that keep one request, one client or one admin from holding the server."""

    request_budget_s: float = _setting(
        "SEVER_REQUEST_BUDGET_S",
        10.0,
        "Seconds of screening one /match or /search request may use; past it the request is "
        "stopped and answered 503 with Retry-After.",
        0.1,
        600,
    )
    client_timeout_s: float = _setting(
        "SEVER_CLIENT_TIMEOUT_S",
        10.0,
        "Seconds a client has to send its request line and headers (from connecting, or from "
        "the first byte of a later request on the same connection), and the longest pause "
        "allowed between two pieces of a request body; past it: 408 and the connection closed.",
        0.1,
        600,
    )
    body_timeout_s: float = _setting(
        "SEVER_BODY_TIMEOUT_S",
        60.0,
        "Seconds a client has to send a whole request body; past it: 408 and the connection "
        "closed.",
        0.1,
        3600,
    )
    updates_per_minute: int = _setting(
        "SEVER_UPDATES_PER_MINUTE",
        2,
        "Most /updatez reloads accepted in any 60 seconds (one runs at a time); beyond: 429 "
        "with Retry-After.",
        1,
        60,
        whole=True,
    )
    bind_host: str | None = None
    """The interface the server listens on (set by ``sever serve``; None when unknown, e.g.
    in tests): /updatez without API keys is allowed only on a loopback interface."""

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, bind_host: str | None = None
    ) -> ServeSettings:
        """The settings from the environment; unset variables keep their defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            name = item.metadata.get("env")
            if name is not None and env.get(name, "").strip():
                values[item.name] = _parse(env[name], item.metadata)
        return cls(**values, bind_host=bind_host)

    @property
    def on_loopback(self) -> bool:
        """Whether the server listens only on this machine (127.0.0.1, ::1, localhost)."""
        return self.bind_host is not None and is_loopback(self.bind_host)


def settings_help() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting, for the docs and ``sever serve --help``."""
    return [
        (item.metadata["env"], str(item.default), item.metadata["help"])
        for item in fields(ServeSettings)
        if "env" in item.metadata
    ]


def _parse(raw: str, spec: Mapping[str, Any]) -> float | int:
    """The value of one variable, or a SeverError naming it and the range accepted."""
    low, high, whole = spec["low"], spec["high"], spec["whole"]
    kind = "a whole number" if whole else "a number of seconds"
    problem = f"{spec['env']}={raw.strip()[:40]!r}: must be {kind} from {low:g} to {high:g}"
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise SeverError(problem) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise SeverError(problem)
    return value


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only: 127.0.0.0/8, ::1 or localhost."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
