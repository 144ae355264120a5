"""Awaab's Law hazards (issue 25): each hazard, its statutory clocks and its timeline, as the
HazardWorkflow projects them (models/hazard_tables.py).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0014"
down_revision = "0016"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "hazard",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("landlord", TEXT(), nullable=False),
        sa.Column("category", TEXT(), nullable=False),
        sa.Column("level", TEXT(), nullable=True),
        sa.Column("found", TEXT(), nullable=True),
        sa.Column("state", TEXT(), nullable=False),
        sa.Column("aware_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked", TEXT(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("allowed", TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
        if_not_exists=True,
    )
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.create_index("ix_hazard_landlord", ["landlord"], unique=False, if_not_exists=True)
        batch_op.create_index("ix_hazard_state", ["state"], unique=False, if_not_exists=True)
    op.create_table(
        "hazarddeadline",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("name", TEXT(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("ceased", TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["reference"], ["hazard.reference"]),
        sa.PrimaryKeyConstraint("reference", "name"),
        if_not_exists=True,
    )
    op.create_table(
        "hazardevent",
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("type", TEXT(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["reference"], ["hazard.reference"]),
        sa.PrimaryKeyConstraint("reference", "seq"),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("hazardevent")
    op.drop_table("hazarddeadline")
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index("ix_hazard_state")
        batch_op.drop_index("ix_hazard_landlord")
    op.drop_table("hazard")
