"""The case record: what a complaints team records and sends (Code 5.12's "full record"), in SQL tables.

Personal data lives only here (DESIGN.md principle 5): residents, representatives, the complaint's
words, definitions, letters. The workflow carries references to these rows (`definition_ref`,
`letter_ref`, `note_ref`, `reason_ref`), never their text. Rows written before a command is sent are keyed by the
command's id scoped to its case (`casework.command_ids.scoped_id`), so a retried command finds its row, a
rejected command's row is removed again, and the same id on another case never reaches this case's rows.

Code sections (quoted in seed 001): 1.x definitions and service requests, 2.x exclusions, 5.5 and 7.x
remedies and outstanding actions, 5.6 the complaint definition, 5.12 the full record, 5.14-5.15
reasonable adjustments and restrictions, 6.x stages and additional complaints.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Column, DateTime, LargeBinary, Text
from sqlmodel import Field, SQLModel

Channel = str
"""phone, email, letter, web, in_person, via_representative (validated by the intake model)."""


def _utc() -> Column:
    return Column(DateTime(timezone=True))


class Resident(SQLModel, table=True):
    """A resident who complains or asks for a service. Personal data: never in workflow payloads."""

    id: str = Field(primary_key=True)
    landlord: str = Field(index=True)
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    preferred_contact: str = ""
    created_at: datetime = Field(sa_column=_utc())


class Representative(SQLModel, table=True):
    """Someone acting for a resident (Code 1.x, 5.x); they may act only once consent is recorded."""

    id: str = Field(primary_key=True)
    resident_id: str = Field(index=True, foreign_key="resident.id")
    name: str
    relationship: str = ""
    contact: str = ""
    consent_recorded_on: date | None = None
    consent_evidence: str = ""


class Complaint(SQLModel, table=True):
    """What the resident said at intake, keyed by the case reference (the workflow's id).

    `intake_id` makes intake idempotent: filing the same intake twice returns the same reference."""

    reference: str = Field(primary_key=True)
    intake_id: str = Field(unique=True)
    landlord: str = Field(index=True)
    policy_id: str
    policy_version: int
    region: str
    resident_id: str | None = Field(default=None, index=True, foreign_key="resident.id")
    """None for an anonymous complaint (only where the profile accepts them)."""
    representative_id: str | None = Field(default=None, foreign_key="representative.id")
    channel: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    desired_outcome: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    category: str | None = Field(default=None, index=True)
    issue_date: date | None = None
    """When the matter complained about happened (Code 2.3's 12-month window counts from here)."""
    out_of_window: bool = False
    """The issue is older than the profile's window: flagged for an exclusion decision, never refused silently."""
    service_request_id: str | None = Field(default=None, foreign_key="servicerequest.id")
    linked_to: str | None = Field(default=None, index=True)
    """An earlier case this one is related to (an additional complaint that could not be merged, Code 6.x)."""
    received_at: datetime = Field(sa_column=_utc())


class Definition(SQLModel, table=True):
    """The complaint definition (Code 5.6), recorded at each stage's acknowledgement; additional complaints
    merged into the case add points (Code 6.x)."""

    command_id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    stage: int
    points: list = Field(default_factory=list, sa_column=Column(JSON))
    """The points of complaint, one sentence each; a response letter decides on every one."""
    recorded_at: datetime = Field(sa_column=_utc())
    kind: str = "definition"
    """definition (at acknowledgement) or additional (an additional complaint merged in)."""


class StaffReason(SQLModel, table=True):
    """Why staff extended, excluded or accepted a complaint out of its window, in their words: the workflow
    carries only this row's id (`reason_ref`, `good_reason_ref`), as it does a resident's note, so a reason
    naming the resident ("Mrs Example was in hospital") never reaches the history ops engineers read."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True)
    purpose: str
    """The command field it answers: extend.reason, extend.good_reason, exclude.reason, accept_outside_window.reason."""
    text: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(sa_column=_utc())


class ServiceRequest(SQLModel, table=True):
    """A request for a service (a repair), not a complaint (Code 1.x); converted when the resident asks
    or the matter needs investigation, and the complaint's clock starts at conversion."""

    id: str = Field(primary_key=True)
    landlord: str = Field(index=True)
    resident_id: str | None = Field(default=None, foreign_key="resident.id")
    channel: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(sa_column=_utc())
    status: str = Field(default="open", index=True)
    """open, resolved, or converted."""
    reviewed_on: date | None = None
    review_note: str = ""
    converted_to: str | None = None


class Letter(SQLModel, table=True):
    """A letter sent to the resident, rendered from the record and stored with the case."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    kind: str
    """acknowledgement, extension, stage1_response, stage2_response, exclusion."""
    stage: int
    command_id: str = Field(unique=True)
    content: dict = Field(default_factory=dict, sa_column=Column(JSON))
    html: str = Field(sa_column=Column(Text, nullable=False))
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    issued_at: datetime = Field(sa_column=_utc())


class OutstandingAction(SQLModel, table=True):
    """Something promised in a response, tracked until done (Code 5.5, 7.x); the case stays open meanwhile."""

    reference: str = Field(primary_key=True, foreign_key="complaint.reference")
    action_id: str = Field(primary_key=True)
    description: str
    owner: str
    target_on: date
    completed_on: date | None = None


class Remedy(SQLModel, table=True):
    """A remedy offered in a response (Code 7.x): apology, action, or compensation."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    stage: int
    kind: str
    """apology, action, compensation."""
    description: str = ""
    amount_pence: int = 0
    compensation_type: str = ""
    """discretionary, statutory, time_and_trouble, ... per the landlord's compensation approach."""
    offset_against_arrears: bool = False
    """Wolverhampton Homes may offset compensation against rent arrears (seed 002)."""
    band: str = ""
    """Compensation: the Ombudsman's remedies-guidance band it was offered in (Code 7.4)."""
    payment_id: str = ""
    """Compensation: the outstanding action its payment is tracked by until paid (its `completed_on`)."""


class LearningPoint(SQLModel, table=True):
    """What the landlord learnt from a case, for the annual report's service-improvement section."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    text: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(sa_column=_utc())
    root_cause: str | None = None
    """The root cause (models/taxonomy.py) this learning point answers, one of its response's root causes."""


class Attachment(SQLModel, table=True):
    """Metadata of a document kept with the case (the file itself lives in the document store)."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime = Field(sa_column=_utc())
    uploaded_by: str = ""


class Adjustment(SQLModel, table=True):
    """A reasonable adjustment (Code 5.x): format, contact method or timing, with a review date."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    kind: str
    """format, contact_method, timing."""
    details: str
    review_on: date
    reviewed_on: date | None = None


class Restriction(SQLModel, table=True):
    """An unacceptable-behaviour restriction (Code 5.14-5.15): reasons, scope and review date. It limits
    contact, never access to the complaint process."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    reasons: str
    scope: str
    review_on: date
    reviewed_on: date | None = None
    decided_by: str = ""


from models import search as _search  # noqa: E402,F401  every Resident write keeps its search keys (models/search.py)
