"""Why complaints happen and what the governing body sees (issue 19): root causes recorded at each
response, learning points linked to one, compensation offered in a band of the Ombudsman's remedies
guidance and tracked to paid, and the governing body's response to the annual report (Code 8.2).

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "responserootcause",
        sa.Column("command_id", TEXT(), nullable=False),
        sa.Column("code", TEXT(), nullable=False),
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["reference"], ["complaint.reference"]),
        sa.PrimaryKeyConstraint("command_id", "code"),
        if_not_exists=True,
    )
    with op.batch_alter_table("responserootcause", schema=None) as batch_op:
        batch_op.create_index("ix_responserootcause_reference", ["reference"], unique=False, if_not_exists=True)
    op.create_table(
        "governingbodyresponse",
        sa.Column("landlord", TEXT(), nullable=False),
        sa.Column("year", TEXT(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", TEXT(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("landlord", "year"),
        if_not_exists=True,
    )
    _add_missing("learningpoint", [sa.Column("root_cause", TEXT(), nullable=True)])
    _add_missing(
        "remedy",
        [
            sa.Column("band", TEXT(), nullable=False, server_default=""),
            sa.Column("payment_id", TEXT(), nullable=False, server_default=""),
        ],
    )


def _add_missing(table: str, columns: list[sa.Column]) -> None:
    """Add the columns a database made by create_all before this revision lacks (as 0005 does)."""
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            if column.name not in existing:
                batch_op.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("remedy", schema=None) as batch_op:
        batch_op.drop_column("payment_id")
        batch_op.drop_column("band")
    with op.batch_alter_table("learningpoint", schema=None) as batch_op:
        batch_op.drop_column("root_cause")
    op.drop_table("governingbodyresponse")
    with op.batch_alter_table("responserootcause", schema=None) as batch_op:
        batch_op.drop_index("ix_responserootcause_reference")
    op.drop_table("responserootcause")
