"""Training mode's case pages, under ``/ui/training/{exercise}/cases``: a trainee opens a case over
findings they ticked in their exercise inbox, adds more, and reports or closes it (see
:mod:`.cases`). A trainee sees only their own cases, and never the labels while the attempt runs.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from sever.web.auth import Refused, form_visitor, page_visitor
from sever.web.routes import PREFIX, render, router
from sever.web.training import attempts
from sever.web.training.cases import DECISIONS, add_findings, case_of, decide_case, open_case
from sever.web.training.pages import answer, exercise_or_404, form_text, store_of


def _ticked(form: FormData) -> list[int]:
    """The finding numbers ticked in a form (``ids``); 400 for one that is not a number."""
    ticked = []
    for raw in form.getlist("ids"):
        if not isinstance(raw, str) or not raw.strip().isdigit():
            raise Refused(400, f"ids: {str(raw)[:20]!r} is not a finding number")
        ticked.append(int(raw))
    return ticked


def _case_url(exercise_id: int, case_id: int) -> str:
    return f"{PREFIX}/training/{exercise_id}/cases/{case_id}"


@router.post("/training/{exercise_id}/cases")
async def training_open_case(request: Request, exercise_id: int) -> Response:
    """Open a case over the ticked findings, or add them to an open case (``case``)."""
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "viewer")
    ticked = _ticked(form)
    store = store_of(request)
    existing = form_text(form, "case")
    if existing:
        if not existing.isdigit():
            raise Refused(400, f"case: {existing[:20]!r} is not a case number")
        await run_in_threadpool(
            answer,
            lambda: add_findings(store, visitor.actor, exercise_id, int(existing), ticked),
        )
        case_id = int(existing)
    else:
        title = form_text(form, "title")
        case_id = await run_in_threadpool(
            answer, lambda: open_case(store, visitor.actor, exercise_id, title, ticked)
        )
    return RedirectResponse(_case_url(exercise_id, case_id), status_code=303)


@router.get("/training/{exercise_id}/cases/{case_id}")
def training_case(request: Request, exercise_id: int, case_id: int) -> HTMLResponse:
    """One of the visitor's cases: its findings, its narrative and the decision form while the
    attempt runs."""
    visitor = page_visitor(request)
    exercise = exercise_or_404(request, exercise_id)
    with store_of(request).read() as session:
        mine = attempts.attempt_of(session, exercise_id, visitor.name)
        if mine is None:
            raise Refused(409, f"start exercise {exercise_id} first")
        view = answer(lambda: case_of(session, mine, case_id))
        running = not attempts.is_over(mine, exercise)
    return render(
        request,
        "training/case.html",
        {
            "me": visitor,
            "exercise": exercise,
            "case": view.case,
            "findings": view.findings,
            "running": running,
            "decisions": DECISIONS,
        },
    )


@router.post("/training/{exercise_id}/cases/{case_id}/decision")
async def training_decide_case(request: Request, exercise_id: int, case_id: int) -> Response:
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "viewer")
    decision, narrative = form_text(form, "decision"), form_text(form, "narrative")
    store = store_of(request)
    await run_in_threadpool(
        answer,
        lambda: decide_case(store, visitor.actor, exercise_id, case_id, decision, narrative),
    )
    return RedirectResponse(f"{PREFIX}/training/{exercise_id}", status_code=303)
