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

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from casework import delivery
from casework.errors import CommandRejected
from casework.intake import Filed, Intake, RepresentativeDetails, ResidentDetails, file_complaint
from casework.tracking import Tracked, revoke_links
from casework.updates import send_command
from models.presentation import long_date
from models.calendar import local_date
from models.case import COMMANDS
from models.letterhead import resident_facing_name
from models.record import Attachment, Complaint, Letter, OutstandingAction, Representative, Resident
from models.residents import AttachmentContent, PublicRateLimit
from models.tables import Case, CaseDeadline, CaseEvent, ResidentNote
from models.taxonomy import ServiceArea

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_FORM_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 256 * 1024
"""The whole online form: three photos and the text fields (the web refuses a larger body unread)."""
PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/heic": "HEIC"}
MAX_NOTE = 5000


class OnlineComplaint(BaseModel):
    """The public form: plain questions, each with its limit."""

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=200, pattern=EMAIL_PATTERN)
    phone: str = Field(default="", max_length=40, pattern=r"^[0-9+() -]*$")
    address: str = Field(default="", max_length=500)
    contact_by: Literal["email", "post"] = "email"
    text: str = Field(min_length=1, max_length=MAX_NOTE)
    desired_outcome: str = Field(default="", max_length=2000)
    about: ServiceArea | None = None
    """What the complaint is about, if the resident says (the service-area list, models/taxonomy.py)."""
    issue_date: date | None = None
    helper_name: str = Field(default="", max_length=200)
    helper_relationship: str = Field(default="", max_length=100)
    helper_contact: str = Field(default="", max_length=200)
    helper_consent: bool = False

    @field_validator("about", mode="before")
    @classmethod
    def _not_said(cls, value):
        return None if value == "" else value

    @field_validator("name", "email", "text", mode="before")
    @classmethod
    def _stripped(cls, value):
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> "OnlineComplaint":
        if self.contact_by == "post" and not self.address.strip():
            raise ValueError("address: enter your postal address, or choose email")
        if self.issue_date is not None and self.issue_date > date.today():
            raise ValueError("issue_date: must be today or in the past")
        if self.helper_name and not self.helper_consent:
            raise ValueError("helper_consent: tick the box to say this person may act for you, or leave their name empty")
        if self.helper_consent and not self.helper_name:
            raise ValueError("helper_name: enter the name of the person helping you")
        return self


class Photo(BaseModel):
    filename: str
    content_type: str
    data: bytes


def photo_problem(filename: str, data: bytes) -> str | None:
    """Why a file cannot be accepted as a photo (its bytes decide its type, not its name), or None."""
    if len(data) > MAX_PHOTO_BYTES:
        return f"{filename[:60]} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB"
    if sniff(data) is None:
        return f"{filename[:60]} is not a photo (JPEG, PNG, WebP or HEIC)"
    return None


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    return None


# ---- rate limits ------------------------------------------------------------------------------------


def allow(engine: Engine, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one request for `key`; False once `limit` requests fell in the current window."""
    now = now or datetime.now(UTC)
    key = hashlib.sha256(key.encode()).hexdigest()  # no email addresses or client addresses kept in clear
    with Session(engine) as session:
        row = session.get(PublicRateLimit, key)
        if row is None or _aware(row.window_start) + window <= now:
            row = row or PublicRateLimit(key=key, window_start=now, count=0)
            row.window_start, row.count = now, 0
        row.count += 1
        session.add(row)
        session.commit()
        return row.count <= limit


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


# ---- complaining online -----------------------------------------------------------------------------


async def complain_online(
    client: Client, engine: Engine, form: OnlineComplaint, photos: list[Photo], form_id: str, policy: str,
    task_queue: str = "complaints",
) -> Filed:
    """File the complaint (channel `web`) like any intake, keep its photos with the record and queue the
    confirmation email with the personal link. Idempotent by `form_id`: sending the form twice files once."""
    representative = None
    if form.helper_name:
        representative = RepresentativeDetails(
            name=form.helper_name, relationship=form.helper_relationship, contact=form.helper_contact,
            consent_given=form.helper_consent, consent_evidence="given by the resident on the online complaint form",
        )
    intake = Intake(
        intake_id=f"web-{form_id}", policy=policy, channel="web",
        resident=ResidentDetails(name=form.name, email=form.email, phone=form.phone, address=form.address,
                                 preferred_contact=form.contact_by),
        representative=representative, text=form.text, desired_outcome=form.desired_outcome, issue_date=form.issue_date,
        category=form.about,
    )
    filed = await file_complaint(client, engine, intake, task_queue)
    now = datetime.now(UTC)
    with Session(engine) as session:
        for number, photo in enumerate(photos, start=1):
            attachment_id = f"att-{hashlib.sha256(f'{intake.intake_id}|{number}'.encode()).hexdigest()[:24]}"
            if session.get(Attachment, attachment_id) is not None:
                continue
            session.add(Attachment(id=attachment_id, reference=filed.reference, filename=photo.filename[:200],
                                   content_type=photo.content_type, size_bytes=len(photo.data),
                                   sha256=hashlib.sha256(photo.data).hexdigest(), uploaded_at=now,
                                   uploaded_by="resident (online form)"))
            session.flush()
            session.add(AttachmentContent(attachment_id=attachment_id, data=photo.data))
        session.commit()
    return filed


def confirm_online_complaint(engine: Engine, reference: str) -> None:
    """Queue the confirmation email (reference, what happens next, the personal link); once per case."""
    with Session(engine) as session:
        acknowledge = session.get(CaseDeadline, (reference, "stage1.acknowledge"))
        by = f" We will write to you by {long_date(acknowledge.due, weekday=True)} to confirm what your complaint is about and when we will respond." \
            if acknowledge else " We will write to you within 5 working days to confirm what your complaint is about and when we will respond."
        delivery.queue(session, reference, "confirmation", "Thank you for your complaint",
                       f"Thank you for telling us about your complaint. Your reference is {reference}.{by}",
                       key="confirmation", only="resident")
        session.commit()



# ---- a new link -------------------------------------------------------------------------------------


def send_new_links(engine: Engine, email: str, most: int = 5) -> None:
    """Email a new personal link for each recent case this address is on (as resident or representative),
    and retire the older links; says nothing about whether there was any (the page always answers the same)."""
    email = email.strip().lower()
    if not email or len(email) > 200:
        return
    now = datetime.now(UTC)
    with Session(engine) as session:
        people = [("resident", r.id) for r in session.exec(select(Resident).where(func.lower(Resident.email) == email))]
        cases: list[tuple[str, str, str]] = []
        for role, person_id in people:
            for reference in session.exec(select(Complaint.reference).where(Complaint.resident_id == person_id)
                                          .order_by(col(Complaint.received_at).desc()).limit(most)):
                cases.append((reference, role, person_id))
        for representative in session.exec(select(Representative).where(func.lower(Representative.contact).contains(email))):
            for reference in session.exec(select(Complaint.reference).where(Complaint.representative_id == representative.id).limit(most)):
                if delivery.consent_recorded(session, reference, representative):
                    cases.append((reference, "representative", representative.id))
        for reference, role, person_id in cases[:most]:
            revoke_links(session, reference, person_id, now)
            delivery.queue(session, reference, "link", "Your new link",
                           f"You asked for a new link to follow your complaint {reference}. Your older links no longer work.",
                           key=f"link-{now:%Y%m%d%H%M%S%f}", only=role, now=now)
        session.commit()


# ---- the tracking page ------------------------------------------------------------------------------

STATE_WORDS = {
    "pre_stage": "We are trying to put things right for you quickly, before a formal complaint.",
    "received": "We have received your complaint.",
    "stage1_acknowledged": "We are looking into your complaint (stage 1).",
    "stage1_extended": "We are looking into your complaint (stage 1). We needed more time and wrote to you about it.",
    "stage1_responded": "We have sent you our response (stage 1).",
    "stage2_requested": "You asked for your complaint to go to stage 2. Someone who was not involved before will review it.",
    "stage2_acknowledged": "Someone who was not involved before is reviewing your complaint (stage 2).",
    "stage2_extended": "Someone who was not involved before is reviewing your complaint (stage 2). We needed more time and wrote to you about it.",
    "stage2_responded": "We have sent you our final response (stage 2).",
    "closed": "Your complaint is closed.",
    "withdrawn": "Your complaint was withdrawn.",
    "excluded": "We could not take this as a complaint. Our letter explains why.",
    "ombudsman_referred": "Your complaint is with the Housing Ombudsman. We are giving it what it asks us for.",
    "ombudsman_determined": "The Housing Ombudsman has decided your complaint. We are doing what it told us to do.",
}
PROMISE_WORDS = {
    "pre_stage.resolve": "to sort this out informally",
    "stage1.acknowledge": "to write to you confirming what your complaint is about",
    "stage1.respond": "to send you our response",
    "stage2.acknowledge": "to write to you confirming the stage 2 review",
    "stage2.respond": "to send you our final response",
}


class Promise(BaseModel):
    what: str
    due: date
    done_on: date | None = None
    late: bool = False


class TrackingView(BaseModel):
    """What a resident sees: plain words only, nothing staff-only (no handler, no internal notes, no
    timeline details)."""

    reference: str
    landlord: str
    name: str
    received_on: date
    where: str
    next_promise: Promise | None
    actions: list[Promise]
    letters: list[tuple[str, str, date]]
    """(letter id, title, issued on) of the letters that have gone to the resident."""
    notes: list[tuple[datetime, str]]
    """What the resident (or their representative) added, in their own words."""
    can_ask_stage2: bool
    stage2_asked: bool
    photos: int


def tracking_view(engine: Engine, tracked: Tracked, today: date) -> TrackingView:
    from casework.letters import _title  # the letter's own title, as it is printed

    with Session(engine) as session:
        complaint = session.get(Complaint, tracked.reference)
        case = session.get(Case, tracked.reference)
        deadlines = session.exec(select(CaseDeadline).where(CaseDeadline.reference == tracked.reference)).all()
        events = session.exec(select(CaseEvent).where(CaseEvent.reference == tracked.reference).order_by(col(CaseEvent.seq))).all()
        accepted = {(e.details or {}).get("command_id") for e in events}
        letters = [letter for letter in session.exec(select(Letter).where(Letter.reference == tracked.reference)
                                                     .order_by(col(Letter.issued_at))) if letter.command_id in accepted]
        actions = {a.action_id: a for a in session.exec(select(OutstandingAction).where(OutstandingAction.reference == tracked.reference))}
        note_refs = [(e.details or {}).get("note_ref") for e in events if e.type == "resident_input"]
        notes = session.exec(select(ResidentNote).where(col(ResidentNote.id).in_([n for n in note_refs if n]))
                             .order_by(col(ResidentNote.at))).all() if note_refs else []
        photos = len(session.exec(select(Attachment.id).where(Attachment.reference == tracked.reference)).all())
    state = case.state if case else "received"
    promises = []
    for d in deadlines:
        if d.cancelled:
            continue
        if d.name in PROMISE_WORDS:
            what = PROMISE_WORDS[d.name]
        elif d.name.startswith("action.") and d.name.removeprefix("action.") in actions:
            what = f"to {_lower(actions[d.name.removeprefix('action.')].description)}"
        else:
            continue  # reviews, update intervals, the Ombudsman's steps: not promises made to the resident here
        promises.append((d.name, Promise(what=what, due=d.due, done_on=d.met_on, late=d.met is False or (d.met is None and d.due < today))))
    open_promises = sorted((p for _, p in promises if p.done_on is None), key=lambda p: p.due)
    view_letters = []
    for letter in letters:
        try:
            title = _title(_letter_model(letter))
        except Exception:  # an older letter whose content no longer validates: its kind in words
            title = letter.kind.replace("_", " ").capitalize()
        view_letters.append((letter.id, title, local_date(_aware(letter.issued_at))))
    return TrackingView(
        reference=tracked.reference, landlord=resident_facing_name(complaint.policy_id), name=tracked.name,
        received_on=local_date(_aware(complaint.received_at)), where=STATE_WORDS.get(state, "We are dealing with your complaint."),
        next_promise=open_promises[0] if open_promises else None,
        actions=[p for name, p in promises if name.startswith("action.")],
        letters=view_letters, notes=[(_aware(n.at), n.text) for n in notes],
        can_ask_stage2="request_stage2" in (case.allowed_actions if case else []),
        stage2_asked=any(e.type == "request_stage2" for e in events), photos=photos,
    )


def _letter_model(letter: Letter):
    from models.letters import AcknowledgementLetter, ExclusionLetter, ExtensionLetter, ResponseLetter

    model = {"acknowledgement": AcknowledgementLetter, "extension": ExtensionLetter, "exclusion": ExclusionLetter}.get(
        letter.kind, ResponseLetter)
    return model.model_validate(letter.content)


def _lower(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def resident_letter(engine: Engine, tracked: Tracked, letter_id: str) -> Letter | None:
    """A letter of this case that has gone to the resident (its command accepted), or None."""
    with Session(engine) as session:
        letter = session.get(Letter, letter_id)
        if letter is None or letter.reference != tracked.reference:
            return None
        events = session.exec(select(CaseEvent.details).where(CaseEvent.reference == tracked.reference)).all()
        if not any((d or {}).get("command_id") == letter.command_id for d in events):
            return None
        session.expunge(letter)
        return letter


# ---- the resident's commands ------------------------------------------------------------------------


async def add_information(client: Client, engine: Engine, tracked: Tracked, text: str, command_id: str) -> None:
    """The resident's note, stored in the read model, its reference sent as `resident_input`; a refusal
    removes the note again (CommandRejected, in words)."""
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
    command = COMMANDS["resident_input"](command_id=command_id, note_ref=note_id, on_behalf_of=tracked.on_behalf_of)
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


async def ask_for_stage2(client: Client, tracked: Tracked, command_id: str) -> None:
    """Code 6.12: no reasons asked. A refusal comes back as CommandRejected for the page to put in words."""
    command = COMMANDS["request_stage2"](command_id=command_id, on_behalf_of=tracked.on_behalf_of)
    await send_command(client, tracked.reference, "request_stage2", command)
