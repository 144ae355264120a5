"""Issues 24 and 29: command ids scoped to their case (`casecommand`), letters drafted before the command
and issued by the workflow (`letterdraft`); a calendar change now reaches its cases by a workflow, so
the re-plans table of 0009 goes (`pendingreplan`).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "casecommand",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("command_id", TEXT(), nullable=False),
        sa.Column("action", TEXT(), nullable=False),
        sa.Column("fingerprint", TEXT(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("reference", "command_id"),
        if_not_exists=True,
    )
    op.create_table(
        "letterdraft",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("command_id", TEXT(), nullable=False),
        sa.Column("kind", TEXT(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("letter_id", TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("reference", "command_id"),
        if_not_exists=True,
    )
    op.drop_table("pendingreplan", if_exists=True)


def downgrade() -> None:
    op.create_table(
        "pendingreplan",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
    )
    op.drop_table("letterdraft")
    op.drop_table("casecommand")
