"""The read model is written only by idempotent activities: a retried or replayed projection never writes
twice, and a late, older projection never overwrites a newer one. On SQLite and PostgreSQL."""

from datetime import date, datetime, timezone

from sqlmodel import Session, func, select

from activities.read_model import ReadModelActivities
from models.case import CaseProjection, CaseView, DeadlineView, EventView
from models.tables import Case, CaseDeadline, CaseEvent

RECEIVED = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def projection(state: str, events: list[tuple[int, str]], respond_due: date) -> CaseProjection:
    return CaseProjection(
        case=CaseView(
            reference="CMP-2026-000042",
            landlord="code-2024",
            policy_id="code-2024",
            policy_version=1,
            region="ENG",
            state=state,
            stage=1,
            handler="alice",
            deadlines=(DeadlineView(name="stage1.respond", due=respond_due),),
            notices=(),
            events=tuple(EventView(seq=seq, at=RECEIVED, type=kind, stage=1, state=state) for seq, kind in events),
            allowed_actions=(),
        ),
        received_at=RECEIVED,
        next_deadline=None,
        overdue=False,
    )


def counts(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one() for model in (Case, CaseDeadline, CaseEvent))


def test_a_retried_projection_writes_nothing_twice(engine):
    activities = ReadModelActivities(engine)
    first = projection("received", [(1, "received")], date(2026, 3, 23))
    activities.project_case(first)
    activities.project_case(first)
    assert counts(engine) == (1, 1, 1)
    newer = projection("stage1_acknowledged", [(2, "acknowledge")], date(2026, 3, 17))
    activities.project_case(newer)
    activities.project_case(newer)
    assert counts(engine) == (1, 1, 2)
    with Session(engine) as session:
        assert [e.type for e in session.exec(select(CaseEvent).order_by(CaseEvent.seq))] == ["received", "acknowledge"]


def test_a_late_older_projection_never_overwrites_a_newer_one(engine):
    activities = ReadModelActivities(engine)
    activities.project_case(projection("received", [(1, "received")], date(2026, 3, 23)))
    activities.project_case(projection("stage1_acknowledged", [(2, "acknowledge")], date(2026, 3, 17)))
    activities.project_case(projection("received", [(1, "received")], date(2026, 3, 23)))
    with Session(engine) as session:
        case = session.get(Case, "CMP-2026-000042")
        assert (case.state, case.last_seq) == ("stage1_acknowledged", 2)
        assert session.get(CaseDeadline, ("CMP-2026-000042", "stage1.respond")).due == date(2026, 3, 17)


def test_one_projection_writes_every_deadline_and_event_it_carries(engine):
    activities = ReadModelActivities(engine)
    activities.project_case(projection("received", [(1, "received")], date(2026, 3, 23)))
    later = projection("stage1_responded", [(2, "acknowledge"), (3, "extend"), (4, "respond")], date(2026, 3, 30))
    met = DeadlineView(name="stage1.acknowledge", due=date(2026, 3, 9), met_on=date(2026, 3, 4), met=True)
    answered = DeadlineView(name="stage1.respond", due=date(2026, 3, 30), met_on=date(2026, 3, 27), met=True, extended_by=5)
    later = later.model_copy(update={"case": later.case.model_copy(update={"deadlines": (met, answered)})})
    activities.project_case(later)
    with Session(engine) as session:
        deadlines = {d.name: (d.due, d.met_on, d.met, d.extended_by) for d in session.exec(select(CaseDeadline))}
        events = [(e.seq, e.type) for e in session.exec(select(CaseEvent).order_by(CaseEvent.seq))]
        case = session.get(Case, "CMP-2026-000042")
    assert deadlines == {
        "stage1.acknowledge": (date(2026, 3, 9), date(2026, 3, 4), True, 0),
        "stage1.respond": (date(2026, 3, 30), date(2026, 3, 27), True, 5),
    }
    assert events == [(1, "received"), (2, "acknowledge"), (3, "extend"), (4, "respond")]
    assert (case.state, case.last_seq) == ("stage1_responded", 4)


def test_the_facts_the_workflow_decides_are_projected_with_the_case(engine):
    """Allowed actions and the stage-1 people travel in the projection; the web and CLI read them here."""
    activities = ReadModelActivities(engine)
    first = projection("received", [(1, "received")], date(2026, 3, 23))
    first = first.model_copy(
        update={
            "case": first.case.model_copy(update={"allowed_actions": ("acknowledge", "extend"), "stage1_handlers": ("alice",)})
        }
    )
    activities.project_case(first)
    later = projection("stage1_acknowledged", [(2, "acknowledge")], date(2026, 3, 17))
    later = later.model_copy(
        update={"case": later.case.model_copy(update={"allowed_actions": ("respond",), "stage1_handlers": ("alice", "bob")})}
    )
    activities.project_case(later)
    activities.project_case(first)  # late and older: changes nothing
    with Session(engine) as session:
        case = session.get(Case, "CMP-2026-000042")
        assert (case.allowed_actions, case.stage1_handlers) == (["respond"], ["alice", "bob"])
