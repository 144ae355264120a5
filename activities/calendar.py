"""Loading the working-day calendar: bank holidays from `holidays` plus the landlord's closure days.

Workflows never call `holidays` or the database (DESIGN.md principle 2); this activity's result is
recorded in history, so replay sees the same calendar the case was planned with.
"""

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio import activity

from models.calendar import CalendarSnapshot, uk_calendar_snapshot
from models.activity_inputs import CalendarRequest
from models.tables import ClosureDay


class CalendarActivities:
    def __init__(self, engine: Engine):
        self._engine = engine

    @activity.defn(name="load_calendar")
    def load_calendar(self, request: CalendarRequest) -> CalendarSnapshot:
        with Session(self._engine) as session:
            rows = session.exec(select(ClosureDay).where(ClosureDay.landlord == request.landlord)).all()
        return uk_calendar_snapshot(
            request.region,
            range(request.first_year, request.last_year + 1),
            closures=[row.day for row in rows if row.kind == "closure"],
            overrides=[row.day for row in rows if row.kind == "override"],
        )
