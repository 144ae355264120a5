"""The read model of hazards (Awaab's Law): written only by the `project_hazard` activity, read by the web,
the CLI and the reports. Keyed by hazard reference and event sequence, so a replay never writes twice."""

from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.tables import _utc


class Hazard(SQLModel, table=True):
    reference: str = Field(primary_key=True)
    landlord: str = Field(index=True)
    category: str
    level: str | None = None
    """The triage: emergency, significant or not_relevant (None until triaged)."""
    found: str | None = None
    state: str = Field(default="open", index=True)
    aware_at: datetime = Field(sa_column=_utc())
    linked: str = ""
    """Complaint and service-request references, comma-separated."""
    next_due_at: datetime | None = Field(default=None, sa_column=_utc())
    """The nearest instant a clock still owed runs out (the 24-hour instant, or the end of a due date)."""
    overdue: bool = False
    last_seq: int = 0
    allowed: str = ""
    """The steps the workflow allows now, comma-separated (the page's forms offer only these)."""


class HazardDeadline(SQLModel, table=True):
    reference: str = Field(primary_key=True, foreign_key="hazard.reference")
    name: str = Field(primary_key=True)
    due: date
    due_at: datetime | None = Field(default=None, sa_column=_utc())
    met: bool | None = None
    met_on: date | None = None
    ceased: str | None = None


class HazardEvent(SQLModel, table=True):
    reference: str = Field(primary_key=True, foreign_key="hazard.reference")
    seq: int = Field(primary_key=True)
    at: datetime = Field(sa_column=_utc())
    type: str
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
