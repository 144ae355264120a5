"""The dashboard's counts per stage: a partial index over the open work only (cases with a running
deadline), by stage, overdue and the deadline (so it covers the query). Counting then reads the open
caseload's entries instead of every case ever handled (docs/decisions.md 39, bench/README.md 4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN_WORK = sa.text("next_deadline IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_case_open_stage_overdue",
        "case",
        ["stage", "overdue", "next_deadline"],
        unique=False,
        if_not_exists=True,
        sqlite_where=OPEN_WORK,
        postgresql_where=OPEN_WORK,
    )


def downgrade() -> None:
    op.drop_index("ix_case_open_stage_overdue", table_name="case")
