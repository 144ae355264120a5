"""Who hears from the landlord about a case, by which channel, and what was sent: the residents' outbox.

Every issued letter goes to the resident and, once their consent is recorded, to their representative,
each by their own channel: email (the PDF attached) or post (the day's print batch). The rows are written
here, in the caller's transaction: `store_letter` writes a letter and its messages in one commit, so a
letter can never be stored without its delivery being owed (decision 49). The dispatcher in the worker
(casework/resident_mail.py) sends what is queued; the post room downloads the print batch.

A person with neither an email address nor a postal address is never skipped silently: their row is
written with status `no_contact`, and the case page and `complaints show` flag it to the handler.

Channel: the resident's stated preference when it can be met ("post"/"letter" with an address, "email"
with an address), otherwise email when there is one, otherwise post. A phone preference still gets
letters in writing (Code 6.9, 6.19: responses are in writing). Large print is honoured when the case has
a format adjustment that says so (Code 5.x reasonable adjustments).
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from casework.command_ids import scoped_id
from casework.event_updates import update_owed
from models.record import Adjustment, Complaint, Letter, Representative, Resident
from models.residents import ResidentMessage
from models.tables import CaseEvent

EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
LARGE_PRINT = re.compile(r"large[\s-]*print|larger print|large font|bigger (print|text)", re.IGNORECASE)
NO_CONTACT = "no email address or postal address on file: contact the resident and record one, then resend"


@dataclass(frozen=True)
class Recipient:
    role: str
    """resident or representative."""
    person_id: str
    name: str
    channel: str
    """email, post or none."""
    address: str


def resident_recipient(resident: Resident) -> Recipient:
    preference = (resident.preferred_contact or "").lower()
    email, post = (resident.email or "").strip(), (resident.address or "").strip()
    if any(word in preference for word in ("post", "letter")) and post:
        channel, address = "post", post
    elif email:
        channel, address = "email", email
    elif post:
        channel, address = "post", post
    else:
        channel, address = "none", ""
    return Recipient("resident", resident.id, resident.name, channel, address)


def representative_recipient(representative: Representative) -> Recipient:
    """A representative's one contact field: an email address in it means email, words mean a postal
    address; a phone number alone gives no way to send a letter."""
    contact = (representative.contact or "").strip()
    if match := EMAIL.search(contact):
        return Recipient("representative", representative.id, representative.name, "email", match.group(0))
    if re.search(r"[A-Za-z]", contact):
        return Recipient("representative", representative.id, representative.name, "post", contact)
    return Recipient("representative", representative.id, representative.name, "none", "")


def consent_recorded(session: Session, reference: str, representative: Representative) -> bool:
    """The representative may act and be written to: the latest consent the workflow recorded for them
    is given (record_consent events in the read model)."""
    return bool(latest_consent(session, reference, representative.id))


def latest_consent(session: Session, reference: str, representative_id: str) -> bool | None:
    """The latest consent the workflow recorded for this representative on this case: given (True),
    withdrawn (False), or None when none is recorded yet."""
    events = session.exec(
        select(CaseEvent).where(CaseEvent.reference == reference, CaseEvent.type == "record_consent").order_by(col(CaseEvent.seq))
    ).all()
    given = None
    for event in events:
        if (event.details or {}).get("representative_ref") == representative_id:
            given = bool(event.details.get("given"))
    return given


def recipients(session: Session, reference: str) -> list[Recipient]:
    """Who a case's letters and updates go to. An anonymous complaint has nobody to write to; it is
    recorded as one `no_contact` row so that the page says so rather than showing nothing."""
    complaint = session.get(Complaint, reference)
    if complaint is None:
        raise ValueError(f"reference: no complaint {reference} in the record")
    resident = session.get(Resident, complaint.resident_id) if complaint.resident_id else None
    if resident is None:
        return [Recipient("resident", "anonymous", "", "none", "")]
    found = [resident_recipient(resident)]
    representative = session.get(Representative, complaint.representative_id) if complaint.representative_id else None
    if representative is not None and consent_recorded(session, reference, representative):
        found.append(representative_recipient(representative))
    return found


def large_print(engine: Engine, reference: str) -> bool:
    """The case's format adjustment asks for large print."""
    with Session(engine) as session:
        rows = session.exec(select(Adjustment).where(Adjustment.reference == reference, Adjustment.kind == "format")).all()
    return any(LARGE_PRINT.search(row.details or "") for row in rows)


def message_id(*parts: str) -> str:
    """A deterministic id that is also a valid Message-ID local part (letters, digits, dots, dashes)."""
    readable = ".".join(re.sub(r"[^A-Za-z0-9-]", "-", part) for part in parts)
    if len(readable) <= 150:
        return readable
    return f"{readable[:100]}.{hashlib.sha256(readable.encode()).hexdigest()[:32]}"


def queue(
    session: Session,
    reference: str,
    purpose: str,
    subject: str,
    body: str,
    *,
    key: str,
    letter_id: str | None = None,
    large: bool = False,
    only: str | None = None,
    now: datetime | None = None,
) -> list[ResidentMessage]:
    """Add one message per recipient to the session (the caller commits), unless it is already there.

    `key` names what is being told (a letter id, an event seq, a purpose); with the recipient it is the
    row's id, so queueing the same thing twice queues it once. `only` limits to one recipient role."""
    now = now or datetime.now(UTC)
    rows = []
    for person in recipients(session, reference):
        if only is not None and person.role != only:
            continue
        row_id = message_id(reference, key, person.role)
        if session.get(ResidentMessage, row_id) is not None:
            continue
        no_contact = person.channel == "none"
        rows.append(
            ResidentMessage(
                id=row_id,
                reference=reference,
                purpose=purpose,
                letter_id=letter_id,
                recipient=person.role,
                recipient_id=person.person_id,
                name=person.name,
                channel=person.channel,
                address=person.address,
                subject=subject,
                body=body,
                large_print=large,
                status="no_contact" if no_contact else "queued",
                created_at=now,
                last_error=("anonymous complaint: nobody to write to" if person.person_id == "anonymous" else NO_CONTACT)
                if no_contact
                else "",
            )
        )
    session.add_all(rows)
    return rows


def accepted(session: Session, message: ResidentMessage) -> bool:
    """A letter's message may go once the workflow has accepted the command that issued the letter (its
    command id is on the case's projected timeline). A response letter is stored before its Update is
    sent, so until then it may still be refused and withdrawn; a message that tells of an event, or
    confirms a complaint, has nothing to wait for."""
    if message.letter_id is None:
        return True
    letter = session.get(Letter, message.letter_id)
    if letter is None:
        return False
    if letter.kind == "hazard_summary":  # issued only after the hazard's workflow applied its step (decisions 205, 207)
        return True
    events = session.exec(select(CaseEvent.details).where(CaseEvent.reference == message.reference)).all()
    return letter_applied(letter, {str((details or {}).get("command_id")) for details in events})


def letter_applied(letter: Letter, applied: set[str]) -> bool:
    """The workflow applied the command that issued the letter: the command's id is among `applied` (the
    case's timeline), the letter being keyed by it (older letters) or by its case-scoped key."""
    return letter.command_id in applied or letter.command_id in {scoped_id("letter", letter.reference, c) for c in applied}


def messages_of(engine: Engine, reference: str) -> list[ResidentMessage]:
    """Every message owed or sent on a case, oldest first: the case page's and `complaints show`'s list."""
    with Session(engine) as session:
        rows = list(
            session.exec(
                select(ResidentMessage)
                .where(ResidentMessage.reference == reference)
                .order_by(col(ResidentMessage.created_at), col(ResidentMessage.id))
            ).all()
        )
        session.expunge_all()
    return rows


CHANNEL_WORDS = {"email": "email", "post": "post", "none": "no way to send"}
STATUS_WORDS = {
    "queued": "waiting to be sent",
    "sending": "being sent",
    "sent": "sent",
    "failed": "failed",
    "printed": "printed for post",
    "no_contact": "NOT SENT: no contact details",
}
"""How a message's channel and status read to staff (the hazard summary's delivery line)."""
PURPOSE_WORDS = {
    "letter": "letter",
    "confirmation": "complaint received (online)",
    "link": "new tracking link",
    "action_done": "promised action done",
    "action_missed": "promised action late",
    "response_late": "response late",
    "updates_agreed": "updates agreed (response late)",
    "update_due": "update while the response is late",
    "extension_agreed": "more time agreed",
    "dates_moved": "a date we gave has moved",
    "stage2_requested": "stage 2 request received",
    "acknowledge_late": "confirmation late",
}


# ---- updates the workflow's events call for (Code 5.9, 6.6) -----------------------------------------

MAY_TELL_RESIDENT = frozenset(
    {"complete_action", "deadline_missed", "agree_update_interval", "extend", "deadlines_replanned", "request_stage2"}
)
"""The event types `tell_of_events` reads: the read model's projection passes it only these (most
projections then open no session for it)."""


def tell_of_events(session: Session, reference: str, events: list) -> list[ResidentMessage]:
    """Queue the updates a resident is owed because the workflow recorded these events: a promised
    action completed, a promised action's date passed with it not done (Code 6.6), a response deadline
    missed, an interval for updates agreed and each update at it falling due with none recorded (Code
    5.9: keep the resident informed while a response is late), a date they were given moved by a re-plan
    (casework/promised_dates.py), a stage-2 request received, an acknowledgement late, and an extension
    that came by the
    `extension_agreed` Signal. Keyed by the event's seq, so a retried projection queues nothing twice. An
    extension taken as a staff action needs no message of its own: its extension letter is delivered
    like every letter."""
    from casework.next_steps import final_word, ombudsman_words

    queued: list[ResidentMessage] = []
    if session.get(Complaint, reference) is None:  # a case with no record (a simulation): nobody to tell
        return queued
    for event in events:
        told = update_owed(session, reference, event)
        if told is not None:
            purpose, subject, body = told
            if (final := final_word(session, reference)) is not None:
                body += "\n\n" + ombudsman_words(final)  # after the last word: what they can do now, never stage 2
            queued += queue(session, reference, purpose, subject, body, key=f"event-{event.seq}")
    return queued
