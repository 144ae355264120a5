"""Initial read model: case projection, outbox, calendar, case record.

Every create is IF NOT EXISTS, so a database made by `create_all` before Alembic (an old
`var/complaints.db`) is adopted: missing tables are added, existing ones kept.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("landlord", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("policy_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("handler", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
        if_not_exists=True,
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_handler"), ["handler"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_case_landlord"), ["landlord"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_case_overdue"), ["overdue"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_case_stage"), ["stage"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_case_state"), ["state"], unique=False, if_not_exists=True)

    op.create_table(
        "closureday",
        sa.Column("landlord", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("landlord", "day"),
        if_not_exists=True,
    )
    op.create_table(
        "knownbankholiday",
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("region", "day"),
        if_not_exists=True,
    )
    op.create_table(
        "resident",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("landlord", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("preferred_contact", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_landlord"), ["landlord"], unique=False, if_not_exists=True)

    op.create_table(
        "residentnote",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("residentnote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_residentnote_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "casedeadline",
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("extended_by", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["case.reference"],
        ),
        sa.PrimaryKeyConstraint("reference", "name"),
        if_not_exists=True,
    )
    op.create_table(
        "caseevent",
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["case.reference"],
        ),
        sa.PrimaryKeyConstraint("reference", "seq"),
        if_not_exists=True,
    )
    op.create_table(
        "notice",
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("landlord", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("deadline", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipients", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["case.reference"],
        ),
        sa.PrimaryKeyConstraint("idempotency_key"),
        if_not_exists=True,
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "representative",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("resident_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("relationship", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("consent_recorded_on", sa.Date(), nullable=True),
        sa.Column("consent_evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("representative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_representative_resident_id"), ["resident_id"], unique=False, if_not_exists=True)

    op.create_table(
        "servicerequest",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("landlord", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("resident_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("review_note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("converted_to", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("servicerequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_servicerequest_landlord"), ["landlord"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_servicerequest_status"), ["status"], unique=False, if_not_exists=True)

    op.create_table(
        "complaint",
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("intake_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("landlord", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("policy_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("resident_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("representative_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("desired_outcome", sa.Text(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("out_of_window", sa.Boolean(), nullable=False),
        sa.Column("service_request_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("linked_to", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["representative.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_request_id"],
            ["servicerequest.id"],
        ),
        sa.PrimaryKeyConstraint("reference"),
        sa.UniqueConstraint("intake_id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_category"), ["category"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_complaint_landlord"), ["landlord"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_complaint_linked_to"), ["linked_to"], unique=False, if_not_exists=True)
        batch_op.create_index(batch_op.f("ix_complaint_resident_id"), ["resident_id"], unique=False, if_not_exists=True)

    op.create_table(
        "adjustment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adjustment_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "attachment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uploaded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "definition",
        sa.Column("command_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("command_id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_definition_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "learningpoint",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("learningpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learningpoint_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "letter",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("command_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("command_id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "outstandingaction",
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("reference", "action_id"),
        if_not_exists=True,
    )
    op.create_table(
        "remedy",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("compensation_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("offset_against_arrears", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("remedy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remedy_reference"), ["reference"], unique=False, if_not_exists=True)

    op.create_table(
        "restriction",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["complaint.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    with op.batch_alter_table("restriction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restriction_reference"), ["reference"], unique=False, if_not_exists=True)


def downgrade() -> None:
    with op.batch_alter_table("restriction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restriction_reference"))

    op.drop_table("restriction")
    with op.batch_alter_table("remedy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remedy_reference"))

    op.drop_table("remedy")
    op.drop_table("outstandingaction")
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_reference"))

    op.drop_table("letter")
    with op.batch_alter_table("learningpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learningpoint_reference"))

    op.drop_table("learningpoint")
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definition_reference"))

    op.drop_table("definition")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_reference"))

    op.drop_table("attachment")
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adjustment_reference"))

    op.drop_table("adjustment")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_resident_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_linked_to"))
        batch_op.drop_index(batch_op.f("ix_complaint_landlord"))
        batch_op.drop_index(batch_op.f("ix_complaint_category"))

    op.drop_table("complaint")
    with op.batch_alter_table("servicerequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_servicerequest_status"))
        batch_op.drop_index(batch_op.f("ix_servicerequest_landlord"))

    op.drop_table("servicerequest")
    with op.batch_alter_table("representative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_representative_resident_id"))

    op.drop_table("representative")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_reference"))

    op.drop_table("notice")
    op.drop_table("caseevent")
    op.drop_table("casedeadline")
    with op.batch_alter_table("residentnote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_residentnote_reference"))

    op.drop_table("residentnote")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_landlord"))

    op.drop_table("resident")
    op.drop_table("knownbankholiday")
    op.drop_table("closureday")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_state"))
        batch_op.drop_index(batch_op.f("ix_case_stage"))
        batch_op.drop_index(batch_op.f("ix_case_overdue"))
        batch_op.drop_index(batch_op.f("ix_case_landlord"))
        batch_op.drop_index(batch_op.f("ix_case_handler"))

    op.drop_table("case")
