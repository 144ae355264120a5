"""The dashboard's work queues: needs action today (overdue, then due today), due soon, my cases, unassigned,
the workload per handler (managers) and the open work per stage; every row a `CaseListRow` of the case list
(casework/case_list.py), so a due date here is the one the list and the case page show."""

from datetime import date

import sqlmodel
from pydantic import BaseModel
from sqlalchemy import case as when, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from casework.case_list import CaseListFilter, open_cases, rows_of, stage_counts
from models.due import Urgency, instant_bounds
from models.tables import Case
from accounts.users import StaffUser
from workflows.lifecycle import DONE_STATES, FINISHED_STATES

DASHBOARD_ROWS = 20


def due_in(which: Urgency, on: date):
    """Cases whose next deadline `models.due.urgency` puts in `which` today (closed cases with a
    review due included: the review is the work)."""
    after, up_to = instant_bounds(which, on)
    query = sqlmodel.select(Case).where(col(Case.next_deadline).is_not(None))
    if after is not None:
        query = query.where(col(Case.next_deadline) > after)
    if up_to is not None:
        query = query.where(col(Case.next_deadline) <= up_to)
    return query


class Workload(BaseModel):
    """One handler's open cases, for managers: how many, how many overdue, how many due today."""

    handler: str | None
    open: int
    overdue: int
    due_today: int
    active: bool = True
    """False when the handler's account can no longer sign in (a leaver): the page marks it for hand-over."""


def workload(session: Session, on: date) -> list[Workload]:
    """Open cases per handler (unassigned as None), with the overdue and due-today ones among them."""
    overdue_after, overdue_to = instant_bounds(Urgency.OVERDUE, on)
    today_after, today_to = instant_bounds(Urgency.DUE_TODAY, on)
    due = col(Case.next_deadline)
    rows = list(
        session.execute(
            select(
                col(Case.handler),
                func.count(),
                func.sum(when((due <= overdue_to, 1), else_=0)),
                func.sum(when(((due > today_after) & (due <= today_to), 1), else_=0)),
            )
            .where(col(Case.state).not_in(DONE_STATES))
            .group_by(Case.handler)
            .order_by(Case.handler)
        )
    )
    active = {u.username for u in session.exec(sqlmodel.select(StaffUser).where(StaffUser.active == True))}  # noqa: E712
    return [Workload(handler=h, open=n, overdue=o or 0, due_today=t or 0, active=h is None or h in active) for h, n, o, t in rows]


def dashboard(engine: Engine, username: str, role: str, on: date) -> dict:
    """The work queues: needs action today (overdue, then due today), due soon, my cases, unassigned,
    the workload per handler (managers), and the open work per stage. Every row is a `CaseListRow`
    with its next action and due date."""
    by_deadline = (col(Case.next_deadline).asc(), col(Case.reference).asc())
    with Session(engine) as session:
        if role == "stage2_reviewer":
            mine = open_cases().where(Case.stage == 2)
        else:
            mine = sqlmodel.select(Case).where(
                Case.handler == username,
                col(Case.state).not_in(FINISHED_STATES),
                (col(Case.state) != "closed") | col(Case.next_deadline).is_not(None),
            )
        lists = {
            "mine": mine,
            "overdue": due_in(Urgency.OVERDUE, on),
            "due_today": due_in(Urgency.DUE_TODAY, on),
            "due_soon": due_in(Urgency.DUE_SOON, on),
            "unassigned": open_cases().where(col(Case.handler).is_(None)),
        }
        result: dict = {}
        for name, query in lists.items():
            cases = list(session.exec(query.order_by(*by_deadline).limit(DASHBOARD_ROWS + 1)))
            result[name] = rows_of(session, cases[:DASHBOARD_ROWS])
            result[f"{name}_more"] = len(cases) > DASHBOARD_ROWS
        result["needs_action_today"] = result["overdue"] + result["due_today"]
        result["counts"] = stage_counts(session, CaseListFilter())
        result["workload"] = workload(session, on) if role == "complaints_manager" else []
    return result
