"""Residents' side (issue 17): the residents' outbox (letters and updates by email or post), print
batches for the post room, personal tracking links, photos sent with an online complaint, and the
public form's rate limits.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "printbatch",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", TEXT(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_table(
        "residentmessage",
        sa.Column("id", TEXT(length=200), nullable=False),
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("purpose", TEXT(), nullable=False),
        sa.Column("letter_id", TEXT(), nullable=True),
        sa.Column("recipient", TEXT(), nullable=False),
        sa.Column("recipient_id", TEXT(), nullable=False),
        sa.Column("name", TEXT(), nullable=False),
        sa.Column("channel", TEXT(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("subject", TEXT(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("large_print", sa.Boolean(), nullable=False),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", TEXT(), nullable=False),
        sa.Column("batch_id", TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["printbatch.id"]),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"]),
        sa.ForeignKeyConstraint(["reference"], ["complaint.reference"]),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("residentmessage", schema=None) as batch_op:
        batch_op.create_index("ix_residentmessage_reference", ["reference"], unique=False, if_not_exists=True)
        batch_op.create_index("ix_residentmessage_status_channel", ["status", "channel"], unique=False, if_not_exists=True)
    op.create_table(
        "residentlink",
        sa.Column("id", TEXT(), nullable=False),
        sa.Column("reference", TEXT(), nullable=False),
        sa.Column("person", TEXT(), nullable=False),
        sa.Column("person_id", TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["reference"], ["complaint.reference"]),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("residentlink", schema=None) as batch_op:
        batch_op.create_index("ix_residentlink_reference", ["reference"], unique=False, if_not_exists=True)
        batch_op.create_index("ix_residentlink_person_id", ["person_id"], unique=False, if_not_exists=True)
    op.create_table(
        "attachmentcontent",
        sa.Column("attachment_id", TEXT(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"]),
        sa.PrimaryKeyConstraint("attachment_id"),
        if_not_exists=True,
    )
    op.create_table(
        "publicratelimit",
        sa.Column("key", TEXT(length=200), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("publicratelimit")
    op.drop_table("attachmentcontent")
    with op.batch_alter_table("residentlink", schema=None) as batch_op:
        batch_op.drop_index("ix_residentlink_person_id")
        batch_op.drop_index("ix_residentlink_reference")
    op.drop_table("residentlink")
    with op.batch_alter_table("residentmessage", schema=None) as batch_op:
        batch_op.drop_index("ix_residentmessage_status_channel")
        batch_op.drop_index("ix_residentmessage_reference")
    op.drop_table("residentmessage")
    op.drop_table("printbatch")
