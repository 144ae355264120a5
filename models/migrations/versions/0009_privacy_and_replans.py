"""Issue 18: staff's reasons kept out of workflow history (`staffreason`, referenced by id), and the
re-plans a calendar change could not deliver while Temporal was down (`pendingreplan`, retried).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "staffreason",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("purpose", TEXT(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("staffreason", schema=None) as batch_op:
        batch_op.create_index("ix_staffreason_reference", ["reference"], unique=False, if_not_exists=True)
    op.create_table(
        "pendingreplan",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("pendingreplan")
    with op.batch_alter_table("staffreason", schema=None) as batch_op:
        batch_op.drop_index("ix_staffreason_reference")
    op.drop_table("staffreason")
