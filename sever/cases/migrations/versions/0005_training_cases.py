"""Training mode: the cases trainees open over an exercise's findings, and their decisions
(sever.web.training.models.TrainingCase and TrainingCaseFinding).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("training_attempts.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("decided_at", WHEN),
    )
    op.create_index("ix_training_cases_attempt_id", "training_cases", ["attempt_id"])
    op.create_table(
        "training_case_findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("training_cases.id"), nullable=False),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("training_attempts.id"), nullable=False),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("training_findings.id"), nullable=False),
        sa.UniqueConstraint("attempt_id", "finding_id"),
    )
    op.create_index("ix_training_case_findings_case_id", "training_case_findings", ["case_id"])


def downgrade() -> None:
    op.drop_table("training_case_findings")
    op.drop_table("training_cases")
