"""Cases over HTTP: findings, cases, decisions and the audit chain, with roles enforced.

Viewers read; analysts assign, write notes and decide (the workflow then asks more for some
moves: a reviewer who did not draft the report to file it, a reviewer to reopen); admins export
the audit chain. Every change is made in the name of the request's principal. The answers are
what ``sever cases … --json`` prints.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from sever.cases.refusals import refusal_status
from sever.cases.roles import Actor
from sever.cases.store import store_exists
from sever.errors import SeverError
from sever.home import Home
from sever.serve.auth import Principal, require
from sever.serve.models import ErrorResponse

if TYPE_CHECKING:
    from sever.cases.store import CaseStore

router = APIRouter(tags=["Cases"])

Viewer = Annotated[Principal, Depends(require("viewer"))]
Analyst = Annotated[Principal, Depends(require("analyst"))]
Admin = Annotated[Principal, Depends(require("admin"))]

State = Literal[
    "new", "in_review", "escalated", "reported", "closed_false_positive", "closed_no_action"
]
Verb = Literal["screen", "monitor", "network", "trace"]
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The case number.")]
MAX_TEXT = 20_000

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": what}
    for code, what in (
        (400, "Invalid request: a parameter or body field out of its bounds."),
        (401, "No API key, or an unknown one."),
        (403, "The key's role may not do this (or four-eyes forbids it)."),
        (404, "No such case."),
        (409, "A move the workflow does not allow, or the case changed since `version`."),
        (503, "The cases database cannot be reached."),
    )
}


KEY_TRUST_S = 5.0
"""How long a user's API key, once found in the cases store, is trusted without asking the
store again. Asking costs a hand-off to a worker thread and a query: 0.7 ms of CPU per request,
half again what a single-query /match costs (measured), so every request of a client that uses
its user's key paid it. A disabled user's key, or a changed role, therefore takes effect within
this many seconds in each server worker; a key not found is asked about every time (a new
user's key works at once)."""


class CasesHolder:
    """The app's cases store, opened on first use (a screening-only server never creates it)."""

    def __init__(self, home: Home, key_trust_s: float = KEY_TRUST_S) -> None:
        self.home = home
        self.key_trust_s = key_trust_s
        self._store: CaseStore | None = None
        self._users = False
        self._lock = threading.Lock()
        self._known: dict[str, tuple[Actor, float]] = {}
        """Users' keys found in the store, by their hash: the actor and when it was found."""

    def store(self) -> CaseStore:
        with self._lock:
            if self._store is None:
                from sever.cases.store import CaseStore

                self._store = CaseStore.open(self.home)
            return self._store

    def has_users(self) -> bool:
        """Whether the store holds any user (once true, it stays true for this app)."""
        if not self._users and (self._store is not None or store_exists(self.home)):
            from sever.cases.users import has_users

            self._users = has_users(self.store())
        return self._users

    def actor_for_key(self, key: str) -> Actor | None:
        """The enabled user ``key`` belongs to, asked of the store (and remembered)."""
        from sever.cases.users import by_key, key_hash

        actor = by_key(self.store(), key)
        if actor is None:
            self._known.pop(key_hash(key), None)
        else:
            self._known[key_hash(key)] = (actor, time.monotonic())
        return actor

    def remembered(self, key: str) -> Actor | None:
        """The user of ``key`` as the store gave it less than ``key_trust_s`` ago, else None
        (without asking the store: this runs on the event loop)."""
        if not self._known:
            return None
        from sever.cases.users import key_hash

        found = self._known.get(key_hash(key))
        if found is None or time.monotonic() - found[1] > self.key_trust_s:
            return None
        return found[0]

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _store(request: Request) -> CaseStore:
    holder: CasesHolder = request.app.state.cases
    return holder.store()


@contextmanager
def _answers() -> Iterator[None]:
    """The store's refusals as HTTP answers."""
    try:
        yield
    except SeverError as exc:
        status = refusal_status(exc)
        if status is None:
            raise
        raise HTTPException(status, str(exc)) from None


def _actor(principal: Principal) -> Actor:
    return Actor(principal.name, principal.role)


def _call(request: Request, work: Callable[[CaseStore], Any]) -> Any:
    with _answers():
        return work(_store(request))


class Assignment(BaseModel):
    assignee: str | None = Field(None, max_length=120, description="Who works it; null: nobody.")
    version: int | None = Field(None, description="Refuse if the case changed since this version.")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The note.")


class DecisionIn(BaseModel):
    state: State = Field(description="The state to move the case to.")
    reason: str = Field(min_length=1, max_length=MAX_TEXT, description="Why (recorded).")
    version: int | None = Field(None, description="Refuse if the case changed since this version.")


@router.get("/cases", summary="The case inbox", responses=ERRORS)
def cases(
    request: Request,
    _: Viewer,
    state: Annotated[
        State | Literal["open"] | None, Query(description="Only cases in this state.")
    ] = None,
    assignee: Annotated[
        str | None, Query(max_length=120, description="Only this user's cases.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many cases.")] = 100,
) -> list[dict[str, Any]]:
    """Cases, earliest due date first, as `sever cases list --json` prints them."""
    from sever.cases.workflow import list_cases

    return _call(request, lambda s: list_cases(s, state=state, assignee=assignee, limit=limit))


@router.get("/cases/{case_id}", summary="One case", responses=ERRORS)
def case(request: Request, case_id: CaseId, _: Viewer) -> dict[str, Any]:
    """A case with its findings, notes, attachments and decisions."""
    from sever.cases.workflow import show_case

    return _call(request, lambda s: show_case(s, case_id))


@router.get("/findings", summary="Findings from every verb", responses=ERRORS)
def findings(
    request: Request,
    _: Viewer,
    verb: Annotated[Verb | None, Query(description="Only findings this verb raised.")] = None,
    typology: Annotated[str | None, Query(max_length=64, description="Only this typology.")] = None,
    case_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only the findings of this case.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many findings.")] = 100,
) -> list[dict[str, Any]]:
    """Findings, newest first, each with its subjects, evidence, explanation and case."""
    from sever.cases.workflow import list_findings

    return _call(
        request,
        lambda s: list_findings(s, verb=verb, typology=typology, case_id=case_id, limit=limit),
    )


@router.post("/cases/{case_id}/assign", summary="Assign a case", responses=ERRORS)
def assign(
    request: Request,
    case_id: CaseId,
    body: Assignment,
    principal: Analyst,
) -> dict[str, Any]:
    """Give a case to someone (an analyst or above)."""
    from sever.cases.workflow import assign as assign_case

    return _call(
        request,
        lambda s: assign_case(s, _actor(principal), case_id, body.assignee, version=body.version),
    )


@router.post("/cases/{case_id}/notes", summary="Add a note", responses=ERRORS)
def note(request: Request, case_id: CaseId, body: NoteIn, principal: Analyst) -> dict[str, Any]:
    """Add a note to a case, in the principal's name."""
    from sever.cases.workflow import add_note

    return _call(request, lambda s: add_note(s, _actor(principal), case_id, body.text))


@router.post("/cases/{case_id}/decisions", summary="Decide", responses=ERRORS)
def decide(
    request: Request,
    case_id: CaseId,
    body: DecisionIn,
    principal: Analyst,
) -> dict[str, Any]:
    """Move a case to a new state with a reason. Filing (`reported`) needs a reviewer who did not
    draft the report; reopening a closed case needs a reviewer."""
    from sever.cases.workflow import decide as decide_case

    return _call(
        request,
        lambda s: decide_case(
            s, _actor(principal), case_id, body.state, body.reason, version=body.version
        ),
    )


@router.get("/audit/verify", summary="Verify the audit chain", responses=ERRORS)
def audit_verify(request: Request, _: Viewer) -> dict[str, Any]:
    """Walk the chain; `ok` is false and `bad_seq` names the first bad record when it is broken."""
    from sever.cases import audit

    def work(store: CaseStore) -> dict[str, Any]:
        with store.read() as session:
            return audit.verify(session).to_dict()

    return _call(request, work)


@router.get("/audit", summary="Export the audit chain", responses=ERRORS)
def audit_export(request: Request, _: Admin) -> dict[str, Any]:
    """The whole chain with its head hash, as `sever audit export` writes it."""
    from sever.cases import audit

    def work(store: CaseStore) -> dict[str, Any]:
        with store.read() as session:
            return audit.export(session)

    return _call(request, work)


# -- reports -----------------------------------------------------------------------------------

Reviewer = Annotated[Principal, Depends(require("reviewer"))]
ReportKind = Literal["sar", "goaml", "pdf"]

REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: FinCEN SAR or goAML XML, or the PDF case report. "
        "`X-Sever-Sha256` is the hash the audit chain records.",
        "content": {"application/xml": {}, "application/pdf": {}},
    },
    **ERRORS,
}


class FilingIn(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_TEXT, description="Why (recorded).")
    version: int | None = Field(None, description="Refuse if the case changed since this version.")


@router.post(
    "/cases/{case_id}/reports/{kind}",
    summary="Draft a report",
    tags=["Reports"],
    response_class=Response,
    responses=REPORT_RESPONSES,
)
def draft(request: Request, case_id: CaseId, kind: ReportKind, principal: Analyst) -> Response:
    """Draft the case's FinCEN SAR (`sar`), goAML STR (`goaml`) or PDF case report (`pdf`), as
    `sever report KIND CASE` does, in the principal's name, with the filer settings of the
    server's home (`report.toml`). A SAR or goAML draft needs an escalated case; it is recorded,
    so its drafter cannot file it (four-eyes), and kept with the case. A case missing a subject,
    an amount, a date or a narrative is refused (400) naming what is missing."""
    import tempfile
    from pathlib import Path

    from sever.report.draft import MEDIA_TYPES, draft_report

    suffix = ".pdf" if kind == "pdf" else ".xml"
    with tempfile.TemporaryDirectory(prefix="sever-report-") as folder:
        out = Path(folder) / f"case-{case_id}-{kind}{suffix}"
        drafted = _call(request, lambda s: draft_report(s, _actor(principal), case_id, kind, out))
        content = out.read_bytes()
    return Response(
        content,
        media_type=MEDIA_TYPES[kind],
        headers={
            "X-Sever-Sha256": drafted.sha256,
            "Content-Disposition": f'attachment; filename="{out.name}"',
        },
    )


@router.post(
    "/cases/{case_id}/filing", summary="File the drafted report", tags=["Reports"], responses=ERRORS
)
def file_report(
    request: Request, case_id: CaseId, body: FilingIn, principal: Reviewer
) -> dict[str, Any]:
    """Mark the case's drafted SAR or goAML report as filed (the case becomes `reported`): a
    reviewer who did not draft it (four-eyes), as `sever cases decide CASE reported` does."""
    from sever.cases.workflow import decide as decide_case

    return _call(
        request,
        lambda s: decide_case(
            s, _actor(principal), case_id, "reported", body.reason, version=body.version
        ),
    )
