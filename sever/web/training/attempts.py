"""A trainee's attempt: started once, verdicts given finding by finding, ended by the trainee or
by the clock.

A trainee escalates a finding they believe shows a scheme and dismisses one they believe does not,
each with a reason. The attempt ends when they finish it or when the exercise's time limit runs
out; after that nothing more is recorded, and the result (with the ground truth) is theirs to see.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sever.cases.roles import Actor
from sever.cases.store import CaseStore, now, utc
from sever.web.training.exercise import TrainingError
from sever.web.training.models import Attempt, Exercise, TrainingFinding, TrainingVerdict

VERDICTS = {"escalate": "Escalate: a scheme", "dismiss": "Dismiss: not a scheme"}


def ready_exercise(session: Session, exercise_id: int) -> Exercise:
    """The exercise, which must exist and be ready to work."""
    exercise = session.get(Exercise, exercise_id)
    if exercise is None:
        raise TrainingError(f"exercise {exercise_id}: no such exercise", 404)
    if exercise.status != "ready":
        raise TrainingError(f"exercise {exercise_id} is {exercise.status}, not ready yet")
    return exercise


def attempt_of(session: Session, exercise_id: int, trainee: str) -> Attempt | None:
    return session.scalar(
        select(Attempt).where(Attempt.exercise_id == exercise_id, Attempt.trainee == trainee)
    )


def deadline(attempt: Attempt, exercise: Exercise) -> datetime:
    return utc(attempt.started_at) + timedelta(minutes=exercise.time_limit_min)


def is_over(attempt: Attempt, exercise: Exercise, at: datetime | None = None) -> bool:
    """Finished by the trainee, or out of time."""
    return attempt.finished_at is not None or (at or now()) >= deadline(attempt, exercise)


def ended_at(attempt: Attempt, exercise: Exercise) -> datetime | None:
    """When the attempt ended: when the trainee finished, else at the deadline once past."""
    if attempt.finished_at is not None:
        return utc(attempt.finished_at)
    end = deadline(attempt, exercise)
    return end if now() >= end else None


def start(store: CaseStore, actor: Actor, exercise_id: int) -> int:
    """Start ``actor``'s attempt (or return the one already started): the clock runs from now."""
    with store.write(actor) as writer:
        ready_exercise(writer.session, exercise_id)
        found = attempt_of(writer.session, exercise_id, actor.name)
        if found is not None:
            return found.id
        attempt = Attempt(exercise_id=exercise_id, trainee=actor.name, started_at=now())
        writer.session.add(attempt)
        writer.session.flush()
        writer.audit("training.start", f"exercise:{exercise_id}", {"trainee": actor.name})
        return attempt.id


def running(session: Session, exercise_id: int, trainee: str) -> tuple[Exercise, Attempt]:
    """The exercise and ``trainee``'s attempt at it, which must be running (started, not
    ended)."""
    exercise = ready_exercise(session, exercise_id)
    attempt = attempt_of(session, exercise_id, trainee)
    if attempt is None:
        raise TrainingError(f"start exercise {exercise_id} first")
    if is_over(attempt, exercise):
        raise TrainingError("this attempt has ended (finished, or out of time)")
    return exercise, attempt


def give_verdict(
    store: CaseStore, actor: Actor, exercise_id: int, finding: int, verdict: str, reason: str
) -> None:
    """Record (or change) the trainee's verdict on one finding of a running attempt."""
    if verdict not in VERDICTS:
        raise TrainingError(f"verdict: choose one of {', '.join(VERDICTS)}", 400)
    if not reason.strip():
        raise TrainingError("reason: give one; the debrief shows it", 400)
    with store.write(actor) as writer:
        _, attempt = running(writer.session, exercise_id, actor.name)
        row = writer.session.get(TrainingFinding, finding)
        if row is None or row.exercise_id != exercise_id:
            raise TrainingError(f"exercise {exercise_id} has no finding {finding}", 404)
        given = writer.session.scalar(
            select(TrainingVerdict).where(
                TrainingVerdict.attempt_id == attempt.id, TrainingVerdict.finding_id == finding
            )
        )
        if given is None:
            given = TrainingVerdict(attempt_id=attempt.id, finding_id=finding)
            writer.session.add(given)
        given.verdict, given.reason, given.decided_at = verdict, reason.strip()[:2000], now()


def finish(store: CaseStore, actor: Actor, exercise_id: int) -> None:
    """End ``actor``'s running attempt now."""
    with store.write(actor) as writer:
        _, attempt = running(writer.session, exercise_id, actor.name)
        attempt.finished_at = now()
        writer.audit("training.finish", f"exercise:{exercise_id}", {"trainee": actor.name})


def verdicts_of(session: Session, attempt: Attempt) -> dict[int, TrainingVerdict]:
    """The attempt's verdicts by training finding id."""
    rows = session.scalars(select(TrainingVerdict).where(TrainingVerdict.attempt_id == attempt.id))
    return {row.finding_id: row for row in rows}
