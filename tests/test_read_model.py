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
            reference="CMP-2026-000042", landlord="code-2024", policy_id="code-2024", policy_version=1, region="ENG",
            state=state, stage=1, handler="alice",
            deadlines=(DeadlineView(name="stage1.respond", due=respond_due),),
            notices=(),
            events=tuple(EventView(seq=seq, at=RECEIVED, type=kind, stage=1, state=state) for seq, kind in events),
            allowed_actions=(),
        ),
        received_at=RECEIVED, next_deadline=None, overdue=False,
    )


def counts(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Case, CaseDeadline, CaseEvent))


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
