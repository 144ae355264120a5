"""What the governing body sees and says, and why complaints happened, in the read model.

`ResponseRootCause`: the root causes (models/taxonomy.py codes) found when a complaint was answered, one
row per cause per response, keyed by the respond command's id (a refused response removes them again).
`GoverningBodyResponse`: the governing body's response to the annual complaints performance and service
improvement report, published beside it (Code 8.2). Free text lives here, never in a workflow.
"""

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel


class ResponseRootCause(SQLModel, table=True):
    command_id: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    stage: int
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True)))


class GoverningBodyResponse(SQLModel, table=True):
    """One per landlord and reporting year; recording it again replaces the text (the latest is published)."""

    landlord: str = Field(primary_key=True)
    """A policy id, or "all" for the report across every landlord."""
    year: str = Field(primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True)))
