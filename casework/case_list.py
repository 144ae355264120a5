"""Listing cases: the staff case list (filtered, in next-deadline order, a page at a time), the open work
per stage, and the one clock the lists read (the dashboard's queues: casework/dashboard.py).

Ordered by next deadline (soonest first; cases with no running deadline last), then reference.
Paging is by keyset: a page token names the last row shown, and the next page starts strictly after
it, so page 1000 costs what page 1 costs (an index seek, never OFFSET), and a case that changes
between two pages never appears twice. Every filter is served by one of the composite indexes on
`Case` (`models/tables.py`), each ending in (next_deadline, reference) so no query sorts.

A deadline instant is the end of its due date, Europe/London (`models.calendar.end_of_day`), so
"due between two dates" is a range on `Case.next_deadline`. Instants are compared in UTC: SQLite keeps
them as UTC text, PostgreSQL as timestamptz.
"""

import base64
import binascii
import json
from datetime import date, datetime, timezone

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import case as when, func, select, tuple_
from sqlalchemy.sql import ColumnElement, Select
import sqlmodel
from sqlmodel import Session, col

from models.calendar import FIRST_YEAR, LAST_YEAR, end_of_day, local_date
from models.json_input import read_json
from models.due import Urgency, deadline_words, due_date, urgency
from models.record import Complaint, Resident
from models.tables import Case, CaseDeadline
from models import clock as one_clock
from workflows.lifecycle import DONE_STATES, STATES as LIFECYCLE_STATES

STATES: tuple[str, ...] = tuple(LIFECYCLE_STATES)
PAGE_SIZE_MAX = 200


class CaseListFilter(BaseModel):
    """What a member of staff narrows the list by; every field optional, all given fields must hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: int | None = Field(default=None, ge=0, le=2)
    state: str | None = None
    handler: str | None = Field(default=None, min_length=1, max_length=64)
    landlord: str | None = Field(default=None, min_length=1, max_length=64)
    overdue: bool | None = None
    due_from: date | None = None
    """The next deadline falls on or after this date (local)."""
    due_to: date | None = None
    """The next deadline falls on or before this date (local)."""

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        if value is not None and value not in STATES:
            raise ValueError(f"must be one of the lifecycle's states: {', '.join(STATES)}")
        return value

    @field_validator("due_from", "due_to")
    @classmethod
    def _in_supported_years(cls, value: date | None) -> date | None:
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"must be a date in the years {FIRST_YEAR} to {LAST_YEAR}")
        return value

    @field_validator("due_to")
    @classmethod
    def _range_in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        """Checked on `due_to` (declared after `due_from`), so the refusal names that field."""
        due_from = info.data.get("due_from")
        if value is not None and due_from is not None and value < due_from:
            raise ValueError(f"must be on or after due_from ({due_from.isoformat()})")
        return value


class CaseListError(ValueError):
    """A page request the list cannot serve; `field` (page_token, page_size) names what to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CaseListRow(BaseModel):
    reference: str
    landlord: str
    stage: int
    state: str
    handler: str | None
    next_deadline: datetime | None
    """The deadline instant: the end of the due date. Never shown as a date: show `due_on`."""
    overdue: bool
    due_on: date | None = None
    """The next deadline's due date (local), as the case page shows it (`models.due.due_date`)."""
    next_action: str | None = None
    """The name of the deadline that falls due next (`stage1.respond`, `review.adj-1`...)."""
    resident: str | None = None
    stage_step: str | None = None
    """The current stage's own open step (`stage2.acknowledge`), for a reviewer whose next job it is even
    when a promised action of stage 1 falls due first (issue 26)."""
    stage_step_due: date | None = None

    def urgency(self, today: date) -> Urgency | None:
        return None if self.due_on is None else urgency(self.due_on, today)

    @property
    def next_action_words(self) -> str:
        if self.next_action is None:
            return "Nothing due"
        words = deadline_words(self.next_action)
        return f"{words} (case closed)" if self.state == "closed" else words


class CasePage(BaseModel):
    rows: list[CaseListRow]
    next_page: str | None
    """Token for the following page; None on the last page."""


class StageCount(BaseModel):
    """One stage's line on the dashboard: the open work, which stays bounded while history grows."""

    stage: int
    awaiting_action: int
    """Cases with a running deadline."""
    overdue: int


COLUMNS = tuple(
    col(c) for c in (Case.reference, Case.landlord, Case.stage, Case.state, Case.handler, Case.next_deadline, Case.overdue)
)


def token_after(next_deadline: datetime | None, reference: str) -> str:
    """The token for the page that starts just after the row (next_deadline, reference)."""
    key = [None if next_deadline is None else _utc(next_deadline).isoformat(), reference]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def read_token(token: str) -> tuple[datetime | None, str]:
    """The row a token names; anything else (a crafted token: far dates, deep nesting, a huge number) is
    refused as not issued here."""
    try:
        if len(token) > 400:
            raise ValueError("too long for a page token")
        deadline, reference = read_json(base64.urlsafe_b64decode(token.encode()))
        if not isinstance(reference, str) or len(reference) > 64:
            raise TypeError(reference)
        instant = None if deadline is None else _utc(datetime.fromisoformat(deadline))
        if instant is not None and not FIRST_YEAR <= instant.year <= LAST_YEAR:
            raise ValueError(deadline)
        return instant, reference
    except (binascii.Error, UnicodeError, ValueError, TypeError, OverflowError):
        raise CaseListError("page_token", "not a page token issued by the case list") from None


def _utc(instant: datetime) -> datetime:
    """SQLite hands back naive UTC instants; PostgreSQL aware ones. Both become aware UTC."""
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)


def _conditions(filters: CaseListFilter, with_stage: bool = True) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if with_stage and filters.stage is not None:
        conditions.append(col(Case.stage) == filters.stage)
    if filters.state is not None:
        conditions.append(col(Case.state) == filters.state)
    if filters.handler is not None:
        conditions.append(col(Case.handler) == filters.handler)
    if filters.landlord is not None:
        conditions.append(col(Case.landlord) == filters.landlord)
    if filters.overdue is not None:
        conditions.append(col(Case.overdue) == filters.overdue)
    if filters.due_from is not None:
        conditions.append(col(Case.next_deadline) >= end_of_day(filters.due_from))
    if filters.due_to is not None:
        conditions.append(col(Case.next_deadline) <= end_of_day(filters.due_to))
    return conditions


def dated_query(filters: CaseListFilter, after: tuple[datetime | None, str] | None) -> Select:
    """Cases with a running deadline, strictly after the token's row, in (next_deadline, reference) order."""
    query = select(*COLUMNS).where(*_conditions(filters), col(Case.next_deadline).is_not(None))
    if after is not None:
        query = query.where(tuple_(Case.next_deadline, Case.reference) > tuple_(*after))
    return query.order_by(col(Case.next_deadline), col(Case.reference))


def undated_query(filters: CaseListFilter, after_reference: str | None) -> Select:
    """Cases with no running deadline (responded, closed, finished): after every dated case, by reference."""
    query = select(*COLUMNS).where(*_conditions(filters), col(Case.next_deadline).is_(None))
    if after_reference is not None:
        query = query.where(col(Case.reference) > after_reference)
    return query.order_by(Case.reference)


def list_cases(session: Session, filters: CaseListFilter, page_size: int = 50, page_token: str | None = None) -> CasePage:
    """One page of the filtered list, and the token for the next page (None on the last)."""
    if not 1 <= page_size <= PAGE_SIZE_MAX:
        raise CaseListError("page_size", f"must be between 1 and {PAGE_SIZE_MAX}")
    after = None if page_token is None else read_token(page_token)
    rows = []
    if after is None or after[0] is not None:
        rows = list(session.execute(dated_query(filters, after).limit(page_size + 1)))
    undated_possible = filters.due_from is None and filters.due_to is None
    if len(rows) <= page_size and undated_possible:
        after_reference = after[1] if after is not None and after[0] is None else None
        rows += session.execute(undated_query(filters, after_reference).limit(page_size + 1 - len(rows)))
    page = rows_of(session, rows[:page_size])
    more = len(rows) > page_size
    return CasePage(rows=page, next_page=token_after(page[-1].next_deadline, page[-1].reference) if more else None)


def rows_of(session: Session, rows) -> list[CaseListRow]:
    """List rows for case rows (or `COLUMNS` rows), each with its next deadline's due date and name
    read from the deadline rows the case page shows (one query for the page), and the resident's name."""
    references = [r.reference for r in rows]
    nexts: dict[str, list[CaseDeadline]] = {}
    names: dict[str, str] = {}
    if references:
        open_deadlines = session.execute(
            select(CaseDeadline)
            .where(
                col(CaseDeadline.reference).in_(references),
                col(CaseDeadline.met_on).is_(None),
                col(CaseDeadline.cancelled).is_(False),
            )
            .order_by(col(CaseDeadline.reference), col(CaseDeadline.due), col(CaseDeadline.name))
        ).scalars()
        for deadline in open_deadlines:
            nexts.setdefault(deadline.reference, []).append(deadline)
        names = dict(
            session.execute(
                select(col(Complaint.reference), col(Resident.name))
                .join(Resident, col(Resident.id) == Complaint.resident_id)
                .where(col(Complaint.reference).in_(references))
            ).all()
        )
    result = []
    for r in rows:
        instant = None if r.next_deadline is None else _utc(r.next_deadline)
        deadline = None
        if instant is not None:  # the open deadline the workflow's next_deadline instant is the end of
            due = due_date(instant)
            deadline = next((d for d in nexts.get(r.reference, []) if d.due == due), None)
        result.append(
            CaseListRow(
                reference=r.reference,
                landlord=r.landlord,
                stage=r.stage,
                state=r.state,
                handler=r.handler,
                next_deadline=instant,
                overdue=r.overdue,
                due_on=None if instant is None else due_date(instant),
                next_action=deadline.name if deadline is not None else None,
                resident=names.get(r.reference),
                **_stage_step(nexts.get(r.reference, []), r.stage),
            )
        )
    return result


def _stage_step(open_deadlines: list[CaseDeadline], stage: int) -> dict:
    step = next((d for d in open_deadlines if d.name.startswith(f"stage{stage}.")), None)
    return {"stage_step": step.name, "stage_step_due": step.due} if step is not None else {}


def stage_counts_query(filters: CaseListFilter) -> Select:
    """Cases the filters select (the stage filter ignored) that are awaiting action, and how many of
    those are overdue, per stage. Answered and closed cases are left out, so unfiltered (the
    dashboard) it reads only the partial index of open work, not every case ever handled."""
    return (
        select(col(Case.stage), func.count(), func.sum(when((col(Case.overdue), 1), else_=0)))
        .where(*_conditions(filters, with_stage=False), col(Case.next_deadline).is_not(None))
        .group_by(col(Case.stage))
        .order_by(col(Case.stage))
    )


def closed_with_reviews_query(filters: CaseListFilter) -> Select:
    """Closed cases that still have a review running, per stage (served by ix_case_state_deadline): they
    are not awaiting a response, so `stage_counts` takes them off the open work."""
    return (
        select(col(Case.stage), func.count(), func.sum(when((col(Case.overdue), 1), else_=0)))
        .where(*_conditions(filters, with_stage=False), col(Case.state) == "closed", col(Case.next_deadline).is_not(None))
        .group_by(col(Case.stage))
    )


def stage_counts(session: Session, filters: CaseListFilter) -> list[StageCount]:
    """The dashboard's totals per stage (`stage_counts_query`), without closed cases whose only running
    deadline is a review (issue 16 bug 7: a closed case is not awaiting action)."""
    closed = {stage: (n, o or 0) for stage, n, o in session.execute(closed_with_reviews_query(filters))}
    counts = []
    for stage, awaiting, overdue in session.execute(stage_counts_query(filters)):
        minus, minus_overdue = closed.get(stage, (0, 0))
        if awaiting - minus > 0:
            counts.append(StageCount(stage=stage, awaiting_action=awaiting - minus, overdue=(overdue or 0) - minus_overdue))
    return counts


def query_plan(session: Session, query: Select) -> list[str]:
    """The database's plan for a list query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), one
    line per step: how to see which index serves a filter, and that no step sorts."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    rows = connection.exec_driver_sql(prefix + str(compiled), params)
    return [row[-1] for row in rows]


# ---- the one clock and open cases -----------------------------------------------------------------


def clock() -> datetime:
    """Now, from the one clock (models/clock.py); tests replace it here to stand at midnight or at the clocks' change."""
    return one_clock.now()


def today() -> date:
    """Today's local date, for the pages and commands that count days left (never called by workflow code)."""
    return local_date(clock())


def open_cases():
    """Case rows (sqlmodel's select, so a session yields `Case` objects) not yet closed or ended."""
    return sqlmodel.select(Case).where(col(Case.state).not_in(DONE_STATES))
