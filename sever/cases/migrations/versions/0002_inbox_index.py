"""An index for the web inbox: findings newest first, paged by (occurred_at, id) keysets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_findings_occurred_id", "findings", ["occurred_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_findings_occurred_id", table_name="findings")
