"""The hazard workflow's side effects: the Awaab's Law rules file, the statutory calendar, the read model,
and the reg 9 written summary's letter.

Recorded in history (DESIGN.md principle 2), so replay plans with what the hazard was planned under.
The statutory calendar is England's bank holidays and weekends only: a landlord's closure days never move a
statutory deadline (SI 2025/1042 counts working days without them), so no closures are read.
"""

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio import activity

from casework.hazard_summary import issue_summary
from models.activity_inputs import IssueHazardSummary
from models.calendar import CalendarSnapshot, end_of_day, uk_calendar_snapshot
from models.hazard import HazardView
from models.hazard_rules import HazardRules, load_hazard_rules
from models.hazard_tables import Hazard, HazardDeadline, HazardEvent


@activity.defn(name="load_hazard_rules")
def load_hazard_rules_activity() -> HazardRules:
    return load_hazard_rules()


@activity.defn(name="load_statutory_calendar")
def load_statutory_calendar(years: list[int]) -> CalendarSnapshot:
    """`[first_year, last_year]`: England's bank holidays (SI 2025/1042 applies in England only)."""
    first, last = years
    return uk_calendar_snapshot("ENG", range(first, last + 1))


class HazardActivities:
    """The hazard's read model (models/hazard_tables.py), written only here."""

    def __init__(self, engine: Engine):
        self._engine = engine

    @activity.defn(name="project_hazard")
    def project_hazard(self, view: HazardView) -> None:
        """Upsert the hazard (a newer projection wins), its clocks, and the events not yet there."""
        owed = [d for d in view.deadlines if d.met_on is None and d.ceased is None]
        with Session(self._engine) as session:
            row = session.get(Hazard, view.reference)
            if row is not None and row.last_seq > len(view.events):
                return  # a retried, older projection
            row = row or Hazard(reference=view.reference, landlord=view.landlord, category=view.category, aware_at=view.aware_at)
            row.level, row.found, row.state = view.level, view.found, view.state
            row.linked = ",".join(view.linked_cases)
            row.next_due_at = min((d.due_at or end_of_day(d.due) for d in owed), default=None) if view.state == "open" else None
            row.overdue = view.state == "open" and any(d.met is False for d in owed)
            row.last_seq = len(view.events)
            row.allowed = ",".join(view.allowed_actions)
            session.add(row)
            names = {deadline.name for deadline in view.deadlines}
            for stale in session.exec(select(HazardDeadline).where(HazardDeadline.reference == view.reference)).all():
                if stale.name not in names:  # a clock an emergency triage took over before it ran out
                    session.delete(stale)
            for deadline in view.deadlines:
                session.merge(HazardDeadline(reference=view.reference, **deadline.model_dump()))
            known = set(session.exec(select(HazardEvent.seq).where(HazardEvent.reference == view.reference)).all())
            session.add_all(
                HazardEvent(reference=view.reference, seq=e.seq, at=e.at, type=e.type, details=dict(e.details))
                for e in view.events
                if e.seq not in known
            )
            session.commit()

    @activity.defn(name="issue_hazard_summary")
    def issue_hazard_summary(self, request: IssueHazardSummary) -> str | None:
        """The reg 9 letter of an applied `hazard_summary_sent`, stored and queued once per command (decision 207);
        None when no complaint is linked (no resident contact on file: the page says so)."""
        letter = issue_summary(self._engine, request.reference, request.command_id, request.actor)
        return letter.id if letter is not None else None
