"""Taint methods: how much of a payment out of a tainted wallet is stolen value.

Every method is registered here by a stable name; the CLI choices and the docs come from this
registry. Each module's docstring states the method's assumptions and its known weakness.
"""

from __future__ import annotations

from sever.trace.taint.fifo import Fifo
from sever.trace.taint.haircut import Haircut
from sever.trace.taint.poison import Poison

METHODS = {"poison": Poison, "haircut": Haircut, "fifo": Fifo}
"""Taint methods by name."""

DEFAULT_METHOD = "haircut"


def describe(name: str) -> str:
    """The method's documentation (its module docstring), for ``--help`` and the output."""
    import sys

    return (sys.modules[METHODS[name].__module__].__doc__ or "").strip()


__all__ = ["DEFAULT_METHOD", "METHODS", "describe"]
