"""Case list indexes: one composite index per filter, each ending in the list's order
(next deadline, reference), replacing the single-column ones (docs/decisions.md 22, bench/README.md).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SINGLE = ["ix_case_handler", "ix_case_landlord", "ix_case_overdue", "ix_case_stage", "ix_case_state"]
COMPOSITE = {
    "ix_case_deadline": ["next_deadline", "reference"],
    "ix_case_stage_deadline": ["stage", "next_deadline", "reference"],
    "ix_case_state_deadline": ["state", "next_deadline", "reference"],
    "ix_case_handler_deadline": ["handler", "next_deadline", "reference"],
    "ix_case_handler_stage_deadline": ["handler", "stage", "next_deadline", "reference"],
    "ix_case_landlord_deadline": ["landlord", "next_deadline", "reference"],
    "ix_case_overdue_deadline": ["overdue", "next_deadline", "reference"],
}


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        for name in SINGLE:
            batch_op.drop_index(name, if_exists=True)
        for name, columns in COMPOSITE.items():
            batch_op.create_index(name, columns, unique=False, if_not_exists=True)


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        for name in COMPOSITE:
            batch_op.drop_index(name)
        for name in SINGLE:
            batch_op.create_index(name, [name.removeprefix("ix_case_")], unique=False)
