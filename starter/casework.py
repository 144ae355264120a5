"""Casework: the service layer every way in (CLI, web) uses to file complaints and act on cases.

It validates what staff typed (naming the field and the rule), writes the personal-data rows of the case
record (models/record.py) keyed by the command's id, and sends the workflow Update that decides. If the
workflow refuses, the rows written for that command are removed again, so a refusal leaves nothing half
written. The workflow never sees the text: only references to these rows (DESIGN.md principle 5).
"""

import asyncio
import hashlib
from datetime import date, datetime, timezone
from typing import Any, Literal
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities import letters
from models.letters import (
    AcknowledgementLetter,
    Decision,
    ExclusionLetter,
    ExtensionLetter,
    Landlord,
    LetterBase,
    LetterIncomplete,
    PendingAction,
    RemedyOffer,
    ResponseLetter,
)
from models.case import COMMANDS, OUTSIDE_WINDOW, AwareDatetime, CaseInput, CaseSummary, Outcome, PromisedAction
from models.policy import PolicyError, PolicyProfile, load_profile
from models.refusal import refusal_of
from models.record import (
    Adjustment,
    Attachment,
    Complaint,
    Definition,
    LearningPoint,
    Letter,
    OutstandingAction,
    Remedy,
    Representative,
    Resident,
    Restriction,
    ServiceRequest,
)
from models.tables import Case, CaseDeadline, CaseEvent, Notice, ResidentNote
from workflows.complaint import ComplaintWorkflow
from models.calendar import local_date
from workflows.lifecycle import ActionNotAllowed, describe

Role = Literal["handler", "complaints_manager", "stage2_reviewer", "auditor", "administrator"]
Channel = Literal["phone", "email", "letter", "web", "in_person", "via_representative"]
ShortText = Field(min_length=1, max_length=200)
LongText = Field(min_length=1, max_length=10_000)


class Actor(BaseModel):
    """Who is acting: their username is recorded on every event; their role decides what they may do."""

    username: str = Field(min_length=1, max_length=64)
    role: Role


class CommandRejected(Exception):
    """An action refused before it changed anything; `field` names what to correct (None: the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class UnknownCase(LookupError):
    def __init__(self, reference: str):
        super().__init__(f"no complaint with reference {reference!r}")
        self.reference = reference


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---- intake -----------------------------------------------------------------------------------


class ResidentDetails(Form):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=40, pattern=r"^[0-9+() -]*$")
    email: str = Field(default="", max_length=200, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    preferred_contact: str = Field(default="", max_length=100)


class RepresentativeDetails(Form):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(default="", max_length=100)
    contact: str = Field(default="", max_length=200)
    consent_given: bool = False
    """The resident's consent is on file; without it the representative may not act (Code 1.x, 5.x)."""
    consent_evidence: str = Field(default="", max_length=200)


class Intake(Form):
    """A new complaint as staff record it (Code 5.12: the original complaint and the date received)."""

    intake_id: str = Field(default_factory=lambda: f"intake-{uuid4().hex}", min_length=1, max_length=100)
    """Makes filing idempotent: the same intake filed twice gives the same reference, one case."""
    policy: str = "code-2024"
    region: Literal["ENG", "WLS", "SCT", "NIR"] = "ENG"
    channel: Channel
    resident: ResidentDetails | None = None
    """None: an anonymous complaint, accepted only where the policy accepts them."""
    representative: RepresentativeDetails | None = None
    text: str = LongText
    desired_outcome: str = Field(default="", max_length=5000)
    category: str | None = Field(default=None, max_length=64)
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


def _profile(policy: str) -> PolicyProfile:
    try:
        return load_profile(policy)
    except PolicyError as err:
        raise CommandRejected("policy", str(err)) from None


def _next_reference(session: Session, year: int) -> str:
    prefix = f"CMP-{year}-"
    last = session.exec(select(func.max(Complaint.reference)).where(Complaint.reference.like(f"{prefix}%"))).one()
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


async def file_complaint(client: Client, engine: Engine, intake: Intake, task_queue: str = "complaints") -> Filed:
    """Record the complaint and its resident, then start its workflow (idempotently, by intake_id)."""
    profile = _profile(intake.policy)
    if intake.resident is None and not profile.anonymous_complaints_accepted:
        raise CommandRejected("resident", f"{profile.landlord} does not accept anonymous complaints ({profile.id} policy)")
    received_at = intake.received_at or datetime.now(timezone.utc)
    received_on = local_date(received_at)
    if intake.issue_date is not None and intake.issue_date > received_on:
        raise CommandRejected("issue_date", "must not be after the date the complaint was received")
    outside = intake.issue_date is not None and profile.complaint_window.is_outside(intake.issue_date, received_on)
    with Session(engine) as session:
        existing = session.exec(select(Complaint).where(Complaint.intake_id == intake.intake_id)).first()
        if existing is None:
            complaint = _record_intake(session, intake, profile, received_at, outside)
            reference, created = complaint.reference, True
        else:
            reference, created, outside = existing.reference, False, existing.out_of_window
            received_at = _aware(existing.received_at)
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
    try:
        await client.start_workflow(ComplaintWorkflow.run, case, id=reference, task_queue=task_queue)
    except WorkflowAlreadyStartedError:
        pass
    if representative_id and intake.representative and intake.representative.consent_given:
        await _send(client, reference, "record_consent", COMMANDS["record_consent"](
            command_id=f"{intake.intake_id}-consent", representative_ref=representative_id, actor=intake.handler,
        ))
    return Filed(reference=reference, created=created, out_of_window=outside)


def _aware(instant: datetime) -> datetime:
    """SQLite hands back stored instants without their zone; they were stored in UTC."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=timezone.utc)


def _record_intake(
    session: Session, intake: Intake, profile: PolicyProfile, received_at: datetime, outside: bool
) -> Complaint:
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
        session.add(Representative(
            id=representative_id, resident_id=resident_id, name=representative.name,
            relationship=representative.relationship, contact=representative.contact,
            consent_recorded_on=local_date(received_at) if representative.consent_given else None,
            consent_evidence=representative.consent_evidence,
        ))
        session.flush()
    complaint = Complaint(
        reference=_next_reference(session, local_date(received_at).year),
        intake_id=intake.intake_id, landlord=profile.id, policy_id=profile.id, policy_version=profile.version,
        region=intake.region, resident_id=resident_id, representative_id=representative_id, channel=intake.channel,
        text=intake.text, desired_outcome=intake.desired_outcome, category=intake.category,
        issue_date=intake.issue_date, out_of_window=outside, service_request_id=intake.service_request_id,
        linked_to=intake.linked_to, received_at=received_at,
    )
    session.add(complaint)
    session.commit()
    session.refresh(complaint)
    return complaint


# ---- service requests ---------------------------------------------------------------------------


class ServiceRequestIntake(Form):
    policy: str = "code-2024"
    channel: Channel
    resident: ResidentDetails | None = None
    text: str = LongText
    received_at: AwareDatetime | None = None


def record_service_request(engine: Engine, request: ServiceRequestIntake) -> str:
    """A service request is recorded and reviewed, not treated as a complaint (Code 1.2-1.3)."""
    profile = _profile(request.policy)
    received_at = request.received_at or datetime.now(timezone.utc)
    with Session(engine) as session:
        resident_id = None
        if request.resident is not None:
            resident_id = f"res-{uuid4().hex[:12]}"
            session.add(Resident(id=resident_id, landlord=profile.id, created_at=received_at,
                                 **request.resident.model_dump()))
            session.flush()
        request_id = f"SR-{local_date(received_at).year}-{uuid4().hex[:8]}"
        session.add(ServiceRequest(id=request_id, landlord=profile.id, resident_id=resident_id,
                                   channel=request.channel, text=request.text, received_at=received_at))
        session.commit()
    return request_id


def review_service_request(engine: Engine, request_id: str, note: str, resolved: bool, on: date) -> None:
    with Session(engine) as session:
        request = session.get(ServiceRequest, request_id)
        if request is None:
            raise CommandRejected("request_id", f"no service request {request_id!r}")
        request.reviewed_on, request.review_note = on, note
        if resolved and request.status == "open":
            request.status = "resolved"
        session.add(request)
        session.commit()


async def convert_service_request(
    client: Client, engine: Engine, request_id: str, policy: str, task_queue: str = "complaints",
    at: datetime | None = None,
) -> Filed:
    """The resident is dissatisfied, or the matter needs investigating: it becomes a complaint whose
    clock starts now, at conversion (Code 1.3)."""
    with Session(engine) as session:
        request = session.get(ServiceRequest, request_id)
        if request is None:
            raise CommandRejected("request_id", f"no service request {request_id!r}")
        resident = session.get(Resident, request.resident_id) if request.resident_id else None
    details = None
    if resident is not None:
        details = ResidentDetails(name=resident.name, address=resident.address, phone=resident.phone,
                                  email=resident.email, preferred_contact=resident.preferred_contact)
    filed = await file_complaint(client, engine, Intake(
        intake_id=f"convert-{request_id}", policy=policy, channel=request.channel, resident=details,
        text=request.text, received_at=at or datetime.now(timezone.utc), service_request_id=request_id,
    ), task_queue)
    with Session(engine) as session:
        request = session.get(ServiceRequest, request_id)
        request.status, request.converted_to = "converted", filed.reference
        session.add(request)
        session.commit()
    return filed


# ---- staff actions ----------------------------------------------------------------------------------


class AcknowledgeForm(Form):
    points: list[str] = Field(min_length=1, max_length=20, description="The complaint definition: one point per line (Code 5.6).")
    outcomes_sought: str = Field(default="", max_length=2000, description="The outcomes the resident is seeking.")

    @field_validator("points")
    @classmethod
    def _points_said(cls, points: list[str]) -> list[str]:
        points = [p.strip() for p in points if p.strip()]
        if not points:
            raise ValueError("give at least one point of complaint")
        if any(len(p) > 500 for p in points):
            raise ValueError("each point must be at most 500 characters")
        return points


class ExtendForm(Form):
    working_days: int = Field(ge=1, le=60)
    reason: str = ShortText
    agreed_with_resident: bool = False


class DecisionInput(Form):
    point: int = Field(ge=1, le=40, description="The number of the point in the complaint definition.")
    upheld: bool
    reasons: str = Field(min_length=1, max_length=5000)


class RemedyInput(Form):
    kind: Literal["apology", "action", "compensation"]
    description: str = Field(default="", max_length=1000)
    amount_pence: int = Field(default=0, ge=0, le=10_000_000)
    compensation_type: str = Field(default="", max_length=64)
    offset_against_arrears: bool = False


class ActionInput(Form):
    description: str = Field(min_length=1, max_length=1000)
    owner: str = Field(min_length=1, max_length=64)
    target_on: date


class RespondForm(Form):
    """The response letter's contents; the letter is checked against Code 6.7/6.9/6.19 before it is sent."""

    outcome: Outcome
    decisions: list[DecisionInput] = Field(default=[], max_length=40)
    remedies: list[RemedyInput] = Field(default=[], max_length=20)
    actions: list[ActionInput] = Field(default=[], max_length=20)
    learning: str = Field(default="", max_length=5000)


class RequestStage2Form(Form):
    """No reasons asked: Code 6.12 says residents need not explain why they want stage 2."""

    on_behalf_of: str | None = Field(default=None, max_length=100)


class ResidentInputForm(Form):
    note: str = LongText
    on_behalf_of: str | None = Field(default=None, max_length=100)


class WithdrawForm(Form):
    on_behalf_of: str | None = Field(default=None, max_length=100)


class ExcludeForm(Form):
    ground: str = Field(min_length=1, max_length=64, description="One of the policy's exclusion grounds (Code 2.2).")
    reason: str = ShortText


class EmptyForm(Form):
    pass


class AssignForm(Form):
    handler: str = Field(min_length=1, max_length=64)


class AddComplaintForm(Form):
    points: list[str] = Field(min_length=1, max_length=20)
    related: bool = True
    """Related and before the response: joins this case (Code 6.8); otherwise a new linked case."""
    text: str = Field(default="", max_length=10_000)


class CompleteActionForm(Form):
    action_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")


class AdjustmentForm(Form):
    kind: Literal["format", "contact_method", "timing"]
    details: str = ShortText
    review_on: date


class RestrictionForm(Form):
    reasons: str = Field(min_length=1, max_length=2000)
    scope: str = ShortText
    review_on: date


class ReviewForm(Form):
    review_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    next_review_on: date | None = None


class ConsentForm(Form):
    representative_id: str = Field(min_length=1, max_length=100)
    given: bool = True


class OutsideWindowForm(Form):
    exception: str = Field(min_length=1, max_length=64)
    reason: str = ShortText


ACTION_FORMS: dict[str, type[Form]] = {
    "log_stage1": EmptyForm,
    "accept_outside_window": OutsideWindowForm,
    "acknowledge": AcknowledgeForm,
    "extend": ExtendForm,
    "respond": RespondForm,
    "request_stage2": RequestStage2Form,
    "close": EmptyForm,
    "withdraw": WithdrawForm,
    "exclude": ExcludeForm,
    "resident_input": ResidentInputForm,
    "assign": AssignForm,
    "add_complaint": AddComplaintForm,
    "complete_action": CompleteActionForm,
    "record_adjustment": AdjustmentForm,
    "record_restriction": RestrictionForm,
    "record_review": ReviewForm,
    "record_consent": ConsentForm,
}
"""The fields staff fill in for each action (the UI renders a form per allowed action from these)."""

LIFECYCLE_ACTION = {"record_adjustment": "schedule_review", "record_restriction": "schedule_review"}
"""Form actions that are a lifecycle action under another name; every other form is its own action."""

ROLES: dict[Role, frozenset[str]] = {
    "complaints_manager": frozenset(ACTION_FORMS),
    "handler": frozenset(ACTION_FORMS) - {"assign"},
    "stage2_reviewer": frozenset(ACTION_FORMS) - {"assign", "log_stage1", "accept_outside_window"},
    "auditor": frozenset(),
    "administrator": frozenset(),
}
"""Who may take which action: managers assign; auditors and administrators read cases but do not act."""


def forms_allowed(allowed_actions: list[str] | tuple[str, ...], role: Role) -> list[str]:
    """The forms to offer: those whose lifecycle action is allowed now and the role may take."""
    return [
        name for name in ACTION_FORMS
        if LIFECYCLE_ACTION.get(name, name) in allowed_actions and name in ROLES[role]
    ]


def parse_form(action: str, form: dict[str, Any]) -> Form:
    """Validate a form; the first problem becomes a CommandRejected naming the field and the rule."""
    if action not in ACTION_FORMS:
        raise CommandRejected("action", f"unknown action {action!r}; actions are: {', '.join(ACTION_FORMS)}")
    try:
        return ACTION_FORMS[action].model_validate(form)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise CommandRejected(field, first["msg"].removeprefix("Value error, ")) from None


async def act(
    client: Client, engine: Engine, reference: str, action: str, form: dict[str, Any], actor: Actor,
    command_id: str, task_queue: str = "complaints",
) -> CaseSummary:
    """Take one staff action on a case. A refusal raises CommandRejected and leaves nothing behind."""
    parsed = parse_form(action, form)
    if action not in ROLES[actor.role]:
        role = actor.role.replace("_", " ")
        raise CommandRejected(None, f"{'an' if role[0] in 'aeiou' else 'a'} {role} may not {action.replace('_', ' ')}")
    with Session(engine) as session:
        complaint = session.get(Complaint, reference)
        if complaint is None:
            raise UnknownCase(reference)
        profile = _profile(complaint.policy_id)
        if isinstance(parsed, AddComplaintForm) and not parsed.related:
            return await _file_linked(client, engine, complaint, parsed, command_id, task_queue)
        rows, payload = _prepare(session, complaint, profile, action, parsed, actor, command_id)
        stage = _stage(session, reference)
        due_before = _due(session, reference, f"stage{stage}.respond")
    letter = _decision_letter(engine, complaint, profile, parsed, stage, actor) if action in ("respond", "exclude") else None
    if letter is not None:
        await asyncio.to_thread(letters.store_letter, engine, reference, command_id, letter)
        if letter.kind == "response":
            payload["letter_ref"] = command_id
    with Session(engine) as session:
        # A repeated command id finds the rows of its first attempt and keeps them.
        fresh = [row for row in rows if session.get(type(row), _key(row_key(row))) is None]
        session.add_all(fresh)
        session.commit()
        keys = [(type(row), row_key(row)) for row in fresh]
    lifecycle_action = LIFECYCLE_ACTION.get(action, action)
    command = COMMANDS[lifecycle_action](command_id=command_id, actor=actor.username, **payload)
    try:
        summary = await _send(client, reference, lifecycle_action, command)
    except CommandRejected as refusal:
        _remove(engine, keys)
        letters.withdraw_letter(engine, command_id)
        if action == "add_complaint" and "add_complaint is not allowed" in refusal.message:
            return await _file_linked(client, engine, complaint, parsed, command_id, task_queue)
        raise
    except BaseException:
        _remove(engine, keys)
        letters.withdraw_letter(engine, command_id)
        raise
    _settle_rows(engine, reference, parsed, summary)
    notice = _notice_letter(engine, complaint, profile, parsed, stage, summary, due_before, actor)
    if notice is not None:
        await asyncio.to_thread(letters.store_letter, engine, reference, command_id, notice)
    return summary


def _settle_rows(engine: Engine, reference: str, form: Form, summary: CaseSummary) -> None:
    """Mark a completed action done, and a reviewed adjustment or restriction reviewed, in the record."""
    on = summary.last_event.at.date() if summary.last_event else local_date(datetime.now(timezone.utc))
    with Session(engine) as session:
        if isinstance(form, CompleteActionForm):
            action = session.get(OutstandingAction, (reference, form.action_id))
            if action is not None:
                action.completed_on = local_date(summary.last_event.at) if summary.last_event else on
                session.add(action)
        if isinstance(form, ReviewForm):
            for model in (Adjustment, Restriction):
                reviewed = session.get(model, form.review_id)
                if reviewed is not None and reviewed.reference == reference:
                    reviewed.reviewed_on = on
                    if form.next_review_on is not None:
                        reviewed.review_on, reviewed.reviewed_on = form.next_review_on, None
                    session.add(reviewed)
        session.commit()


def _decision_letter(
    engine: Engine, complaint: Complaint, profile: PolicyProfile, form: Form, stage: int, actor: Actor
) -> LetterBase | None:
    """The response or exclusion letter, checked against the Code before the action is sent: an
    incomplete letter refuses the action, naming what is missing."""
    common = dict(reference=complaint.reference, landlord=Landlord.from_profile(profile),
                  addressee=letters.addressee_of(engine, complaint.reference),
                  issued_on=local_date(datetime.now(timezone.utc)), signed_by=actor.username)
    try:
        if isinstance(form, RespondForm):
            letter: LetterBase = ResponseLetter(
                **common, stage=stage, definition=letters.definition_of(engine, complaint.reference, stage),
                outcome_sought=complaint.desired_outcome,
                decisions=[Decision(point=d.point, finding="upheld" if d.upheld else "not_upheld", reasons=d.reasons)
                           for d in form.decisions],
                outcome=form.outcome,
                remedies=[RemedyOffer(**r.model_dump()) for r in form.remedies],
                outstanding_actions=[PendingAction(action_id=f"s{stage}-{number}", **a.model_dump())
                                     for number, a in enumerate(form.actions, start=1)],
                learning=[form.learning] if form.learning else [],
                stage2_how=STAGE2_HOW if stage == 1 else "",
            )
        elif isinstance(form, ExcludeForm):
            letter = ExclusionLetter(**common, stage=stage if stage == 2 else 1, ground=form.ground, reason=form.reason)
        else:
            return None
        letters.check_letter(letter)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise CommandRejected("letter", first["msg"].removeprefix("Value error, ")) from None
    except LetterIncomplete as err:
        raise CommandRejected("letter", str(err)) from None
    return letter


def _notice_letter(
    engine: Engine, complaint: Complaint, profile: PolicyProfile, form: Form, stage: int, summary: CaseSummary,
    due_before: date | None, actor: Actor,
) -> LetterBase | None:
    """The acknowledgement and extension letters, written once the workflow has set the new dates."""
    due = {d.name: d.due for d in summary.deadlines}
    common = dict(reference=complaint.reference, landlord=Landlord.from_profile(profile),
                  addressee=letters.addressee_of(engine, complaint.reference),
                  issued_on=local_date(datetime.now(timezone.utc)), signed_by=actor.username)
    if isinstance(form, AcknowledgeForm):
        return AcknowledgementLetter(
            **common, stage=summary.stage, received_on=local_date(complaint.received_at),
            definition=letters.definition_of(engine, complaint.reference, summary.stage),
            outcome_sought=form.outcomes_sought or complaint.desired_outcome,
            response_due=due.get(f"stage{summary.stage}.respond"),
        )
    if isinstance(form, ExtendForm):
        return ExtensionLetter(
            **common, stage=stage, previous_due=due_before or due[f"stage{stage}.respond"],
            new_due=due[f"stage{stage}.respond"], working_days=form.working_days, reason=form.reason,
            agreed_with_resident=form.agreed_with_resident,
        )
    return None


STAGE2_HOW = ("If you are not satisfied, reply to this letter, phone or email us and ask for your complaint "
              "to go to stage 2. You do not need to give reasons.")


def _due(session: Session, reference: str, name: str) -> date | None:
    row = session.get(CaseDeadline, (reference, name))
    return row.due if row is not None else None


def _prepare(
    session: Session, complaint: Complaint, profile: PolicyProfile, action: str, form: Form, actor: Actor,
    command_id: str,
) -> tuple[list[SQLModel], dict[str, Any]]:
    """The case-record rows a command writes, and the workflow payload that refers to them."""
    now = datetime.now(timezone.utc)
    reference = complaint.reference
    rows: list[SQLModel] = []
    payload: dict[str, Any] = {}
    if isinstance(form, AcknowledgeForm):
        rows.append(Definition(command_id=command_id, reference=reference, stage=_stage(session, reference), points=form.points,
                               recorded_at=now))
        payload["definition_ref"] = command_id
    elif isinstance(form, AddComplaintForm):
        rows.append(Definition(command_id=command_id, reference=reference, stage=_stage(session, reference), points=form.points,
                               recorded_at=now, kind="additional"))
        payload["definition_ref"] = command_id
    elif isinstance(form, ExtendForm):
        payload.update(form.model_dump())
    elif isinstance(form, RespondForm):
        stage = _stage(session, reference)
        payload.update(outcome=form.outcome, actions=[
            PromisedAction(action_id=f"s{stage}-{number}", target_on=a.target_on)
            for number, a in enumerate(form.actions, start=1)
        ])
    elif isinstance(form, ResidentInputForm):
        rows.append(ResidentNote(id=f"note-{command_id}", reference=reference, at=now, text=form.note))
        payload.update(note_ref=f"note-{command_id}", on_behalf_of=form.on_behalf_of)
    elif isinstance(form, ExcludeForm):
        if form.ground not in profile.exclusion_grounds:
            raise CommandRejected("ground", f"must be one of {profile.id}'s exclusion grounds: "
                                            f"{', '.join(profile.exclusion_grounds)}")
        payload.update(form.model_dump())
    elif isinstance(form, AdjustmentForm):
        review_id = f"adj-{_short(command_id)}"
        rows.append(Adjustment(id=review_id, reference=reference, kind=form.kind, details=form.details,
                               review_on=form.review_on))
        payload.update(review_id=review_id, kind="adjustment", review_on=form.review_on)
    elif isinstance(form, RestrictionForm):
        review_id = f"res-{_short(command_id)}"
        rows.append(Restriction(id=review_id, reference=reference, reasons=form.reasons, scope=form.scope,
                                review_on=form.review_on, decided_by=actor.username))
        payload.update(review_id=review_id, kind="restriction", review_on=form.review_on)
    elif isinstance(form, ConsentForm):
        representative = session.get(Representative, form.representative_id)
        if representative is None or representative.resident_id != complaint.resident_id:
            raise CommandRejected("representative_id", f"no representative {form.representative_id!r} for this resident")
        payload.update(representative_ref=form.representative_id, given=form.given)
    else:
        payload.update(form.model_dump(exclude_none=True))
    return rows, payload


def _stage(session: Session, reference: str) -> int:
    """The case's current formal stage as last projected (1 until the first projection)."""
    case = session.get(Case, reference)
    return max(case.stage, 1) if case is not None else 1


def _short(command_id: str) -> str:
    return hashlib.sha256(command_id.encode()).hexdigest()[:12]


def _key(key: tuple):
    return key if len(key) > 1 else key[0]


def row_key(row: SQLModel) -> tuple:
    mapper = row.__class__.__table__.primary_key.columns
    return tuple(getattr(row, column.name) for column in mapper)


def _remove(engine: Engine, keys: list[tuple[type[SQLModel], tuple]]) -> None:
    with Session(engine) as session:
        for model, key in keys:
            row = session.get(model, _key(key))
            if row is not None:
                session.delete(row)
        session.commit()


async def _file_linked(
    client: Client, engine: Engine, complaint: Complaint, form: Form, command_id: str, task_queue: str
) -> CaseSummary:
    """An additional complaint that is unrelated or comes after the response: a new case, linked (Code 6.8)."""
    assert isinstance(form, AddComplaintForm)
    with Session(engine) as session:
        resident = session.get(Resident, complaint.resident_id) if complaint.resident_id else None
    details = None if resident is None else ResidentDetails(
        name=resident.name, address=resident.address, phone=resident.phone, email=resident.email,
        preferred_contact=resident.preferred_contact)
    filed = await file_complaint(client, engine, Intake(
        intake_id=f"additional-{command_id}", policy=complaint.policy_id, region=complaint.region,
        channel=complaint.channel if complaint.channel in Channel.__args__ else "phone", resident=details,
        text=form.text or "\n".join(form.points), linked_to=complaint.reference,
    ), task_queue)
    return await case_summary(client, filed.reference)


async def case_summary(client: Client, reference: str) -> CaseSummary:
    handle = client.get_workflow_handle(reference)
    view = await handle.query(ComplaintWorkflow.case)
    return CaseSummary(
        reference=view.reference, state=view.state, stage=view.stage, deadlines=view.deadlines,
        allowed_actions=view.allowed_actions, late_stage2_request=view.late_stage2_request,
        last_event=view.events[-1] if view.events else None,
    )


async def _send(client: Client, reference: str, action: str, command: Any) -> CaseSummary:
    """Send the Update; the workflow's refusal comes back as CommandRejected naming the field."""
    handle = client.get_workflow_handle(reference)
    try:
        return await handle.execute_update(action, command, result_type=CaseSummary)
    except WorkflowUpdateFailedError as err:
        refusal = refusal_of(err)
        if refusal is None:
            raise
        raise CommandRejected(None if refusal.field == "action" else refusal.field, refusal.message) from None
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            view = await handle.query(ComplaintWorkflow.case)
            raise CommandRejected(None, _finished(view.state, action)) from None
        raise


def _finished(state: str, action: str) -> str:
    return f"{action} is not allowed: the complaint is {describe(state)} and its case has ended"


# ---- reading the record -----------------------------------------------------------------------------


class CaseRecord(BaseModel):
    """Everything a complaints team holds on one case: the record and the process as projected."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    complaint: Complaint
    resident: Resident | None
    representative: Representative | None
    case: Case | None
    """None until the workflow's first projection lands (a second or so after filing)."""
    deadlines: list[CaseDeadline]
    events: list[CaseEvent]
    definitions: list[Definition]
    letters: list[Letter]
    actions: list[OutstandingAction]
    remedies: list[Remedy]
    learning: list[LearningPoint]
    notes: list[ResidentNote]
    notices: list[Notice]
    adjustments: list[Adjustment]
    restrictions: list[Restriction]
    attachments: list[Attachment]
    linked: list[str]
    """References of cases linked to this one (additional complaints started as new cases, Code 6.8)."""


def case_record(engine: Engine, reference: str) -> CaseRecord:
    """The whole record of a case, for `complaints show` and the case page; raises UnknownCase."""
    with Session(engine) as session:
        complaint = session.get(Complaint, reference)
        if complaint is None:
            raise UnknownCase(reference)

        def rows(model, *order):
            return list(session.exec(select(model).where(model.reference == reference).order_by(*order)).all())

        events = rows(CaseEvent, CaseEvent.seq)
        accepted = {e.details.get("definition_ref") for e in events} | {e.details.get("command_id") for e in events}
        record = CaseRecord(
            complaint=complaint,
            resident=session.get(Resident, complaint.resident_id) if complaint.resident_id else None,
            representative=session.get(Representative, complaint.representative_id)
            if complaint.representative_id else None,
            case=session.get(Case, reference),
            deadlines=rows(CaseDeadline, CaseDeadline.due),
            events=events,
            definitions=[d for d in rows(Definition, Definition.recorded_at) if d.command_id in accepted],
            letters=rows(Letter, Letter.issued_at),
            actions=rows(OutstandingAction, OutstandingAction.target_on),
            remedies=rows(Remedy, Remedy.id),
            learning=rows(LearningPoint, LearningPoint.recorded_at),
            notes=rows(ResidentNote, ResidentNote.at),
            notices=rows(Notice, Notice.at),
            adjustments=rows(Adjustment, Adjustment.review_on),
            restrictions=rows(Restriction, Restriction.review_on),
            attachments=rows(Attachment, Attachment.uploaded_at),
            linked=list(session.exec(select(Complaint.reference).where(Complaint.linked_to == reference)).all()),
        )
        session.expunge_all()
        return record


def attach(engine: Engine, reference: str, filename: str, content_type: str, data: bytes, by: str) -> Attachment:
    """Record a document's metadata with the case (Code 5.12: supporting documentation); the bytes go
    to the landlord's document store, identified by their SHA-256."""
    if not filename.strip() or len(filename) > 200:
        raise CommandRejected("filename", "must be 1 to 200 characters")
    with Session(engine) as session:
        if session.get(Complaint, reference) is None:
            raise UnknownCase(reference)
        digest = hashlib.sha256(data).hexdigest()
        row = Attachment(id=f"att-{digest[:16]}-{uuid4().hex[:6]}", reference=reference, filename=filename.strip(),
                         content_type=content_type, size_bytes=len(data), sha256=digest,
                         uploaded_at=datetime.now(timezone.utc), uploaded_by=by)
        session.add(row)
        session.commit()
        session.refresh(row)
        session.expunge(row)
        return row
