"""The read-model queries behind the dashboard (my cases, due dates); its per-stage counts are the case
list's `stage_counts` (models/case_list.py)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.case_list import CaseListFilter, stage_counts
from models.tables import Case

LONDON = ZoneInfo("Europe/London")
DONE_STATES = ("closed", "withdrawn", "excluded")
DUE_SOON_DAYS = 7
DASHBOARD_ROWS = 20


def today() -> date:
    return datetime.now(LONDON).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON)


def open_cases():
    return select(Case).where(col(Case.state).not_in(DONE_STATES))


def dashboard(engine: Engine, username: str, role: str, on: date) -> dict:
    """My cases, due today, due soon, overdue, and the open work per stage (awaiting action, overdue)."""
    tomorrow, soon = day_start(on + timedelta(days=1)), day_start(on + timedelta(days=DUE_SOON_DAYS + 1))
    by_deadline = col(Case.next_deadline).asc()
    with Session(engine) as session:
        if role == "stage2_reviewer":
            mine = open_cases().where(Case.stage == 2)
        else:
            mine = open_cases().where(Case.handler == username)
        lists = {
            "mine": mine,
            "due_today": open_cases().where(Case.next_deadline >= day_start(on), Case.next_deadline < tomorrow),
            "due_soon": open_cases().where(Case.next_deadline >= tomorrow, Case.next_deadline < soon),
            "overdue": open_cases().where(Case.overdue == True),  # noqa: E712 (SQL, not Python)
        }
        result = {name: list(session.exec(query.order_by(by_deadline).limit(DASHBOARD_ROWS))) for name, query in lists.items()}
        result["counts"] = stage_counts(session, CaseListFilter())
    return result
