"""A trainee's score against the ground truth: schemes found and missed, false positives, time.

A planted scheme counts as found when the trainee escalated at least one finding that touches it
(through a labelled payment, account, party or wallet), alone or by reporting a case that holds it
(see :mod:`.cases`: a decided case's decision stands for each of its findings). An escalated
finding that touches no planted scheme is a false positive, and so is a reported case none of
whose findings touches one. Each missed scheme comes with its typology's red flags and the
findings that showed it, if any did: the evidence the trainee could have used. Each case the
trainee opened is shown with the schemes its findings touch: a case that joins two schemes, or
splits one, is worth a word in the debrief.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sever.cases.store import utc
from sever.web.training.attempts import ended_at
from sever.web.training.cases import cases_of, effective_verdicts
from sever.web.training.models import Attempt, Exercise, TrainingFinding, TrainingScheme
from sever.web.training.red_flags import RedFlags, flags_for


@dataclass
class SchemeOutcome:
    """One planted scheme: found or not, the findings that touched it, what to look for."""

    scheme_id: str
    typology: str
    found: bool
    evidence: list[int]
    """Training finding ids that touch the scheme (links to the evidence), those of the
    scheme's own typology first."""
    members: list[str]
    red_flags: RedFlags

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme_id": self.scheme_id,
            "typology": self.typology,
            "found": self.found,
            "evidence": self.evidence,
            "members": self.members[:20],
            "red_flags": list(self.red_flags.flags),
            "cites": self.red_flags.cites,
        }


@dataclass
class CaseOutcome:
    """One of the trainee's cases: their decision, and the planted schemes its findings touch."""

    case_id: int
    title: str
    decision: str
    findings: list[int]
    schemes: list[str]

    @property
    def false_positive(self) -> bool:
        """Reported, though none of its findings touches a planted scheme."""
        return self.decision == "report" and not self.schemes

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "title": self.title,
            "decision": self.decision,
            "findings": self.findings,
            "schemes": self.schemes,
            "false_positive": self.false_positive,
        }


@dataclass
class Score:
    """One trainee's result on one exercise."""

    trainee: str
    finished: bool
    seconds: float | None
    found: int
    missed: int
    false_positives: int
    escalated: int
    dismissed: int
    findings: int
    schemes: list[SchemeOutcome] = field(default_factory=list)
    cases: list[CaseOutcome] = field(default_factory=list)

    @property
    def reported(self) -> int:
        """Cases reported (a SAR filed)."""
        return sum(c.decision == "report" for c in self.cases)

    @property
    def planted(self) -> int:
        return self.found + self.missed

    def to_dict(self) -> dict[str, Any]:
        return {
            "trainee": self.trainee,
            "finished": self.finished,
            "seconds": self.seconds,
            "schemes_planted": self.planted,
            "schemes_found": self.found,
            "schemes_missed": self.missed,
            "false_positives": self.false_positives,
            "escalated": self.escalated,
            "dismissed": self.dismissed,
            "findings": self.findings,
            "schemes": [s.to_dict() for s in self.schemes],
            "cases_reported": self.reported,
            "false_positive_cases": sum(c.false_positive for c in self.cases),
            "cases": [c.to_dict() for c in self.cases],
        }


def score(session: Session, exercise: Exercise, attempt: Attempt) -> Score:
    """Score ``attempt`` against the exercise's planted schemes."""
    findings = list(
        session.scalars(select(TrainingFinding).where(TrainingFinding.exercise_id == exercise.id))
    )
    planted = list(
        session.scalars(
            select(TrainingScheme)
            .where(TrainingScheme.exercise_id == exercise.id)
            .order_by(TrainingScheme.scheme_id)
        )
    )
    views = cases_of(session, attempt)
    verdicts = effective_verdicts(session, attempt, views)
    escalated = {f for f, verdict in verdicts.items() if verdict == "escalate"}
    touches = {row.id: set(json.loads(row.schemes)) for row in findings}
    typologies = {row.id: row.typology for row in findings}
    found_schemes = {s for f in escalated for s in touches.get(f, ())}
    outcomes = [
        SchemeOutcome(
            scheme.scheme_id,
            scheme.typology,
            scheme.scheme_id in found_schemes,
            sorted(
                (f for f, touched in touches.items() if scheme.scheme_id in touched),
                key=lambda f: (typologies[f] != scheme.typology, f),
            ),
            json.loads(scheme.members),
            flags_for(scheme.typology),
        )
        for scheme in planted
    ]
    end = ended_at(attempt, exercise)
    seconds = (end - utc(attempt.started_at)).total_seconds() if end else None
    found = sum(o.found for o in outcomes)
    return Score(
        trainee=attempt.trainee,
        finished=end is not None,
        seconds=seconds,
        found=found,
        missed=len(outcomes) - found,
        false_positives=sum(1 for f in escalated if not touches.get(f)),
        escalated=len(escalated),
        dismissed=sum(1 for verdict in verdicts.values() if verdict == "dismiss"),
        findings=len(findings),
        schemes=outcomes,
        cases=[
            CaseOutcome(
                view.case.id,
                view.case.title,
                view.case.decision,
                [f.id for f in view.findings],
                sorted({scheme for f in view.findings for scheme in touches.get(f.id, ())}),
            )
            for view in views
        ],
    )


def class_table(session: Session, exercise: Exercise) -> list[Score]:
    """Every trainee's score on ``exercise``, best first (most found, fewest false positives,
    fastest)."""
    attempts = session.scalars(select(Attempt).where(Attempt.exercise_id == exercise.id))
    scores = [score(session, exercise, attempt) for attempt in attempts]
    return sorted(
        scores,
        key=lambda s: (-s.found, s.false_positives, s.seconds or float("inf"), s.trainee),
    )
