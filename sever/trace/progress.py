"""How the trace reports its progress to whoever shows it (the CLI's bar on stderr).

A trace calls ``progress(stage, done, total)`` as it goes: ``stage`` in words ("reading
transfers", "following hops", …), ``done`` out of ``total`` steps of that stage. The core never
prints; a caller that wants no progress passes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def silent(stage: str, done: int, total: int) -> None:
    """Report nothing."""
