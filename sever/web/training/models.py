"""The training tables of the cases store: exercises, their findings and planted schemes, and each
trainee's attempt with the verdicts they gave.

The planted schemes (``training_schemes``) and the link from a finding to the schemes it touches
(``training_findings.schemes``) are the ground truth: the pages show them to instructors, and to a
trainee only on the result of their own finished attempt. The schema is created by migration 0003.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sever.cases.models import Base


class Exercise(Base):
    """A simulated world prepared for training: its settings, and whether it is ready."""

    __tablename__ = "training_exercises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    """``preparing`` (the world is being simulated and screened), ``ready`` or ``failed``."""
    message: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[str] = mapped_column(Text)
    """The instructor's choices as JSON: size, typologies, difficulty, seed, time limit."""
    time_limit_min: Mapped[int] = mapped_column(Integer)
    world: Mapped[str] = mapped_column(String(1000))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingFinding(Base):
    """A finding of an exercise, as the trainee sees it, and (``schemes``) which planted schemes
    it touches: the label, never shown while an attempt runs."""

    __tablename__ = "training_findings"
    __table_args__ = (UniqueConstraint("exercise_id", "finding_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("training_exercises.id"), index=True)
    finding_id: Mapped[str] = mapped_column(String(200))
    verb: Mapped[str] = mapped_column(String(16))
    typology: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    subject: Mapped[str] = mapped_column(String(300))
    record: Mapped[str] = mapped_column(Text)
    schemes: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of the planted scheme ids this finding touches (ground truth)."""


class TrainingScheme(Base):
    """A scheme planted in an exercise's world (ground truth): its typology and its members."""

    __tablename__ = "training_schemes"
    __table_args__ = (UniqueConstraint("exercise_id", "scheme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("training_exercises.id"), index=True)
    scheme_id: Mapped[str] = mapped_column(String(64))
    typology: Mapped[str] = mapped_column(String(64))
    members: Mapped[str] = mapped_column(Text)
    """JSON list of the accounts, parties and wallets the scheme used."""


class Attempt(Base):
    """One trainee's go at one exercise: when it started and when it ended."""

    __tablename__ = "training_attempts"
    __table_args__ = (UniqueConstraint("exercise_id", "trainee"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("training_exercises.id"), index=True)
    trainee: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TrainingVerdict(Base):
    """A trainee's verdict on one finding: ``escalate`` (a scheme) or ``dismiss``, and why."""

    __tablename__ = "training_verdicts"
    __table_args__ = (UniqueConstraint("attempt_id", "finding_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("training_attempts.id"), index=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("training_findings.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingCase(Base):
    """A case a trainee opened in an attempt: findings they believe belong together, the story
    they tell of them, and their decision (``open``; ``report``, a SAR: these findings show a
    scheme; ``close``: no scheme). A decided case's decision stands for each of its findings."""

    __tablename__ = "training_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("training_attempts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(16), default="open")
    narrative: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TrainingCaseFinding(Base):
    """A finding in a trainee's case. A finding is in at most one case of an attempt, as an
    alert is worked in one case at a bank."""

    __tablename__ = "training_case_findings"
    __table_args__ = (UniqueConstraint("attempt_id", "finding_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("training_cases.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("training_attempts.id"))
    finding_id: Mapped[int] = mapped_column(ForeignKey("training_findings.id"))
