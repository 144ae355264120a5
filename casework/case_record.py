"""Reading one case: its whole record (`case_record`, for `complaints show`) and the case page's view of
it (`case_file`: deadlines with working days left, the timeline, residents' notes).

Both read the record rows (models/record.py) with the process as the workflow last projected it
(models/tables.py); neither asks the workflow.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from casework.delivery import messages_of
from casework.errors import UnknownCase
from casework.reasons import REFERENCES, readable, reason_texts
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
from models.calendar import WorkingCalendar, uk_calendar_snapshot
from models.input_text import contact_problem, email_problem, text_problem
from models.letters import outcome_sought_at
from models.tables import Case, CaseDeadline, CaseEvent, ClosureDay, Notice, OmbudsmanEvidence, ResidentNote
from workflows.lifecycle import FINISHED_STATES


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
    messages: list
    """Letters and updates sent (or owed) to the resident and representative (casework.delivery)."""
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
            representative=session.get(Representative, complaint.representative_id) if complaint.representative_id else None,
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
            messages=messages_of(engine, reference),
            linked=list(session.exec(select(Complaint.reference).where(Complaint.linked_to == reference)).all()),
        )
        _reasons_in_words(session, record.events)
        session.expunge_all()
        return record


def _reasons_in_words(session: Session, events: list[CaseEvent]) -> None:
    """Show each event's staff reasons in words: the workflow projected only their rows' ids."""
    texts = reason_texts(session, (e.details for e in events))
    for event in events:
        if any(key in REFERENCES for key in event.details or {}):
            session.expunge(event)  # what follows is for reading, never written back
            event.details = readable(event.details, texts)


# ---- the case page ----------------------------------------------------------------------------------


class CaseNotFound(LookupError):
    """No projected case row (yet) for the reference."""


@dataclass
class DeadlineRow:
    deadline: CaseDeadline
    working_days_left: int | None
    """Working days from today to the due date (0 = due today, negative = overdue); None once decided."""


def unreachable_contacts(resident: Resident | None, representative: Representative | None) -> list[str]:
    """Contacts on file that mail cannot use (kept from before entry checked them, issue 29 item 5), in
    words: the case page shows them so that someone corrects them before a letter is owed."""
    found = []
    if resident is not None:
        if problem := text_problem(resident.name):
            found.append(f"The resident's name {problem}")
        if resident.email and (problem := email_problem(resident.email)):
            found.append(f"The resident's email address {resident.email!r} {problem}")
    if representative is not None:
        if problem := text_problem(representative.name):
            found.append(f"The representative's name {problem}")
        if problem := contact_problem(representative.contact):
            found.append(f"The representative's contact {representative.contact!r} {problem}")
    return found


@dataclass
class CaseFile:
    """The case page: the projected case, its deadlines with working days left, the timeline, and the
    record rows the page lists (definitions, letters, remedies, outstanding actions, residents' notes and
    the evidence of Ombudsman orders complied with, by id)."""

    case: Case
    deadlines: list[DeadlineRow]
    events: list[CaseEvent]
    complaint: Complaint | None = None
    resident: Resident | None = None
    definitions: list[Definition] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    outstanding: list[OutstandingAction] = field(default_factory=list)
    remedies: list[Remedy] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    representative: Representative | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    restrictions: list[Restriction] = field(default_factory=list)
    learning: list[LearningPoint] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    """Cases started from this one (additional complaints as new cases, Code 6.8)."""
    service_request: ServiceRequest | None = None
    notices: list[Notice] = field(default_factory=list)
    messages: list = field(default_factory=list)
    """What was sent to the resident and their representative (`casework.delivery.messages_of`)."""
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def unreachable(self) -> list[str]:
        return unreachable_contacts(self.resident, self.representative)

    @property
    def consent_given(self) -> bool | None:
        """Whether the resident's consent for the representative is on file: the latest record_consent
        event decides, else consent recorded at intake; None without a representative."""
        if self.representative is None:
            return None
        for event in reversed(self.events):
            details = event.details or {}
            if (
                event.type == "record_consent"
                and details.get("representative_ref", self.representative.id) == self.representative.id
            ):
                return bool(details.get("given", True))
        return self.representative.consent_recorded_on is not None

    @property
    def open_reviews(self) -> list[tuple[str, str]]:
        """(review id, what it is) of every adjustment and restriction not yet reviewed: the choices of
        "Record review", never a typed id."""
        rows = [
            (a.id, f"Adjustment ({a.kind.replace('_', ' ')}): {a.details}, review due {a.review_on:%d %b %Y}")
            for a in self.adjustments
            if a.reviewed_on is None
        ]
        rows += [
            (r.id, f"Restriction on {r.scope}, review due {r.review_on:%d %b %Y}")
            for r in self.restrictions
            if r.reviewed_on is None
        ]
        return rows

    def outcome_sought(self, stage: int) -> str:
        """The outcome the resident seeks at `stage`, as its acknowledgement letter set it out."""
        return outcome_sought_at(self.letters, stage, self.complaint.desired_outcome if self.complaint else "")

    @property
    def allowed_actions(self) -> list[str]:
        """What the workflow allows now, as it projected it (never rebuilt here from record rows)."""
        return list(self.case.allowed_actions or ())


def working_calendar(engine: Engine, case: Case, around: date) -> WorkingCalendar:
    with Session(engine) as session:
        rows = session.exec(select(ClosureDay).where(ClosureDay.landlord == case.landlord)).all()
    return WorkingCalendar(
        uk_calendar_snapshot(
            case.region,
            range(around.year - 2, around.year + 3),
            closures=[r.day for r in rows if r.kind == "closure"],
            overrides=[r.day for r in rows if r.kind == "override"],
        )
    )


def case_file(engine: Engine, reference: str, today: date) -> CaseFile:
    """What the case page shows, from the read model in one session; raises CaseNotFound until the
    case's first projection lands."""
    with Session(engine) as session:
        case = session.get(Case, reference)
        if case is None:
            raise CaseNotFound(reference)
        deadlines = session.exec(
            select(CaseDeadline).where(CaseDeadline.reference == reference).order_by(col(CaseDeadline.due))
        ).all()
        events = list(session.exec(select(CaseEvent).where(CaseEvent.reference == reference).order_by(col(CaseEvent.seq))).all())
        page = CaseFile(case, [], events, complaint=session.get(Complaint, reference))
        _read_parties(session, page)
        _read_decisions(session, reference, page)
        page.notes = _timeline_notes(session, reference, events)
        _read_safeguards_and_papers(session, reference, page)
        _reasons_in_words(session, events)
        session.expunge_all()
    page.deadlines = _deadline_rows(case, list(deadlines), working_calendar(engine, case, today), today)
    page.messages = messages_of(engine, reference)
    return page


def _read_parties(session: Session, page: CaseFile) -> None:
    """The resident, their representative and the service request the complaint came from."""
    complaint = page.complaint
    page.resident = session.get(Resident, complaint.resident_id) if complaint and complaint.resident_id else None
    page.representative = (
        session.get(Representative, complaint.representative_id) if complaint and complaint.representative_id else None
    )
    page.service_request = (
        session.get(ServiceRequest, complaint.service_request_id) if complaint and complaint.service_request_id else None
    )


def _read_decisions(session: Session, reference: str, page: CaseFile) -> None:
    """What staff decided and wrote: definitions, letters, outstanding actions, remedies and learning."""
    page.definitions = list(
        session.exec(select(Definition).where(Definition.reference == reference).order_by(col(Definition.recorded_at))).all()
    )
    page.letters = list(session.exec(select(Letter).where(Letter.reference == reference).order_by(col(Letter.issued_at))).all())
    page.outstanding = list(session.exec(select(OutstandingAction).where(OutstandingAction.reference == reference)).all())
    page.remedies = list(
        session.exec(select(Remedy).where(Remedy.reference == reference).order_by(col(Remedy.stage), col(Remedy.id))).all()
    )
    page.learning = list(
        session.exec(
            select(LearningPoint).where(LearningPoint.reference == reference).order_by(col(LearningPoint.recorded_at))
        ).all()
    )


def _timeline_notes(session: Session, reference: str, events: list[CaseEvent]) -> dict[str, str]:
    """The texts the timeline's events point to, by id: residents' notes, and what was sent to show an
    Ombudsman order complied with (shown like a note)."""
    notes: dict[str, str] = {}
    note_refs = [e.details.get("note_ref") for e in events if (e.details or {}).get("note_ref")]
    if note_refs:
        notes = {
            n.id: n.text
            for n in session.exec(
                select(ResidentNote).where(col(ResidentNote.id).in_(note_refs), ResidentNote.reference == reference)
            )
        }
    evidence_refs = [e.details.get("evidence_ref") for e in events if (e.details or {}).get("evidence_ref")]
    if evidence_refs:
        notes |= {
            n.id: n.text
            for n in session.exec(
                select(OmbudsmanEvidence).where(
                    col(OmbudsmanEvidence.id).in_(evidence_refs), OmbudsmanEvidence.reference == reference
                )
            )
        }
    return notes


def _read_safeguards_and_papers(session: Session, reference: str, page: CaseFile) -> None:
    """Adjustments and restrictions under review, the cases started from this one, notices and attachments."""
    page.adjustments = list(
        session.exec(select(Adjustment).where(Adjustment.reference == reference).order_by(col(Adjustment.review_on))).all()
    )
    page.restrictions = list(
        session.exec(select(Restriction).where(Restriction.reference == reference).order_by(col(Restriction.review_on))).all()
    )
    page.linked = list(session.exec(select(Complaint.reference).where(Complaint.linked_to == reference)).all())
    page.notices = list(session.exec(select(Notice).where(Notice.reference == reference).order_by(col(Notice.at).desc())).all())
    page.attachments = list(
        session.exec(select(Attachment).where(Attachment.reference == reference).order_by(col(Attachment.uploaded_at))).all()
    )


def _deadline_rows(case: Case, deadlines: list[CaseDeadline], calendar: WorkingCalendar, today: date) -> list[DeadlineRow]:
    """Each deadline with the working days left to it; a finished case's open clocks show as stopped."""
    rows = []
    for d in deadlines:
        left = None
        if d.met is None and not d.cancelled:
            left = calendar.working_days_between(today, d.due) if d.due >= today else -calendar.working_days_between(d.due, today)
        if case.state in FINISHED_STATES and d.met is None:
            d.cancelled, left = True, None  # a withdrawn or excluded case's clocks are all stopped
        rows.append(DeadlineRow(d, left))
    return rows


async def projected_case(engine: Engine, reference: str, attempts: int = 100) -> Case | None:
    """The case row, waiting (up to about 5 s) for a new case's first projection; None if it never came.
    Acting on a case needs it (who the case is assigned to, what the workflow allows now)."""
    for _ in range(attempts):
        with Session(engine) as session:
            case = session.get(Case, reference)
        if case is not None:
            return case
        await asyncio.sleep(0.05)
    return None
