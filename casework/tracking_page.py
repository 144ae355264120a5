"""What a resident sees on their tracking page: where the complaint is, the next date promised and
what it is, what they can do now, the letters that went to them and what they told us, in plain words
and nothing staff-only (no handler, no internal notes, no timeline details)."""

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from casework import delivery
from casework.next_steps import Final, final_word
from casework.tracking import Tracked
from models.clock import stored_utc
from models.calendar import local_date
from models.letterhead import resident_facing_name
from models.record import Attachment, Complaint, Letter, OutstandingAction
from models.tables import Case, CaseDeadline, CaseEvent, ResidentNote


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
    """The words after the date: "to send you our response", "for what we promised to do: ..."."""
    due: date
    done_on: date | None = None
    late: bool = False
    action: str = ""
    """A promised action's own description, as the response letter gave it."""


class Stage2(BaseModel):
    """The resident's stage-2 request as they see it: when asked, when we confirmed or will confirm it."""

    asked_on: date
    acknowledged_on: date | None = None
    acknowledge_by: date | None = None


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
    stage2: Stage2 | None
    final: Final | None
    """The final response or exclusion: the Ombudsman is the resident's next step (casework/next_steps.py)."""
    photos: int
    complaint_text: str
    desired_outcome: str


def tracking_view(engine: Engine, tracked: Tracked, today: date) -> TrackingView:
    with Session(engine) as session:
        complaint = session.get_one(Complaint, tracked.reference)
        case = session.get(Case, tracked.reference)
        deadlines = session.exec(select(CaseDeadline).where(CaseDeadline.reference == tracked.reference)).all()
        events = session.exec(
            select(CaseEvent).where(CaseEvent.reference == tracked.reference).order_by(col(CaseEvent.seq))
        ).all()
        accepted = {str((e.details or {}).get("command_id")) for e in events}
        letters = [
            letter
            for letter in session.exec(
                select(Letter).where(Letter.reference == tracked.reference).order_by(col(Letter.issued_at))
            )
            if delivery.letter_applied(letter, accepted)
        ]
        actions = {
            a.action_id: a
            for a in session.exec(select(OutstandingAction).where(OutstandingAction.reference == tracked.reference))
        }
        note_refs = [(e.details or {}).get("note_ref") for e in events if e.type == "resident_input"]
        notes = (
            session.exec(
                select(ResidentNote)
                .where(col(ResidentNote.id).in_([n for n in note_refs if n]), ResidentNote.reference == tracked.reference)
                .order_by(col(ResidentNote.at))
            ).all()
            if note_refs
            else []
        )
        photos = len(session.exec(select(Attachment.id).where(Attachment.reference == tracked.reference)).all())
        final = final_word(session, tracked.reference)
    state = case.state if case else "received"
    promises = _promises(deadlines, actions, today)
    open_promises = sorted((p for _, p in promises if p.done_on is None), key=lambda p: p.due)
    return TrackingView(
        reference=tracked.reference,
        landlord=resident_facing_name(complaint.policy_id),
        name=tracked.name,
        received_on=local_date(stored_utc(complaint.received_at)),
        where=STATE_WORDS.get(state, "We are dealing with your complaint."),
        next_promise=open_promises[0] if open_promises and final is None else None,
        actions=[p for name, p in promises if name.startswith("action.")],
        letters=[(letter.id, _titled(letter), local_date(stored_utc(letter.issued_at))) for letter in letters],
        notes=[(stored_utc(n.at), n.text) for n in notes],
        can_ask_stage2="request_stage2" in (case.allowed_actions if case else []) and final is None,
        stage2=_stage2(events, {d.name: d for d in deadlines}),
        final=final,
        photos=photos,
        complaint_text=complaint.text or "",
        desired_outcome=complaint.desired_outcome or "",
    )


def _promises(deadlines, actions: dict, today: date) -> list[tuple[str, Promise]]:
    promises = []
    for d in deadlines:
        action = actions.get(d.name.removeprefix("action.")) if d.name.startswith("action.") else None
        if d.cancelled or (d.name not in PROMISE_WORDS and action is None):
            continue  # reviews, update intervals, the Ombudsman's steps: not promises made to the resident here
        described = action.description.strip() if action else ""
        what = f"for what we promised to do: {described}" if action else PROMISE_WORDS[d.name]
        promises.append(
            (
                d.name,
                Promise(
                    what=what,
                    due=d.due,
                    done_on=d.met_on,
                    action=described,
                    late=d.met is False or (d.met is None and d.due < today),
                ),
            )
        )
    return promises


def _stage2(events, deadlines: dict) -> Stage2 | None:
    asked = next((e for e in reversed(events) if e.type == "request_stage2"), None)
    if asked is None:
        return None
    acknowledge = deadlines.get("stage2.acknowledge")
    return Stage2(
        asked_on=local_date(stored_utc(asked.at)),
        acknowledged_on=acknowledge.met_on if acknowledge else None,
        acknowledge_by=acknowledge.due if acknowledge and not acknowledge.cancelled else None,
    )


def _titled(letter: Letter) -> str:
    from casework.letters import _title  # the letter's own title, as it is printed

    try:
        return _title(_letter_model(letter))
    except Exception:  # an older letter whose content no longer validates: its kind in words
        return letter.kind.replace("_", " ").capitalize()


def _letter_model(letter: Letter):
    from models.letters import AcknowledgementLetter, ExclusionLetter, ExtensionLetter, LetterBase, ResponseLetter

    models: dict[str, type[LetterBase]] = {
        "acknowledgement": AcknowledgementLetter,
        "extension": ExtensionLetter,
        "exclusion": ExclusionLetter,
    }
    return models.get(letter.kind, ResponseLetter).model_validate(letter.content)


def resident_letter(engine: Engine, tracked: Tracked, letter_id: str) -> Letter | None:
    """A letter of this case that has gone to the resident (its command accepted), or None."""
    with Session(engine) as session:
        letter = session.get(Letter, letter_id)
        if letter is None or letter.reference != tracked.reference:
            return None
        events = session.exec(select(CaseEvent.details).where(CaseEvent.reference == tracked.reference)).all()
        if not delivery.letter_applied(letter, {str((d or {}).get("command_id")) for d in events}):
            return None
        session.expunge(letter)
        return letter
