"""Training mode: exercises from simulated worlds, their findings and planted schemes, and the
trainees' attempts and verdicts (sever.web.training.models).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_exercises",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("time_limit_min", sa.Integer, nullable=False),
        sa.Column("world", sa.String(1000), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "training_findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "exercise_id", sa.Integer, sa.ForeignKey("training_exercises.id"), nullable=False
        ),
        sa.Column("finding_id", sa.String(200), nullable=False),
        sa.Column("verb", sa.String(16), nullable=False),
        sa.Column("typology", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("schemes", sa.Text, nullable=False),
        sa.UniqueConstraint("exercise_id", "finding_id"),
    )
    op.create_index("ix_training_findings_exercise_id", "training_findings", ["exercise_id"])
    op.create_table(
        "training_schemes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "exercise_id", sa.Integer, sa.ForeignKey("training_exercises.id"), nullable=False
        ),
        sa.Column("scheme_id", sa.String(64), nullable=False),
        sa.Column("typology", sa.String(64), nullable=False),
        sa.Column("members", sa.Text, nullable=False),
        sa.UniqueConstraint("exercise_id", "scheme_id"),
    )
    op.create_index("ix_training_schemes_exercise_id", "training_schemes", ["exercise_id"])
    op.create_table(
        "training_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "exercise_id", sa.Integer, sa.ForeignKey("training_exercises.id"), nullable=False
        ),
        sa.Column("trainee", sa.String(120), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN),
        sa.UniqueConstraint("exercise_id", "trainee"),
    )
    op.create_index("ix_training_attempts_exercise_id", "training_attempts", ["exercise_id"])
    op.create_table(
        "training_verdicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("training_attempts.id"), nullable=False),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("training_findings.id"), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_at", WHEN, nullable=False),
        sa.UniqueConstraint("attempt_id", "finding_id"),
    )
    op.create_index("ix_training_verdicts_attempt_id", "training_verdicts", ["attempt_id"])


def downgrade() -> None:
    for table in (
        "training_verdicts",
        "training_attempts",
        "training_schemes",
        "training_findings",
        "training_exercises",
    ):
        op.drop_table(table)
