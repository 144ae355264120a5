"""Issue 26: residents are also found by their street and by how their name sounds (the keys of every
existing resident are recomputed with `models.search.resident_keys`); staff accounts have an email address
for their notices.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def _rewrite_keys(keys_of) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, address, phone, email FROM resident")).all()
    connection.execute(sa.text("DELETE FROM residentsearchkey"))
    keys = [{"key": key, "resident_id": r.id} for r in rows for key in sorted(keys_of(r))]
    if keys:
        connection.execute(sa.text("INSERT INTO residentsearchkey (key, resident_id) VALUES (:key, :resident_id)"), keys)


def upgrade() -> None:
    from models.search import resident_keys

    if "email" not in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("staffuser")}:
        with op.batch_alter_table("staffuser") as table:
            table.add_column(sa.Column("email", sa.String(length=200), nullable=False, server_default=""))
    _rewrite_keys(lambda r: resident_keys(r.name, r.address or "", r.phone or "", r.email or ""))


def downgrade() -> None:
    from models.search import resident_keys

    with op.batch_alter_table("staffuser") as table:
        table.drop_column("email")
    _rewrite_keys(
        lambda r: {
            k
            for k in resident_keys(r.name, r.address or "", r.phone or "", r.email or "")
            if not k.startswith(("street:", "sound:"))
        }
    )
