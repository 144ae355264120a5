"""Staff accounts for the web UI (accounts/users.py): username, name, role, argon2 hash, active flag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staffuser",
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username"),
        if_not_exists=True,
    )
    with op.batch_alter_table("staffuser", schema=None) as batch_op:
        batch_op.create_index("ix_staffuser_role", ["role"], unique=False, if_not_exists=True)


def downgrade() -> None:
    with op.batch_alter_table("staffuser", schema=None) as batch_op:
        batch_op.drop_index("ix_staffuser_role")
    op.drop_table("staffuser")
