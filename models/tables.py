"""The read model (CQRS): SQL tables written only by idempotent activities, read by the CLI and UI.

The workflow is the source of truth for the process (DESIGN.md principle 1). Every write here is keyed
so that a retried activity or a replayed workflow never writes twice: events by (reference, seq),
notices by their idempotency key, deadlines by (reference, name).
"""

from datetime import date, datetime
from pathlib import Path
from uuid import uuid4

from sqlalchemy import JSON, Column, DateTime, Index, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Field, Session, SQLModel, create_engine


def _utc() -> Column:
    return Column(DateTime(timezone=True))


OPEN_WORK = "next_deadline IS NOT NULL"
"""A case with a running deadline: the open work the dashboard counts (migration 0004 repeats it, as
migrations must stay as they were written)."""


class Case(SQLModel, table=True):
    __table_args__ = (
        Index("ix_case_deadline", "next_deadline", "reference"),
        Index("ix_case_stage_deadline", "stage", "next_deadline", "reference"),
        Index("ix_case_state_deadline", "state", "next_deadline", "reference"),
        Index("ix_case_handler_deadline", "handler", "next_deadline", "reference"),
        Index("ix_case_handler_stage_deadline", "handler", "stage", "next_deadline", "reference"),
        Index("ix_case_landlord_deadline", "landlord", "next_deadline", "reference"),
        Index("ix_case_overdue_deadline", "overdue", "next_deadline", "reference"),
        Index(
            "ix_case_open_stage_overdue",
            "stage",
            "overdue",
            "next_deadline",
            sqlite_where=text(OPEN_WORK),
            postgresql_where=text(OPEN_WORK),
        ),
    )
    """The case list's indexes (`casework/case_list.py`): one per filter, each ending in the list's order
    (next_deadline, reference), so a filtered page is an index seek with no sort at any page depth;
    a handler's cases at one stage ("my stage-2 cases") have their own. The dashboard's counts per
    stage (`stage_counts`) read only the open work, so a partial index holds just that (decision 39).
    They replace the single-column indexes on landlord, state, stage, handler and overdue."""

    reference: str = Field(primary_key=True)
    landlord: str
    policy_id: str
    policy_version: int
    region: str
    state: str
    stage: int
    handler: str | None = None
    received_at: datetime = Field(sa_column=_utc())
    next_deadline: datetime | None = Field(default=None, sa_column=_utc())
    overdue: bool = False
    last_seq: int = 0
    """The highest event sequence projected; an older projection arriving late never overwrites a newer one."""
    allowed_actions: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    """The lifecycle actions the workflow allows now, as it last projected them: the case page's forms."""
    stage1_handlers: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    """Everyone the workflow counts as having taken a stage-1 decision: none may act on stage 2 (Code 6.13)."""


class CaseDeadline(SQLModel, table=True):
    reference: str = Field(primary_key=True, foreign_key="case.reference")
    name: str = Field(primary_key=True)
    due: date
    met_on: date | None = None
    met: bool | None = None
    provisional: bool = False
    extended_by: int = 0
    cancelled: bool = False


class CaseEvent(SQLModel, table=True):
    reference: str = Field(primary_key=True, foreign_key="case.reference")
    seq: int = Field(primary_key=True)
    at: datetime = Field(sa_column=_utc())
    type: str
    stage: int
    state: str
    details: dict = Field(default_factory=dict, sa_column=Column(JSON))


class Notice(SQLModel, table=True):
    """The outbox: one row per notice ever due; delivery (log, then email) is tracked on the row."""

    idempotency_key: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="case.reference")
    landlord: str
    deadline: str
    kind: str
    due: date
    at: datetime = Field(sa_column=_utc())
    recipients: str
    status: str = "queued"
    """queued (in the outbox, not mailed), then sent once SMTP accepted it (activities/notices.py)."""
    sent_at: datetime | None = Field(default=None, sa_column=_utc())
    attempts: int = 0
    last_error: str = ""


class ResidentNote(SQLModel, table=True):
    """What a resident said, kept here so that its text never enters workflow history."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True)
    at: datetime = Field(sa_column=_utc())
    text: str

    @classmethod
    def store(cls, engine: Engine, reference: str, text: str, at: datetime) -> str:
        note_id = f"note-{uuid4().hex}"
        with Session(engine) as session:
            session.add(cls(id=note_id, reference=reference, at=at, text=text))
            session.commit()
        return note_id


class OmbudsmanEvidence(SQLModel, table=True):
    """What the landlord sent the Ombudsman to show an order complied with, kept here so that its text never
    enters workflow history (`ombudsman_order_complied` carries only this row's id)."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True)
    order_id: str
    at: datetime = Field(sa_column=_utc())
    text: str

    @classmethod
    def store(cls, engine: Engine, reference: str, order_id: str, text: str, at: datetime, row_id: str | None = None) -> str:
        """Keep the evidence (once per `row_id`: a retried command finds its first row) and return its id."""
        row_id = row_id or f"evidence-{uuid4().hex}"
        with Session(engine) as session:
            if session.get(cls, row_id) is None:
                session.add(cls(id=row_id, reference=reference, order_id=order_id, at=at, text=text))
                session.commit()
        return row_id


class ClosureDay(SQLModel, table=True):
    """A landlord's own non-working day (office closure), or an override making a holiday a working day."""

    landlord: str = Field(primary_key=True)
    day: date = Field(primary_key=True)
    kind: str = "closure"
    reason: str = ""


class KnownBankHoliday(SQLModel, table=True):
    """The bank holidays the cases were last told about; `complaints calendar holidays` compares the
    `holidays` package against these rows and signals the cases of a region whose days changed."""

    region: str = Field(primary_key=True)
    day: date = Field(primary_key=True)
    name: str = ""


def make_engine(url: str) -> Engine:
    """An engine for `url`. SQLite files are shared by the worker's activity threads and the readers, so
    they run in WAL mode (readers never block the writer) with NORMAL sync, durable across app crashes."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema through its Alembic migrations (models/migrations/)."""
    from models.migrations import upgrade_to_head

    upgrade_to_head(engine)


def add_closures(engine: Engine, landlord: str, days: list[date], kind: str = "closure", reason: str = "") -> None:
    with Session(engine) as session:
        for day in days:
            session.merge(ClosureDay(landlord=landlord, day=day, kind=kind, reason=reason))
        session.commit()
