"""The governing body's response to the annual complaints performance and service improvement report,
recorded by a complaints manager or an administrator and published beside the report (Code 8.2)."""

from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.access import Actor, require
from casework.errors import CommandRejected
from models.governance import GoverningBodyResponse
from models.policy import all_profiles
from reports.reporting import ReportingYear

ALL_LANDLORDS = "all"
MAX_RESPONSE = 20_000


def record_response(engine: Engine, actor: Actor, landlord: str | None, year: str, text: str) -> GoverningBodyResponse:
    """Record (or replace) the response for one landlord's report (or the report across all landlords)."""
    require(actor.role, "record_governing_response")
    try:
        reporting_year = ReportingYear.parse(year)
    except ValueError as error:
        raise CommandRejected("year", str(error)) from None
    key = landlord or ALL_LANDLORDS
    if key != ALL_LANDLORDS and key not in all_profiles():
        raise CommandRejected(
            "landlord", f"must be a policy profile's id ({', '.join(sorted(all_profiles()))}) or empty for all landlords"
        )
    text = text.strip()
    if not text:
        raise CommandRejected("text", "enter the governing body's response")
    if len(text) > MAX_RESPONSE:
        raise CommandRejected("text", f"must be at most {MAX_RESPONSE:,} characters (it has {len(text):,})")
    row = GoverningBodyResponse(
        landlord=key, year=reporting_year.label, text=text, recorded_by=actor.username, recorded_at=datetime.now(timezone.utc)
    )
    with Session(engine) as session:
        session.merge(row)
        session.commit()
    return row


def published_response(engine: Engine, landlord: str | None, year: ReportingYear) -> GoverningBodyResponse | None:
    with Session(engine) as session:
        row = session.get(GoverningBodyResponse, (landlord or ALL_LANDLORDS, year.label))
        if row is not None:
            session.expunge(row)
        return row
