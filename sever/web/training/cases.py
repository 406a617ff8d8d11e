"""A trainee's cases: findings grouped as one story, then reported (a SAR) or closed.

At a bank an analyst does not file one report per alert: alerts on the same ring of accounts are
worked together in a case, and the case is what gets reported or closed. A trainee does the same
here. A case is opened over one or more of the exercise's findings, more findings can be added
while it is open, and a decision with its narrative ends it (it may be decided again while the
attempt runs). A finding is in at most one case of an attempt. For the score, a decided case's
decision stands for every finding in it, over any verdict given on a finding alone
(:func:`effective_verdicts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sever.cases.roles import Actor
from sever.cases.store import CaseStore, now
from sever.web.training.attempts import running, verdicts_of
from sever.web.training.exercise import TrainingError
from sever.web.training.models import (
    Attempt,
    TrainingCase,
    TrainingCaseFinding,
    TrainingFinding,
)

DECISIONS = {
    "report": "Report: file a SAR, these findings show a scheme",
    "close": "Close: no scheme here",
}
"""The decisions a trainee can take on a case, and how the case page words them."""

CASE_VERDICT = {"report": "escalate", "close": "dismiss"}
"""What a case's decision says of each finding in it, in the words of a finding's verdict."""

MAX_TITLE = 200
MAX_NARRATIVE = 4000


@dataclass(frozen=True)
class CaseView:
    """A case as its pages show it: the case and its findings, in the order they were added."""

    case: TrainingCase
    findings: list[TrainingFinding]


def open_case(
    store: CaseStore, actor: Actor, exercise_id: int, title: str, findings: Iterable[int]
) -> int:
    """Open a case over ``findings`` in ``actor``'s running attempt; its id."""
    title = title.strip()
    if not title:
        raise TrainingError("title: name the case (the ring, the company, the scheme)", 400)
    chosen = _chosen(findings)
    with store.write(actor) as writer:
        _, attempt = running(writer.session, exercise_id, actor.name)
        case = TrainingCase(
            attempt_id=attempt.id, title=title[:MAX_TITLE], decision="open", opened_at=now()
        )
        writer.session.add(case)
        writer.session.flush()
        _add(writer.session, exercise_id, attempt, case, chosen)
        return case.id


def add_findings(
    store: CaseStore, actor: Actor, exercise_id: int, case_id: int, findings: Iterable[int]
) -> None:
    """Add ``findings`` to one of ``actor``'s open cases."""
    chosen = _chosen(findings)
    with store.write(actor) as writer:
        _, attempt = running(writer.session, exercise_id, actor.name)
        case = _own_case(writer.session, attempt, case_id)
        if case.decision != "open":
            raise TrainingError(f"case {case_id} is decided ({case.decision}); open a new one")
        _add(writer.session, exercise_id, attempt, case, chosen)


def decide_case(
    store: CaseStore, actor: Actor, exercise_id: int, case_id: int, decision: str, narrative: str
) -> None:
    """Report or close one of ``actor``'s cases, with the narrative that says why."""
    if decision not in DECISIONS:
        raise TrainingError(f"decision: choose one of {', '.join(DECISIONS)}", 400)
    if not narrative.strip():
        raise TrainingError("narrative: say what the findings show; the debrief reads it", 400)
    with store.write(actor) as writer:
        _, attempt = running(writer.session, exercise_id, actor.name)
        case = _own_case(writer.session, attempt, case_id)
        case.decision, case.narrative = decision, narrative.strip()[:MAX_NARRATIVE]
        case.decided_at = now()


def cases_of(session: Session, attempt: Attempt) -> list[CaseView]:
    """The attempt's cases, oldest first, each with its findings."""
    cases = list(
        session.scalars(
            select(TrainingCase)
            .where(TrainingCase.attempt_id == attempt.id)
            .order_by(TrainingCase.id)
        )
    )
    rows = session.execute(
        select(TrainingCaseFinding.case_id, TrainingFinding)
        .join(TrainingFinding, TrainingFinding.id == TrainingCaseFinding.finding_id)
        .where(TrainingCaseFinding.attempt_id == attempt.id)
        .order_by(TrainingCaseFinding.id)
    ).all()
    by_case: dict[int, list[TrainingFinding]] = {}
    for case_id, finding in rows:
        by_case.setdefault(case_id, []).append(finding)
    return [CaseView(case, by_case.get(case.id, [])) for case in cases]


def case_of(session: Session, attempt: Attempt, case_id: int) -> CaseView:
    """One of the attempt's cases; 404 for another trainee's or none."""
    for view in cases_of(session, attempt):
        if view.case.id == case_id:
            return view
    raise TrainingError(f"you have no case {case_id} in this exercise", 404)


def case_by_finding(views: list[CaseView]) -> dict[int, TrainingCase]:
    """The case each finding is in, among an attempt's cases (:func:`cases_of`)."""
    return {f.id: view.case for view in views for f in view.findings}


def effective_verdicts(session: Session, attempt: Attempt, views: list[CaseView]) -> dict[int, str]:
    """What the trainee said of each finding they decided: the decision of its case where the
    case is decided, else the verdict they gave the finding alone (``views``: the attempt's
    cases, :func:`cases_of`)."""
    verdicts = {f: v.verdict for f, v in verdicts_of(session, attempt).items()}
    for view in views:
        if view.case.decision in CASE_VERDICT:
            for finding in view.findings:
                verdicts[finding.id] = CASE_VERDICT[view.case.decision]
    return verdicts


def _chosen(findings: Iterable[int]) -> list[int]:
    chosen = sorted(set(findings))
    if not chosen:
        raise TrainingError("findings: tick at least one finding for the case", 400)
    return chosen


def _own_case(session: Session, attempt: Attempt, case_id: int) -> TrainingCase:
    case = session.get(TrainingCase, case_id)
    if case is None or case.attempt_id != attempt.id:
        raise TrainingError(f"you have no case {case_id} in this exercise", 404)
    return case


def _add(
    session: Session, exercise_id: int, attempt: Attempt, case: TrainingCase, chosen: list[int]
) -> None:
    """Put the chosen findings in ``case``: each must be the exercise's and in no other case."""
    known = set(
        session.scalars(
            select(TrainingFinding.id).where(
                TrainingFinding.exercise_id == exercise_id, TrainingFinding.id.in_(chosen)
            )
        )
    )
    if unknown := [f for f in chosen if f not in known]:
        raise TrainingError(f"exercise {exercise_id} has no finding {unknown[0]}", 404)
    taken = session.execute(
        select(TrainingCaseFinding.finding_id, TrainingCaseFinding.case_id).where(
            TrainingCaseFinding.attempt_id == attempt.id,
            TrainingCaseFinding.finding_id.in_(chosen),
        )
    ).all()
    if elsewhere := [(f, c) for f, c in taken if c != case.id]:
        finding, other = elsewhere[0]
        raise TrainingError(f"finding {finding} is already in your case {other}")
    already = {f for f, _ in taken}
    session.add_all(
        TrainingCaseFinding(case_id=case.id, attempt_id=attempt.id, finding_id=f)
        for f in chosen
        if f not in already
    )
