"""Which HTTP status each refusal of the cases store answers with, for the JSON API and the web app
alike (one table, so the two never disagree)."""

from __future__ import annotations


def refusal_status(exc: BaseException) -> int | None:
    """403 for a role too low or four-eyes, 404 for no such case, 409 for a move not allowed or a
    stale version, 503 for a store that cannot be reached; None for anything else."""
    from sever.cases.roles import NotAllowed
    from sever.cases.store import StoreError
    from sever.cases.workflow import BadMove, CaseNotFound

    for kind, status in ((NotAllowed, 403), (CaseNotFound, 404), (BadMove, 409), (StoreError, 503)):
        if isinstance(exc, kind):
            return status
    return None
