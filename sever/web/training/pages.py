"""Training mode's pages, under ``/ui/training``.

Anyone signed in can train (a trainee may be a new viewer); creating exercises and reading the
class table needs a reviewer (the instructor). Trainee pages never carry the ground truth: a
finding's planted schemes appear only on the instructor's pages and on the trainee's own result,
once their attempt has ended.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from sever.alerts import TYPOLOGIES
from sever.cases.store import CaseStore
from sever.errors import SeverError
from sever.web.auth import Refused, Visitor, form_visitor, page_visitor
from sever.web.routes import PREFIX, render, router
from sever.web.training import attempts
from sever.web.training.cases import case_by_finding, cases_of
from sever.web.training.exercise import (
    DEFAULT_TYPOLOGIES,
    DIFFICULTIES,
    SIZES,
    ExerciseSettings,
    TrainingError,
    create_exercise,
    exercises,
    mark_interrupted,
    prepare_again,
    prepare_in_background,
)
from sever.web.training.models import Exercise, TrainingFinding
from sever.web.training.score import class_table, score

INSTRUCTOR = "reviewer"
"""The least role that creates exercises and reads every trainee's score."""
EVIDENCE_SHOWN = 10
"""Findings linked per missed scheme on the result page (the JSON has them all)."""


def store_of(request: Request) -> CaseStore:
    return request.app.state.cases.store()


def answer(work: Callable[[], Any]) -> Any:
    """Run a store action; a refusal becomes a page with its status."""
    try:
        return work()
    except TrainingError as exc:
        raise Refused(exc.status, str(exc)) from None
    except SeverError as exc:
        raise Refused(400, str(exc)) from None


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def exercise_or_404(request: Request, exercise_id: int) -> Exercise:
    with store_of(request).read() as session:
        exercise = session.get(Exercise, exercise_id)
    if exercise is None:
        raise Refused(404, f"exercise {exercise_id}: no such exercise")
    return exercise


def _instructor(request: Request) -> Visitor:
    visitor = page_visitor(request)
    if not visitor.can(INSTRUCTOR):
        raise Refused(403, f"this needs the {INSTRUCTOR} role; {visitor.name} is a {visitor.role}")
    return visitor


@router.get("/training")
def training_home(request: Request) -> HTMLResponse:
    """The exercises, each with the visitor's own state; instructors also get the create form."""
    visitor = page_visitor(request)
    store = store_of(request)
    if visitor.can(INSTRUCTOR):
        mark_interrupted(store, visitor.actor)
    rows = []
    with store.read() as session:
        for exercise in exercises(store):
            mine = attempts.attempt_of(session, exercise.id, visitor.name)
            state = "not started"
            if mine is not None:
                state = "ended" if attempts.is_over(mine, exercise) else "running"
            rows.append({"exercise": exercise, "state": state})
    return render(
        request,
        "training/home.html",
        {
            "me": visitor,
            "rows": rows,
            "instructor": visitor.can(INSTRUCTOR),
            "typologies": TYPOLOGIES,
            "chosen": DEFAULT_TYPOLOGIES,
            "difficulties": DIFFICULTIES,
            "sizes": SIZES,
        },
    )


@router.post("/training/exercises")
async def training_create(request: Request) -> Response:
    """Create an exercise from the instructor's choices; its world is prepared in the
    background and the list shows when it is ready."""
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), INSTRUCTOR)

    def number(name: str, default: int) -> int:
        raw = form_text(form, name)
        if raw and not raw.isdigit():
            raise Refused(400, f"{name}: give a whole number")
        return int(raw) if raw else default

    settings = answer(
        lambda: ExerciseSettings(
            title=form_text(form, "title"),
            size=number("size", 20_000),
            typologies=tuple(str(t) for t in form.getlist("typologies")),
            difficulty=form_text(form, "difficulty") or "easy",
            time_limit_min=number("time_limit_min", 30),
            seed=number("seed", 1),
        )
    )
    store = store_of(request)
    exercise_id = await run_in_threadpool(
        answer, lambda: create_exercise(store, visitor.actor, settings)
    )
    prepare_in_background(store, visitor.actor, exercise_id)
    return RedirectResponse(f"{PREFIX}/training", status_code=303)


@router.post("/training/{exercise_id}/prepare")
async def training_prepare_again(request: Request, exercise_id: int) -> Response:
    """Prepare a failed exercise again (for one interrupted by a server stop, say)."""
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), INSTRUCTOR)
    store = store_of(request)
    await run_in_threadpool(answer, lambda: prepare_again(store, visitor.actor, exercise_id))
    return RedirectResponse(f"{PREFIX}/training", status_code=303)


@router.get("/training/{exercise_id}")
def training_exercise(request: Request, exercise_id: int) -> Response:
    """The trainee's inbox for this exercise: its findings, their verdicts so far, the clock."""
    visitor = page_visitor(request)
    exercise = exercise_or_404(request, exercise_id)
    with store_of(request).read() as session:
        mine = attempts.attempt_of(session, exercise_id, visitor.name)
        if mine is not None and attempts.is_over(mine, exercise):
            return RedirectResponse(f"{PREFIX}/training/{exercise_id}/result", status_code=303)
        findings = list(
            session.scalars(
                select(TrainingFinding)
                .where(TrainingFinding.exercise_id == exercise_id)
                .order_by(TrainingFinding.id)
            )
        )
        given = attempts.verdicts_of(session, mine) if mine is not None else {}
        mine_cases = cases_of(session, mine) if mine is not None else []
    in_case = case_by_finding(mine_cases)
    return render(
        request,
        "training/exercise.html",
        {
            "me": visitor,
            "exercise": exercise,
            "attempt": mine,
            "deadline": attempts.deadline(mine, exercise) if mine is not None else None,
            "findings": findings if mine is not None else [],
            "count": len(findings),
            "given": given,
            "cases": mine_cases,
            "in_case": in_case,
        },
    )


@router.post("/training/{exercise_id}/start")
async def training_start(request: Request, exercise_id: int) -> Response:
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "viewer")
    store = store_of(request)
    await run_in_threadpool(answer, lambda: attempts.start(store, visitor.actor, exercise_id))
    return RedirectResponse(f"{PREFIX}/training/{exercise_id}", status_code=303)


@router.get("/training/{exercise_id}/findings/{finding}")
def training_finding(request: Request, exercise_id: int, finding: int) -> HTMLResponse:
    """One finding of the exercise, as the detectors explained it, with the verdict form while
    the visitor's attempt runs (an instructor may read it too)."""
    visitor = page_visitor(request)
    exercise = exercise_or_404(request, exercise_id)
    with store_of(request).read() as session:
        row = session.get(TrainingFinding, finding)
        mine = attempts.attempt_of(session, exercise_id, visitor.name)
        given = attempts.verdicts_of(session, mine).get(finding) if mine is not None else None
        mine_cases = cases_of(session, mine) if mine is not None else []
        in_case = case_by_finding(mine_cases).get(finding)
    if row is None or row.exercise_id != exercise_id:
        raise Refused(404, f"exercise {exercise_id} has no finding {finding}")
    if mine is None and not visitor.can(INSTRUCTOR):
        raise Refused(409, f"start exercise {exercise_id} first")
    record = json.loads(row.record)
    evidence = record.get("evidence") or {}
    return render(
        request,
        "training/finding.html",
        {
            "me": visitor,
            "exercise": exercise,
            "f": row,
            "record": record,
            "reasons": evidence.get("reasons") or [],
            "other": {k: v for k, v in evidence.items() if k != "reasons"},
            "running": mine is not None and not attempts.is_over(mine, exercise),
            "given": given,
            "in_case": in_case,
            "verdicts": attempts.VERDICTS,
        },
    )


@router.post("/training/{exercise_id}/findings/{finding}/verdict")
async def training_verdict(request: Request, exercise_id: int, finding: int) -> Response:
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "viewer")
    verdict, reason = form_text(form, "verdict"), form_text(form, "reason")
    store = store_of(request)
    await run_in_threadpool(
        answer,
        lambda: attempts.give_verdict(store, visitor.actor, exercise_id, finding, verdict, reason),
    )
    return RedirectResponse(f"{PREFIX}/training/{exercise_id}", status_code=303)


@router.post("/training/{exercise_id}/finish")
async def training_finish(request: Request, exercise_id: int) -> Response:
    form = await request.form()
    visitor = form_visitor(request, form.get("csrf"), "viewer")
    store = store_of(request)
    await run_in_threadpool(answer, lambda: attempts.finish(store, visitor.actor, exercise_id))
    return RedirectResponse(f"{PREFIX}/training/{exercise_id}/result", status_code=303)


@router.get("/training/{exercise_id}/result")
def training_result(request: Request, exercise_id: int, format: str = "") -> Response:
    """The trainee's own score, once their attempt has ended: schemes found and missed, each
    missed one with its red flags and the findings that showed it (``?format=json`` for JSON)."""
    visitor = page_visitor(request)
    exercise = exercise_or_404(request, exercise_id)
    with store_of(request).read() as session:
        mine = attempts.attempt_of(session, exercise_id, visitor.name)
        if mine is None:
            raise Refused(409, f"start exercise {exercise_id} first")
        if not attempts.is_over(mine, exercise):
            raise Refused(409, "your attempt is still running: finish it to see your score")
        result = score(session, exercise, mine)
        wanted = {f for scheme in result.schemes for f in scheme.evidence[:EVIDENCE_SHOWN]}
        named = {
            row.id: f"{row.typology} on {row.subject}"
            for row in session.scalars(
                select(TrainingFinding).where(TrainingFinding.id.in_(wanted))
            )
        }
    if format == "json":
        return JSONResponse(result.to_dict(), headers={"Cache-Control": "no-store"})
    return render(
        request,
        "training/result.html",
        {
            "me": visitor,
            "exercise": exercise,
            "score": result,
            "named": named,
            "shown": EVIDENCE_SHOWN,
        },
    )


@router.get("/training/{exercise_id}/class")
def training_class(request: Request, exercise_id: int, format: str = "") -> Response:
    """The instructor's table: every trainee's score on this exercise (``?format=json``)."""
    visitor = _instructor(request)
    exercise = exercise_or_404(request, exercise_id)
    with store_of(request).read() as session:
        table = class_table(session, exercise)
    if format == "json":
        return JSONResponse(
            {"exercise": exercise.id, "trainees": [s.to_dict() for s in table]},
            headers={"Cache-Control": "no-store"},
        )
    return render(
        request, "training/class.html", {"me": visitor, "exercise": exercise, "table": table}
    )
