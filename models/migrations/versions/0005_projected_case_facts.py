"""The facts the workflow decides, projected with the case: the actions allowed now and the people who
took a stage-1 decision (Code 6.13). The web and the CLI read them instead of rebuilding lifecycle
conditions from record rows (DESIGN.md principle 8).

A case projected before this revision has empty lists until its next projection (nothing was released
before it, so no such case exists outside a developer's database). Idempotent like the earlier
revisions: a database made by `create_all` already has the columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("allowed_actions", "stage1_handlers")


def upgrade() -> None:
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("case")}
    with op.batch_alter_table("case", schema=None) as batch_op:
        for name in COLUMNS:
            if name not in existing:
                batch_op.add_column(sa.Column(name, sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
