"""What residents do themselves: complain online (Code 3.1), follow their case through their personal
link, add information, ask for stage 2 without giving reasons (Code 6.12), and ask for a new link.

An online complaint is filed through `casework.intake.file_complaint` like any other (channel `web`);
its photos are kept with the record (`Attachment` and `AttachmentContent`), never in a workflow payload.
A resident's note is stored as a `ResidentNote` and only its reference travels in the `resident_input`
command, as staff notes do. The resident's commands are sent as the workflow's Updates, not fire-and-
forget signals: the same handler as the card's `resident_input` / `stage2_requested` signals, but the
resident is told at once, in words, if the case cannot take it (decision 50). A representative acting
through their own link sends the command on behalf of the resident (`on_behalf_of`), which the workflow
accepts only with the resident's recorded consent.

Abuse protection without third parties: the public pages limit requests per client address and per
email address (`allow`, a fixed window in the read model, shared by every web replica), the form has a
honeypot field (in the route), and every field and file has a size limit.
"""

import asyncio
import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from casework import delivery
from casework.errors import CommandRejected
from casework.intake import Filed, Intake, RepresentativeDetails, ResidentDetails, file_complaint
from casework.photos import Photo
from casework.resident_hazards import hazards_for_resident
from casework.tracking import Tracked, issue_code, revoke_links
from casework.updates import send_command
from models.presentation import long_date
from models.calendar import local_date
from models.case import RequestStage2, ResidentInput
from models.record import Attachment, Complaint, Representative, Resident
from models.residents import AttachmentContent, ResidentMessage
from models.settings import Settings
from models.tables import Case, CaseDeadline, ResidentNote
from models.input_text import PlainText, contact_field, email_field
from models.taxonomy import ServiceArea
from models.clock import london_today

MAX_NOTE = 5000
HOME_HAZARDS = {
    "damp_and_mould": "Yes, damp or mould",
    "uncombusted_fuel_gas": "Yes, a smell of gas",
    "carbon_monoxide": "Yes, fumes, or a carbon monoxide alarm going off",
    "electrical_hazards": "Yes, dangerous electrics (sparks, a burning smell, bare wires)",
    "fire": "Yes, a fire risk (a smoke alarm or fire door that does not work)",
    "structural_collapse": "Yes, a ceiling, wall, roof or window that could fall",
    "excess_cold": "Yes, no heating in cold weather",
    "water_supply": "Yes, no water, or water that is not safe to drink",
    "entry_by_intruders": "Yes, an outside door or window that will not lock",
}
"""Triage at the door (Awaab's Law, SI 2025/1042): the public form's plain answers to "is there damp or mould,
or something dangerous, in your home?", each the HHSRS category (policies/hazards/awaabs-law.toml) its hazard
is recorded under; staff triage it (decision 152)."""
if TYPE_CHECKING:
    HomeHazard = str  # a Literal of HOME_HAZARDS' keys, built at run time for pydantic to check
else:
    HomeHazard = Literal[tuple(HOME_HAZARDS)]


class OnlineComplaint(PlainText):
    """The public form: plain questions, each with its limit."""

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=200)
    phone: str = Field(default="", max_length=40, pattern=r"^[0-9+() -]*$")
    address: str = Field(default="", max_length=500)
    contact_by: Literal["email", "post"] = "email"
    text: str = Field(min_length=1, max_length=MAX_NOTE)
    desired_outcome: str = Field(default="", max_length=2000)
    about: ServiceArea | None = None
    """What the complaint is about, if the resident says (the service-area list, models/taxonomy.py)."""
    issue_date: date | None = None
    home_hazard: HomeHazard | None = None
    """Damp or mould, or something dangerous, in the home (the HHSRS category), or None for no."""
    helper_name: str = Field(default="", max_length=200)
    helper_relationship: str = Field(default="", max_length=100)
    helper_contact: str = Field(default="", max_length=200)
    helper_consent: bool = False

    @field_validator("about", "home_hazard", mode="before")
    @classmethod
    def _not_said(cls, value):
        return None if value in ("", "no") else value

    @field_validator("name", "email", "text", mode="before")
    @classmethod
    def _stripped(cls, value):
        return value.strip() if isinstance(value, str) else value

    _one_mailbox = field_validator("email")(email_field)
    _helper_mailbox = field_validator("helper_contact")(contact_field)

    @model_validator(mode="after")
    def _consistent(self) -> "OnlineComplaint":
        for field, message in problems_across(self.model_dump(), london_today()).items():
            raise ValueError(f"{field}: {message}")
        return self


def problems_across(values: dict, today: date) -> dict[str, str]:
    """The form's rules that join two answers, by the field to correct, in the form's words. The route
    runs them on every submission, whatever else is wrong, so that every problem is shown at once."""
    problems = {}
    if values.get("contact_by") == "post" and not str(values.get("address") or "").strip():
        problems["address"] = "Enter your postal address, or choose to get our letters by email"
    issue_date = values.get("issue_date")
    if isinstance(issue_date, date) and issue_date > today:
        problems["issue_date"] = "When did it happen? The date must be today or in the past"
    helper, consent = str(values.get("helper_name") or "").strip(), bool(values.get("helper_consent"))
    if helper and not consent:
        problems["helper_consent"] = "Tick the box to say the person helping you may act for you, or leave their name empty"
    if consent and not helper:
        problems["helper_name"] = "Enter the name of the person helping you, or untick the box"
    return problems


# ---- complaining online -----------------------------------------------------------------------------


async def complain_online(
    client: Client,
    engine: Engine,
    form: OnlineComplaint,
    photos: list[Photo],
    form_id: str,
    policy: str,
    task_queue: str = "complaints",
) -> Filed:
    """File the complaint (channel `web`) like any intake, keep its photos with the record and queue the
    confirmation email with the personal link. Idempotent by `form_id`: sending the form twice files once."""
    representative = None
    if form.helper_name:
        representative = RepresentativeDetails(
            name=form.helper_name,
            relationship=form.helper_relationship,
            contact=form.helper_contact,
            consent_given=form.helper_consent,
            consent_evidence="given by the resident on the online complaint form",
        )
    intake = Intake(
        intake_id=f"web-{form_id}",
        policy=policy,
        channel="web",
        resident=ResidentDetails(
            name=form.name, email=form.email, phone=form.phone, address=form.address, preferred_contact=form.contact_by
        ),
        representative=representative,
        text=form.text,
        desired_outcome=form.desired_outcome,
        issue_date=form.issue_date,
        category=form.about,
    )
    filed = await file_complaint(client, engine, intake, task_queue)
    now = datetime.now(UTC)
    with Session(engine) as session:
        for number, photo in enumerate(photos, start=1):
            attachment_id = f"att-{hashlib.sha256(f'{intake.intake_id}|{number}'.encode()).hexdigest()[:24]}"
            if session.get(Attachment, attachment_id) is not None:
                continue
            session.add(
                Attachment(
                    id=attachment_id,
                    reference=filed.reference,
                    filename=photo.filename[:200],
                    content_type=photo.content_type,
                    size_bytes=len(photo.data),
                    sha256=hashlib.sha256(photo.data).hexdigest(),
                    uploaded_at=now,
                    uploaded_by="resident (online form)",
                )
            )
            session.flush()
            session.add(AttachmentContent(attachment_id=attachment_id, data=photo.data))
        session.commit()
    return filed


def confirm_online_complaint(engine: Engine, reference: str, site: str, days: int) -> None:
    """Queue the confirmation (reference, what happens next, and the way to follow the case: the personal
    link in an email, or the printed link in a letter), and what the law makes us do about a hazard it reported;
    once per case."""
    hazards = "".join(
        f"\n\nYou told us about {h.what.lower()} in your home. {h.level} "
        + " ".join(f"{step.what}: by {step.by}." for step in h.steps)
        + " If it is an emergency, we must make your home safe within 24 hours of your complaint."
        for h in hazards_for_resident(engine, reference, london_today())
    )
    with Session(engine) as session:
        acknowledge = session.get(CaseDeadline, (reference, "stage1.acknowledge"))
        by = (
            f" We will write to you by {long_date(acknowledge.due, weekday=True)} to confirm what your complaint is about and when we will respond."
            if acknowledge
            else " We will write to you within 5 working days to confirm what your complaint is about and when we will respond."
        )
        queue_for(
            session,
            reference,
            "confirmation",
            "Thank you for your complaint",
            f"Thank you for telling us about your complaint. Your reference is {reference}.{by}{hazards}",
            key="confirmation",
            role="resident",
            site=site,
            days=days,
        )
        session.commit()


def channel_of(engine: Engine, reference: str, role: str = "resident") -> str:
    """How this person hears from us on this case: email, post or none (casework.delivery decides)."""
    with Session(engine) as session:
        return next((p.channel for p in delivery.recipients(session, reference) if p.role == role), "none")


def promised(engine: Engine, reference: str, deadline: str = "stage1.acknowledge") -> date | None:
    """The date the case's workflow has planned for `deadline`, as projected (None before it is)."""
    with Session(engine) as session:
        row = session.get(CaseDeadline, (reference, deadline))
        return row.due if row is not None and not row.cancelled else None


def short_address(site: str) -> str:
    """The tracking page's address as printed on paper: no scheme, nothing after /track."""
    return f"{site.removeprefix('https://').removeprefix('http://').rstrip('/')}/track"


def queue_for(
    session: Session,
    reference: str,
    purpose: str,
    subject: str,
    body: str,
    *,
    key: str,
    role: str,
    site: str,
    days: int,
    now: datetime | None = None,
) -> None:
    """Queue a message to one person on the case; by post it carries their printed link (the short
    address, the reference and a new code: decision 170), by email the dispatcher adds the personal link."""
    person = next((p for p in delivery.recipients(session, reference) if p.role == role), None)
    if person is None or session.get(ResidentMessage, delivery.message_id(reference, key, role)) is not None:
        return
    if person.channel == "post":
        body += "\n\n" + printed_link(session, reference, role, person.person_id, site, days, now)
    delivery.queue(session, reference, purpose, subject, body, key=key, only=role, now=now)


def printed_link(
    session: Session, reference: str, role: str, person_id: str, site: str, days: int, now: datetime | None = None
) -> str:
    """The words of a printed link, with a new code for this person (decision 170)."""
    now = now or datetime.now(UTC)
    code = issue_code(session, reference, role, person_id, days, now)
    return (
        f"To follow your complaint online, go to {short_address(site)} and enter your reference "
        f"{reference} and this code: {code}. The code works until {long_date(local_date(now + timedelta(days=days)), weekday=True)}. "
        "Please keep it to yourself."
    )


# ---- a new link -------------------------------------------------------------------------------------


def _asked_for(session: Session, email: str, reference: str, most: int) -> list[tuple[str, str, str]]:
    """(reference, role, person id) of the recent cases an email address is on (as resident or consented
    representative), or the resident of the case a reference names."""
    cases: list[tuple[str, str, str]] = []
    if reference:
        complaint = session.get(Complaint, reference)
        if complaint is not None and complaint.resident_id:
            cases.append((reference, "resident", complaint.resident_id))
    if email:
        for resident in session.exec(select(Resident).where(func.lower(Resident.email) == email)):
            for ref in session.exec(
                select(Complaint.reference)
                .where(Complaint.resident_id == resident.id)
                .order_by(col(Complaint.received_at).desc())
                .limit(most)
            ):
                cases.append((ref, "resident", resident.id))
        # An exact match (normalised): a pattern here let `%` reach every representative (issue 29, item 9).
        for representative in session.exec(select(Representative).where(func.lower(func.trim(Representative.contact)) == email)):
            for ref in session.exec(
                select(Complaint.reference).where(Complaint.representative_id == representative.id).limit(most)
            ):
                if delivery.consent_recorded(session, ref, representative):
                    cases.append((ref, "representative", representative.id))
    return list(dict.fromkeys(cases))[:most]


def send_new_links(engine: Engine, site: str, days: int, email: str = "", reference: str = "", most: int = 5) -> None:
    """Send a new way in for each recent case this email address or reference is on, by each person's own
    channel (a link by email, a code by post), and retire the older links and codes; says nothing about
    whether there was any (the page always answers the same)."""
    email, reference = email.strip().lower(), reference.strip().upper()
    if len(email) > 200 or len(reference) > 40 or not (email or reference):
        return
    now = datetime.now(UTC)
    with Session(engine) as session:
        for ref, role, person_id in _asked_for(session, email, reference, most):
            revoke_links(session, ref, person_id, now)
            queue_for(
                session,
                ref,
                "link",
                "Your new link",
                f"You asked for a new way to follow your complaint {ref}. Your older links and codes no longer work.",
                key=f"link-{now:%Y%m%d%H%M%S%f}",
                role=role,
                site=site,
                days=days,
                now=now,
            )
        session.commit()


# ---- the resident's commands ------------------------------------------------------------------------


async def add_information(
    client: Client, engine: Engine, tracked: Tracked, text: str, command_id: str, settings: Settings | None = None
) -> None:
    """The resident's note, stored in the read model, its reference sent as `resident_input`; a refusal
    removes the note again (CommandRejected, in words). Once accepted, the handler is emailed a notice
    (`casework.notices.tell_of_resident_note`) when `settings` are given (the web app's)."""
    text = text.strip()
    if not text:
        raise CommandRejected("note", "Write what you want to add")
    if len(text) > MAX_NOTE:
        raise CommandRejected("note", f"Write at most {MAX_NOTE} characters")
    note_id = f"note-{command_id}"
    with Session(engine) as session:
        existing = session.get(ResidentNote, note_id)
        if existing is not None and existing.reference != tracked.reference:
            raise CommandRejected("note", "This form was already used; reload the page")
        if existing is None:
            session.add(ResidentNote(id=note_id, reference=tracked.reference, at=datetime.now(UTC), text=text))
            session.commit()
    command = ResidentInput(command_id=command_id, note_ref=note_id, on_behalf_of=tracked.on_behalf_of)
    try:
        await send_command(client, tracked.reference, "resident_input", command)
    except BaseException:
        if existing is None:
            with Session(engine) as session:
                row = session.get(ResidentNote, note_id)
                if row is not None:
                    session.delete(row)
                    session.commit()
        raise
    if existing is None and settings is not None:
        from casework.notices import tell_of_resident_note

        with Session(engine) as session:
            note, case = session.get_one(ResidentNote, note_id), session.get(Case, tracked.reference)
            handler = case.handler if case is not None else None
        await asyncio.to_thread(tell_of_resident_note, engine, settings, note, handler)


async def ask_for_stage2(client: Client, tracked: Tracked, command_id: str) -> None:
    """Code 6.12: no reasons asked. A refusal comes back as CommandRejected for the page to put in words."""
    command = RequestStage2(command_id=command_id, on_behalf_of=tracked.on_behalf_of)
    await send_command(client, tracked.reference, "request_stage2", command)
