"""Search (issue 16 must-exist 2): each resident's normalised search keys (name words and whole name,
postcode, phone digits, email), looked up by equality on the primary key; existing residents backfilled.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    from models.search import resident_keys

    table = op.create_table(
        "residentsearchkey",
        sa.Column("key", TEXT(length=220), nullable=False),
        sa.Column("resident_id", TEXT(length=64), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("key", "resident_id"),
        if_not_exists=True,
    )
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, address, phone, email FROM resident")).all()
    keys = [
        {"key": key, "resident_id": r.id}
        for r in rows
        for key in resident_keys(r.name, r.address or "", r.phone or "", r.email or "")
    ]
    if keys and table is not None:
        op.bulk_insert(table, keys)


def downgrade() -> None:
    op.drop_table("residentsearchkey")
