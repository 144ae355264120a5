"""The Ombudsman stage (issue 19): the evidence a landlord sent to show an order complied with, whose text
stays out of workflow history (the command refers to the row by id).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "ombudsmanevidence",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("order_id", TEXT(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("text", TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("ombudsmanevidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ombudsmanevidence_reference"), ["reference"], unique=False, if_not_exists=True)


def downgrade() -> None:
    with op.batch_alter_table("ombudsmanevidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ombudsmanevidence_reference"))
    op.drop_table("ombudsmanevidence")
