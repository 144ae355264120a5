"""Intake: a new complaint as staff record it, its resident and representative, and its case started.

The personal-data rows (resident, representative, complaint text) are written to the case record
(models/record.py) under a fresh reference, then the workflow is started with references only (DESIGN.md
principle 5). Filing is idempotent by `intake_id`: a retried form gives back the same reference.
"""

from datetime import date, datetime, timezone
from typing import Literal
from uuid import uuid4

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from casework.errors import CommandRejected, temporal_unavailable
from casework.forms import Channel, Form, LongText, policy_profile
from casework.staff import check_case_staff
from casework.updates import case_summary, send_command
from models.clock import stored_utc
from models.calendar import local_date
from models.case import OUTSIDE_WINDOW, AwareDatetime, CaseInput, CaseSummary, DeadlineView, RecordConsent, received_problem
from models.input_text import contact_field, email_field
from models.policy import DEFAULT_PROFILE_ID, PolicyProfile
from models.record import Complaint, Representative, Resident, ServiceRequest
from models.taxonomy import ServiceArea
from workflows.complaint import ComplaintWorkflow


class ResidentDetails(Form):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=40, pattern=r"^[0-9+() -]*$")
    email: str = Field(default="", max_length=200)
    preferred_contact: str = Field(default="", max_length=100)

    _one_mailbox = field_validator("email")(email_field)

    @classmethod
    def of(cls, resident: Resident | None) -> "ResidentDetails | None":
        """The details on file, for a complaint filed from an earlier record (a converted service request,
        an additional complaint started as a new case); None for an anonymous one."""
        if resident is None:
            return None
        # Not checked again: they were accepted when recorded (the case page lists any that mail cannot use).
        return cls.model_construct(
            name=resident.name,
            address=resident.address,
            phone=resident.phone,
            email=resident.email,
            preferred_contact=resident.preferred_contact,
        )


class RepresentativeDetails(Form):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(default="", max_length=100)
    contact: str = Field(default="", max_length=200)
    consent_given: bool = False
    """The resident's consent is on file; without it the representative may not act (Code 1.x, 5.x)."""
    consent_evidence: str = Field(default="", max_length=200)

    _one_mailbox = field_validator("contact")(contact_field)


class Intake(Form):
    """A new complaint as staff record it (Code 5.12: the original complaint and the date received)."""

    intake_id: str = Field(default_factory=lambda: f"intake-{uuid4().hex}", min_length=1, max_length=100)
    """Makes filing idempotent: the same intake filed twice gives the same reference, one case."""
    policy: str = DEFAULT_PROFILE_ID
    region: Literal["ENG", "WLS", "SCT", "NIR"] = "ENG"
    channel: Channel
    resident: ResidentDetails | None = None
    """None: an anonymous complaint, accepted only where the policy accepts them."""
    representative: RepresentativeDetails | None = None
    text: str = LongText
    desired_outcome: str = Field(default="", max_length=5000)
    category: ServiceArea | None = None
    """The service area the complaint is about (models/taxonomy.py)."""
    issue_date: date | None = None
    received_at: AwareDatetime | None = None
    handler: str | None = Field(default=None, max_length=64)
    linked_to: str | None = None
    service_request_id: str | None = None


class Filed(BaseModel):
    reference: str
    created: bool
    """False when this intake had already been filed (a retried form)."""
    out_of_window: bool
    deadlines: tuple[DeadlineView, ...] = ()
    """The new case's deadlines as its workflow planned them, answered when it was filed."""


def _next_reference(session: Session, year: int) -> str:
    prefix = f"CMP-{year}-"
    last = session.exec(select(func.max(Complaint.reference)).where(col(Complaint.reference).like(f"{prefix}%"))).one()
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


async def file_complaint(client: Client, engine: Engine, intake: Intake, task_queue: str = "complaints") -> Filed:
    """Record the complaint and its resident, then start its workflow (idempotently, by intake_id)."""
    profile = policy_profile(intake.policy)
    received_at, outside = _admissible(engine, intake, profile)
    with Session(engine) as session:
        existing = session.exec(select(Complaint).where(Complaint.intake_id == intake.intake_id)).first()
        if existing is None:
            complaint = _record_intake(session, intake, profile, received_at, outside)
            reference, created = complaint.reference, True
        else:
            reference, created, outside = existing.reference, False, existing.out_of_window
            received_at = stored_utc(existing.received_at)
        representative_id = (existing or complaint).representative_id
    case = CaseInput(
        reference=reference,
        landlord=profile.id,
        policy_id=profile.id,
        policy_version=profile.version,
        region=intake.region,
        received_at=received_at,
        category=intake.category,
        flags=(OUTSIDE_WINDOW,) if outside else (),
        handler=intake.handler,
    )
    opened = await _opened_case(client, engine, case, created, task_queue)
    if representative_id and intake.representative and intake.representative.consent_given:
        await send_command(
            client,
            reference,
            "record_consent",
            RecordConsent(
                command_id=f"{intake.intake_id}-consent",
                representative_ref=representative_id,
                actor=intake.handler,
            ),
        )
    return Filed(reference=reference, created=created, out_of_window=outside, deadlines=opened.deadlines)


def _admissible(engine: Engine, intake: Intake, profile: PolicyProfile) -> tuple[datetime, bool]:
    """Refuse what the workflow or the policy would not take (CommandRejected, before anything is recorded);
    else when the complaint was received and whether its issue is outside the policy's complaint window."""
    if intake.handler is not None:
        check_case_staff(engine, intake.handler, "handler")
    if intake.resident is None and not profile.anonymous_complaints_accepted:
        raise CommandRejected("resident", f"{profile.landlord} does not accept anonymous complaints ({profile.id} policy)")
    received_at = intake.received_at or datetime.now(timezone.utc)
    problem = received_problem(received_at, datetime.now(timezone.utc))  # the workflow's own rule, asked first
    if problem is not None:
        raise CommandRejected(problem.field, problem.message)
    _check_links(engine, intake)
    received_on = local_date(received_at)
    if intake.issue_date is not None and intake.issue_date > received_on:
        raise CommandRejected("issue_date", "must not be after the date the complaint was received")
    outside = intake.issue_date is not None and profile.complaint_window.is_outside(intake.issue_date, received_on)
    return received_at, outside


async def _opened_case(client: Client, engine: Engine, case: CaseInput, created: bool, task_queue: str) -> CaseSummary:
    """Start the case's workflow (or find it running) and take its first answer, once it is in the read model.
    A complaint just recorded whose start never reached Temporal is unrecorded: no complaint without its case."""
    reference = case.reference
    start = WithStartWorkflowOperation(
        ComplaintWorkflow.run,
        case,
        id=reference,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    opened: CaseSummary
    try:  # one step: started (or found running) and its first answer, once it is in the read model
        opened = await client.execute_update_with_start_workflow(
            ComplaintWorkflow.opened,  # type: ignore[arg-type]  # temporalio types an async handler's result as its coroutine
            start_workflow_operation=start,
        )
    except WorkflowAlreadyStartedError:  # the form sent again after its case had ended
        opened = await case_summary(client, reference)
    except Exception as error:
        if created and temporal_unavailable(error):  # the start never arrived: no complaint without its case
            _unrecord(engine, reference)
        raise
    return opened


def _unrecord(engine: Engine, reference: str) -> None:
    """Remove the rows `_record_intake` wrote for a case whose workflow never started (all or nothing).
    A start that did reach Temporal but whose answer was lost is completed by sending the form again:
    the same intake id files the same reference."""
    with Session(engine) as session:
        complaint = session.get(Complaint, reference)
        if complaint is None:
            return
        session.delete(complaint)
        session.flush()
        if complaint.representative_id and (representative := session.get(Representative, complaint.representative_id)):
            session.delete(representative)
            session.flush()
        if complaint.resident_id and (resident := session.get(Resident, complaint.resident_id)):
            session.delete(resident)
        session.commit()


def _check_links(engine: Engine, intake: Intake) -> None:
    """A linked case and a service request are named only if they exist (DESIGN.md principle 10)."""
    with Session(engine) as session:
        if intake.linked_to is not None and session.get(Complaint, intake.linked_to) is None:
            raise CommandRejected(
                "linked_to", f"there is no case {intake.linked_to[:40]}; give the reference of an existing case"
            )
        if intake.service_request_id is not None:
            request = session.get(ServiceRequest, intake.service_request_id)
            if request is None:
                raise CommandRejected("service_request_id", f"there is no service request {intake.service_request_id[:40]}")


def _record_intake(session: Session, intake: Intake, profile: PolicyProfile, received_at: datetime, outside: bool) -> Complaint:
    """The resident, representative and complaint rows, in one transaction with a fresh reference."""
    resident_id = None
    if intake.resident is not None:
        resident_id = f"res-{uuid4().hex[:12]}"
        session.add(Resident(id=resident_id, landlord=profile.id, created_at=received_at, **intake.resident.model_dump()))
        session.flush()  # rows are inserted in the order written: the resident before what refers to it
    representative_id = None
    if intake.representative is not None:
        if resident_id is None:
            raise CommandRejected("representative", "an anonymous complaint cannot have a representative")
        representative = intake.representative
        representative_id = f"rep-{uuid4().hex[:12]}"
        session.add(
            Representative(
                id=representative_id,
                resident_id=resident_id,
                name=representative.name,
                relationship=representative.relationship,
                contact=representative.contact,
                consent_recorded_on=local_date(received_at) if representative.consent_given else None,
                consent_evidence=representative.consent_evidence,
            )
        )
        session.flush()
    complaint = Complaint(
        reference=_next_reference(session, local_date(received_at).year),
        intake_id=intake.intake_id,
        landlord=profile.id,
        policy_id=profile.id,
        policy_version=profile.version,
        region=intake.region,
        resident_id=resident_id,
        representative_id=representative_id,
        channel=intake.channel,
        text=intake.text,
        desired_outcome=intake.desired_outcome,
        category=intake.category,
        issue_date=intake.issue_date,
        out_of_window=outside,
        service_request_id=intake.service_request_id,
        linked_to=intake.linked_to,
        received_at=received_at,
    )
    session.add(complaint)
    session.commit()
    session.refresh(complaint)
    return complaint
