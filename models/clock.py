"""The one clock outside the workflow (DESIGN.md "Working days": dates are local to Europe/London).

Pages, commands, reports and casework ask here for "now" and "today", never the server's own date (its time
zone): between midnight and 01:00 London time in summer the server's date is still yesterday's, and bounds,
"overdue" tags and reports would disagree with the workflow. Workflow code reads `workflow.now()` instead.
"""

from datetime import date, datetime, timezone

from models.calendar import local_date


def now() -> datetime:
    """This instant, in UTC (tests replace it to stand at midnight or at the clocks' change)."""
    return datetime.now(timezone.utc)


def london_today() -> date:
    """Today's date in London."""
    return local_date(now())


def stored_utc(instant: datetime) -> datetime:
    """An instant read back from the database: SQLite returns it without its zone, and it was stored in UTC."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=timezone.utc)
