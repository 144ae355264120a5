"""Everything the case page shows, read from the read model in one session: the case row, its
deadlines with working days left, the timeline, the complaint as recorded, letters, remedies offered and
outstanding actions."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.calendar import WorkingCalendar, uk_calendar_snapshot
from models.record import Adjustment, Complaint, Definition, Letter, OutstandingAction, Remedy, Resident, Restriction
from models.tables import Case, CaseDeadline, CaseEvent, ClosureDay, ResidentNote
from workflows.lifecycle import Conditions, allowed_actions


class CaseNotFound(LookupError):
    pass


@dataclass
class DeadlineRow:
    deadline: CaseDeadline
    working_days_left: int | None
    """Working days from today to the due date (0 = due today, negative = overdue); None once decided."""


@dataclass
class CaseFile:
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
    conditions: Conditions = field(default_factory=Conditions)

    @property
    def allowed_actions(self) -> list[str]:
        """What the lifecycle allows now, from the same declaration the workflow's validators use."""
        return allowed_actions(self.case.state, self.case.stage, self.conditions)


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


def load(engine: Engine, reference: str, today: date) -> CaseFile:
    with Session(engine) as session:
        case = session.get(Case, reference)
        if case is None:
            raise CaseNotFound(reference)
        deadlines = session.exec(select(CaseDeadline).where(CaseDeadline.reference == reference).order_by(col(CaseDeadline.due))).all()
        events = session.exec(select(CaseEvent).where(CaseEvent.reference == reference).order_by(col(CaseEvent.seq))).all()
        complaint = session.get(Complaint, reference)
        resident = session.get(Resident, complaint.resident_id) if complaint and complaint.resident_id else None
        definitions = session.exec(select(Definition).where(Definition.reference == reference).order_by(col(Definition.recorded_at))).all()
        letters = session.exec(select(Letter).where(Letter.reference == reference).order_by(col(Letter.issued_at))).all()
        outstanding = session.exec(select(OutstandingAction).where(OutstandingAction.reference == reference)).all()
        remedies = session.exec(select(Remedy).where(Remedy.reference == reference).order_by(col(Remedy.stage), col(Remedy.id))).all()
        note_refs = [e.details.get("note_ref") for e in events if (e.details or {}).get("note_ref")]
        reviews_open = any(
            session.exec(select(model.id).where(model.reference == reference, model.reviewed_on == None).limit(1)).first()  # noqa: E711
            for model in (Adjustment, Restriction)
        )
        conditions = Conditions(
            window_decision_pending=bool(complaint and complaint.out_of_window) and not any(e.type == "accept_outside_window" for e in events),
            actions_outstanding=any(a.completed_on is None for a in outstanding),
            reviews_scheduled=reviews_open,
        )
        notes = {n.id: n.text for n in session.exec(select(ResidentNote).where(col(ResidentNote.id).in_(note_refs)))} if note_refs else {}
    calendar = working_calendar(engine, case, today)
    rows = []
    for d in deadlines:
        left = None
        if d.met is None and not d.cancelled:
            left = calendar.working_days_between(today, d.due) if d.due >= today else -calendar.working_days_between(d.due, today)
        rows.append(DeadlineRow(d, left))
    return CaseFile(case, rows, list(events), complaint, resident, list(definitions), list(letters), list(outstanding), list(remedies), notes, conditions)
