"""The security audit log: who signed in, who failed, who was locked out, whose password, account or role
changed, which closure days were added or removed and which service requests converted or resolved, whose
data was exported or anonymised, and by whom. Append-only; an entry holds a username, the client address and a short fixed
description, never a password or anything about a resident."""

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

AUDIT_EVENTS = (
    "signed_in",
    "sign_in_failed",
    "sign_in_locked",
    "signed_out",
    "session_expired",
    "password_changed",
    "password_reset",
    "account_created",
    "account_deactivated",
    "account_reactivated",
    "role_changed",
    "email_changed",
    "closure_added",
    "closure_removed",
    "service_request_converted",
    "service_request_resolved",
    "subject_access_export",
    "resident_anonymised",
    "case_reassigned",
    "case_viewed",
    "report_exported",
)
CASE_EVENTS = ("case_viewed", "case_reassigned", "report_exported", "subject_access_export")
"""Who looked at which case, who moved it to whom, and what left the system as a file (issue 26)."""
ADMIN_EVENTS = (
    "account_created",
    "account_deactivated",
    "case_reassigned",
    "account_reactivated",
    "role_changed",
    "email_changed",
    "password_reset",
    "closure_added",
    "closure_removed",
    "service_request_converted",
    "service_request_resolved",
)
"""What an administrator (or, for service requests, a complaints handler) did: the audit page's first view."""


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    event: str = Field(max_length=40, index=True)
    username: str = Field(default="", max_length=64)
    """The account concerned (for a failed sign-in, the name as typed, cut to 64 characters)."""
    actor: str = Field(default="", max_length=32)
    """Who did it, when someone else did (the administrator who reset a password)."""
    address: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=200)


def audit(engine: Engine, event: str, username: str = "", actor: str = "", address: str = "", detail: str = "") -> None:
    if event not in AUDIT_EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    with Session(engine) as session:
        session.add(
            AuditEntry(
                at=datetime.now(timezone.utc),
                event=event,
                username=username[:64],
                actor=actor[:32],
                address=address[:64],
                detail=detail[:200],
            )
        )
        session.commit()


def audit_entries(
    engine: Engine, username: str | None = None, limit: int = 50, events: tuple[str, ...] | None = None, person: str | None = None
) -> list[AuditEntry]:
    """The newest entries first (about one account, or of some events, or by or about one `person`, if given)."""
    with Session(engine) as session:
        query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
        if username is not None:
            query = query.where(AuditEntry.username == username)
        if person is not None:
            query = query.where((AuditEntry.username == person) | (AuditEntry.actor == person))
        if events is not None:
            query = query.where(col(AuditEntry.event).in_(events))
        return list(session.exec(query))
