"""The web app's pages and forms, under ``/ui``; :func:`install` adds them to the API's app.

Every page needs a signed-in user (viewer or above); every form re-checks the session, its CSRF
token and the role the action needs, and the workflow of :mod:`sever.cases.workflow` checks the
rest (four-eyes on filing, reviewers to reopen), so a hand-made POST gets no further than a
button would.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from sever.alerts import SEVERITIES, VERBS
from sever.cases.models import AuditRecord, Case, Finding
from sever.cases.refusals import refusal_status
from sever.cases.store import CaseStore, utc
from sever.errors import SeverError
from sever.web import session as sessions
from sever.web.auth import LoginNeeded, Refused, Visitor, form_visitor, page_visitor, signing_key
from sever.web.inbox import Filters
from sever.web.inbox import page as inbox_page
from sever.web.triage import VERDICTS, moves_for

HERE = Path(__file__).parent
PREFIX = "/ui"
AUDIT_PAGE = 100

templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix=PREFIX, include_in_schema=False)

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def install(app: FastAPI) -> None:
    """Serve the web app on ``app``: its pages under /ui, its assets under /ui/static."""
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="web-static")
    app.add_exception_handler(LoginNeeded, _to_login)
    app.add_exception_handler(Refused, _refused)


def _store(request: Request) -> CaseStore:
    return request.app.state.cases.store()


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(HEADERS)
    return response


async def _to_login(request: Request, exc: Exception) -> Response:
    back = exc.back if isinstance(exc, LoginNeeded) else PREFIX
    return RedirectResponse(f"{PREFIX}/login?{urlencode({'next': back})}", status_code=303)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return render(request, "error.html", {"status": exc.status, "message": exc.message}, exc.status)


def _answer(work: Callable[[], Any]) -> Any:
    """Run a store action; its refusals become pages with the matching status (any other error
    a user caused is a 400)."""
    try:
        return work()
    except SeverError as exc:
        raise Refused(refusal_status(exc) or 400, str(exc)) from None


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- log-in ------------------------------------------------------------------------------------


def _safe_next(raw: str) -> str:
    """Only a path of this app: never another site (``//host``) after logging in."""
    return raw if raw.startswith(f"{PREFIX}/") and not raw.startswith("//") else f"{PREFIX}/inbox"


@router.get("/")
def home() -> RedirectResponse:
    return _see_other(f"{PREFIX}/inbox")


@router.get("/login")
def login_form(request: Request, next: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    anyone = request.app.state.cases.has_users()
    context = {"token": token, "next": _safe_next(next), "no_users": not anyone}
    response = render(request, "login.html", context)
    response.set_cookie(
        sessions.LOGIN_COOKIE, token, max_age=900, httponly=True, samesite="lax", path=PREFIX
    )
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    cookie = request.cookies.get(sessions.LOGIN_COOKIE)
    if not cookie or not sessions.same_token(cookie, _field(form, "token")):
        raise Refused(403, "the log-in form expired or did not come from sever; reload it")
    key = _field(form, "key")
    holder = request.app.state.cases
    actor = await run_in_threadpool(holder.actor_for_key, key) if key else None
    if actor is None:
        return render(
            request,
            "login.html",
            {
                "token": cookie,
                "next": _safe_next(_field(form, "next")),
                "error": "unknown or disabled API key",
            },
            401,
        )
    _, value = sessions.issue(signing_key(request), actor.name)
    response = _see_other(_safe_next(_field(form, "next")))
    response.set_cookie(
        sessions.COOKIE,
        value,
        max_age=sessions.LIFETIME_S,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(sessions.LOGIN_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    form_visitor(request, form.get("csrf"), "viewer")
    response = _see_other(f"{PREFIX}/login")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


# -- inbox -------------------------------------------------------------------------------------


# The inbox is async and does its work on the event loop, not in a worker thread as the other
# pages do: a page is mostly CPU (the query is one index seek, the rest is rows and template), which
# threads cannot run side by side in one process; 16 pages in 16 threads took turns on the
# interpreter and all finished late. Measured (100,000 findings, 2 workers): p99 289 / 404 / 468 ms
# in threads at 8 / 16 / 32 clients, 60 / 84 / 156 ms on the loop.
@router.get("/inbox")
async def inbox(
    request: Request,
    verb: str = "",
    typology: str = "",
    severity: str = "",
    state: str = "",
    assignee: str = "",
    since: str = "",
    until: str = "",
    after: str = "",
) -> HTMLResponse:
    filters = Filters(verb, typology, severity, state, assignee, since, until)
    with _store(request).read() as session:
        visitor = page_visitor(request, session)
        found = _answer(lambda: inbox_page(session, filters, after or None))
    query = filters.as_query()
    following = urlencode(query | {"after": found.next_cursor}) if found.next_cursor else None
    return render(
        request,
        "inbox.html",
        {
            "me": visitor,
            "filters": filters,
            "rows": found.rows,
            "next": following,
            "first": urlencode(query),
            "paged": bool(after),
            "verbs": VERBS,
            "severities": SEVERITIES,
            "states": _STATE_CHOICES,
            "actions": _BULK,
        },
    )


_STATE_CHOICES = (
    "open",
    "new",
    "in_review",
    "escalated",
    "reported",
    "closed_false_positive",
    "closed_no_action",
)
_BULK = {
    "in_review": "Take into review",
    "closed_false_positive": "Close as false positive",
    "closed_no_action": "Close, no action",
    "assign_me": "Assign to me",
}


@router.post("/inbox/triage")
async def triage(request: Request) -> HTMLResponse:
    """Bulk triage: one move (or assignment) for the cases of the selected findings."""
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "analyst")
    action, reason = _field(form, "action"), _field(form, "reason")
    ids = [str(i) for i in form.getlist("ids")][:500]
    if action not in _BULK:
        raise Refused(400, f"action: choose one of {', '.join(_BULK)}")
    if not ids:
        raise Refused(400, "select at least one finding (x, or the boxes)")
    if action != "assign_me" and not reason:
        raise Refused(400, "reason: give one; it is recorded with each decision")
    outcomes = await run_in_threadpool(_triage, _store(request), visitor, ids, action, reason)
    return render(
        request, "triage.html", {"me": visitor, "outcomes": outcomes, "action": _BULK[action]}
    )


def _triage(
    store: CaseStore, visitor: Visitor, ids: list[str], action: str, reason: str
) -> list[dict[str, Any]]:
    from sever.cases.workflow import assign, decide

    with store.read() as session:
        cases = sorted(set(session.scalars(select(Finding.case_id).where(Finding.id.in_(ids)))))
    outcomes = []
    for case_id in cases:
        try:
            if action == "assign_me":
                assign(store, visitor.actor, case_id, visitor.name)
            else:
                decide(store, visitor.actor, case_id, action, reason)
            outcomes.append({"case": case_id, "ok": True, "message": "done"})
        except SeverError as exc:
            outcomes.append({"case": case_id, "ok": False, "message": str(exc)})
    return outcomes


# -- hit review --------------------------------------------------------------------------------


@router.get("/findings/{finding_id:path}")
def finding(request: Request, finding_id: str) -> HTMLResponse:
    visitor = page_visitor(request)
    store = _store(request)
    with store.read() as session:
        row = session.get(Finding, finding_id)
        if row is None:
            raise Refused(404, f"finding {finding_id[:200]}: no such finding")
        case = session.get(Case, row.case_id)
    record = json.loads(row.record)
    evidence = record.get("evidence") or {}
    subjects = record.get("subjects") or []
    entry = next((s for s in subjects if s.get("kind") == "entity"), None)
    listed = _list_entry(store, entry["id"]) if entry else None
    return render(
        request,
        "finding.html",
        {
            "me": visitor,
            "f": row,
            "record": record,
            "evidence": evidence,
            "case": case,
            "query": next((s for s in subjects if s.get("kind") != "entity"), None),
            "entry": entry,
            "listed": listed,
            "party": evidence.get("party") or {},
            "features": evidence.get("features") or [],
            "reasons": evidence.get("reasons") or [],
            "verdicts": VERDICTS,
            "other": {
                k: v for k, v in evidence.items() if k not in ("party", "features", "reasons")
            },
        },
    )


def _list_entry(store: CaseStore, entity_id: str) -> dict[str, Any] | None:
    """The list entry's FtM record from the home's entity store, when the home has one."""
    from sever.cases.ingest import entity_lookup

    with entity_lookup(store.home) as lookup:
        return lookup(entity_id) if lookup else None


@router.post("/findings/decide")
async def decide_finding(request: Request) -> Response:
    """A hit's verdict (match, false positive, escalate), made on its case with a reason."""
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "analyst")
    finding_id, verdict, reason = (
        _field(form, "id"),
        _field(form, "verdict"),
        _field(form, "reason"),
    )
    if verdict not in VERDICTS:
        raise Refused(400, f"verdict: choose one of {', '.join(VERDICTS)}")
    if not reason:
        raise Refused(400, "reason: give one; it is recorded with the decision")
    store = _store(request)

    def work() -> int:
        from sever.cases.workflow import add_note, decide, get_case

        with store.read() as session:
            row = session.get(Finding, finding_id)
            if row is None:
                raise Refused(404, f"finding {finding_id[:200]}: no such finding")
            case = get_case(session, row.case_id)
        moves = moves_for(case.state, verdict)
        for state in moves:
            decide(store, visitor.actor, case.id, state, f"{verdict}: {reason}")
        if not moves:
            add_note(store, visitor.actor, case.id, f"{verdict} (finding {finding_id}): {reason}")
        return case.id

    case_id = await run_in_threadpool(_answer, work)
    return _see_other(f"{PREFIX}/cases/{case_id}")


# -- case --------------------------------------------------------------------------------------


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int) -> HTMLResponse:
    from sever.cases.workflow import CLOSED_STATES, MOVES, case_ref, show_case

    visitor = page_visitor(request)
    store = _store(request)
    view = _answer(lambda: show_case(store, case_id))
    with store.read() as session:
        timeline = list(
            session.scalars(
                select(AuditRecord)
                .where(AuditRecord.target == case_ref(case_id))
                .order_by(AuditRecord.seq)
            )
        )
    moves = []
    for state in MOVES[view["state"]]:
        needs = "reviewer" if state == "reported" or view["state"] in CLOSED_STATES else "analyst"
        if state == "reported":
            continue  # filing has its own button, with four-eyes shown
        if visitor.can(needs):
            moves.append(state)
    can_file = (
        view["state"] == "escalated"
        and visitor.can("reviewer")
        and view["drafted_by"] is not None
        and view["drafted_by"] != visitor.name
    )
    return render(
        request,
        "case.html",
        {
            "me": visitor,
            "case": view,
            "moves": moves,
            "can_file": can_file,
            "timeline": [(r, _payload(r.payload)) for r in timeline],
            "can_draft_filing": visitor.can("analyst") and view["state"] == "escalated",
        },
    )


def _payload(raw: str) -> dict[str, Any]:
    try:
        loaded = json.loads(raw)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


async def _case_form(request: Request, role: str) -> tuple[FormData, Visitor]:
    form = await request.form()
    return form, form_visitor(request, form.get("csrf"), role)


@router.post("/cases/{case_id}/notes")
async def case_note(request: Request, case_id: int) -> Response:
    from sever.cases.workflow import add_note

    form, visitor = await _case_form(request, "analyst")
    text = _field(form, "text")
    await run_in_threadpool(
        _answer, lambda: add_note(_store(request), visitor.actor, case_id, text)
    )
    return _see_other(f"{PREFIX}/cases/{case_id}")


@router.post("/cases/{case_id}/decide")
async def case_decide(request: Request, case_id: int) -> Response:
    from sever.cases.workflow import decide

    form, visitor = await _case_form(request, "analyst")
    state, reason = _field(form, "state"), _field(form, "reason")
    version = int(_field(form, "version")) if _field(form, "version").isdigit() else None
    await run_in_threadpool(
        _answer,
        lambda: decide(_store(request), visitor.actor, case_id, state, reason, version=version),
    )
    return _see_other(f"{PREFIX}/cases/{case_id}")


@router.post("/cases/{case_id}/assign")
async def case_assign(request: Request, case_id: int) -> Response:
    from sever.cases.workflow import assign

    form, visitor = await _case_form(request, "analyst")
    who = _field(form, "assignee") or None
    await run_in_threadpool(_answer, lambda: assign(_store(request), visitor.actor, case_id, who))
    return _see_other(f"{PREFIX}/cases/{case_id}")


@router.post("/cases/{case_id}/attach")
async def case_attach(request: Request, case_id: int) -> Response:
    from sever.cases.workflow import attach

    form, visitor = await _case_form(request, "analyst")
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Refused(400, "file: choose a file to attach")
    name = Path(upload.filename).name[:200] or "attachment"
    with tempfile.TemporaryDirectory(prefix="sever-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(await upload.read())
        await run_in_threadpool(
            _answer, lambda: attach(_store(request), visitor.actor, case_id, path)
        )
    return _see_other(f"{PREFIX}/cases/{case_id}")


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def case_attachment(request: Request, case_id: int, attachment_id: int) -> Response:
    """An attachment's bytes, as a download (never shown inline: it may be anything)."""
    from fastapi.responses import FileResponse

    from sever.cases.models import Attachment
    from sever.cases.workflow import attachment_path

    page_visitor(request)
    store = _store(request)
    with store.read() as session:
        item = session.get(Attachment, attachment_id)
    if item is None or item.case_id != case_id:
        raise Refused(404, f"case {case_id} has no attachment {attachment_id}")
    path = attachment_path(store, item.sha256)
    if not path.is_file():
        raise Refused(404, f"attachment {attachment_id}: its file is missing from the home")
    return FileResponse(
        path,
        filename=item.name,
        media_type="application/octet-stream",
        headers=HEADERS,
        content_disposition_type="attachment",
    )


@router.post("/cases/{case_id}/reports/{kind}")
async def case_report(request: Request, case_id: int, kind: str) -> Response:
    """Draft the SAR, goAML STR or PDF report and download it (the draft is kept with the case
    and recorded, so its drafter cannot file it)."""
    from sever.report.draft import KINDS, MEDIA_TYPES, draft_report

    _, visitor = await _case_form(request, "analyst")
    if kind not in KINDS:
        raise Refused(404, f"report {kind[:20]!r}: choose one of {', '.join(KINDS)}")
    suffix = ".pdf" if kind == "pdf" else ".xml"
    with tempfile.TemporaryDirectory(prefix="sever-report-") as folder:
        out = Path(folder) / f"case-{case_id}-{kind}{suffix}"
        drafted = await run_in_threadpool(
            _answer, lambda: draft_report(_store(request), visitor.actor, case_id, kind, out)
        )
        content = out.read_bytes()
    return Response(
        content,
        media_type=MEDIA_TYPES[kind],
        headers={
            "X-Sever-Sha256": drafted.sha256,
            "Content-Disposition": f'attachment; filename="{out.name}"',
        },
    )


@router.post("/cases/{case_id}/filing")
async def case_filing(request: Request, case_id: int) -> Response:
    from sever.cases.workflow import decide

    form, visitor = await _case_form(request, "reviewer")
    reason = _field(form, "reason")
    await run_in_threadpool(
        _answer, lambda: decide(_store(request), visitor.actor, case_id, "reported", reason)
    )
    return _see_other(f"{PREFIX}/cases/{case_id}")


# -- audit -------------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, before: int | None = None) -> HTMLResponse:
    from sever.cases import audit

    visitor = page_visitor(request)
    with _store(request).read() as session:
        verdict = audit.verify(session)
        query = select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(AUDIT_PAGE)
        if before is not None:
            query = query.where(AuditRecord.seq < before)
        chain = list(session.scalars(query))
    older = chain[-1].seq if len(chain) == AUDIT_PAGE and chain[-1].seq > 1 else None
    return render(
        request, "audit.html", {"me": visitor, "verdict": verdict, "chain": chain, "older": older}
    )


@router.get("/lists")
def lists_page(request: Request) -> HTMLResponse:
    visitor = page_visitor(request)
    home = request.app.state.home
    statuses: list[dict[str, Any]] = []
    if home.store_path.exists():
        from sever.entities.store import Store
        from sever.lists.status import lists_status

        with Store.open(home, read_only=True) as store:
            statuses = lists_status(store).to_dict()["datasets"]
    return render(request, "lists.html", {"me": visitor, "lists": statuses})


def when(value: datetime | str | None) -> str:
    """A time as analysts read it: UTC, to the minute."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    # isoformat is C and a third of strftime's cost, on every row of every page
    return utc(value).isoformat(" ", "minutes")[:16]


templates.env.filters["when"] = when
