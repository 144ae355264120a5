"""Printed tracking codes (issue 27): a personal link can also be opened with the case reference and a
short code printed in a posted letter, for residents who have their letters by post.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("residentlink")}
    if "code_hash" in existing:  # a database made by create_all after this change has it
        return
    with op.batch_alter_table("residentlink", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index("ix_residentlink_code_hash", ["code_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("residentlink", schema=None) as batch_op:
        batch_op.drop_index("ix_residentlink_code_hash")
        batch_op.drop_column("code_hash")
