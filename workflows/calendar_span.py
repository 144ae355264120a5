"""Which years a case's calendar covers, and when it is renewed: from the earlier of receipt and today to
past every date the case plans, renewed as each new year comes."""

from datetime import date, datetime

from models.activity_inputs import CalendarRequest
from models.calendar import CalendarSnapshot, end_of_day, local_date
from models.case import CaseInput
from workflows.case_state import CaseState

CALENDAR_YEARS_AHEAD = 3
"""The calendar reaches this many years past the current one: past every date a command may plan
(command_rule.PLANNING_HORIZON, two years) and the ladder's notices after it. Renewed every new year."""


def request(case: CaseInput, received_on: date, state: CaseState | None, now: datetime) -> CalendarRequest:
    """Bank holidays and closures from the earlier of receipt and today to past every planned date."""
    today = local_date(now)
    latest = today if state is None else max(today, state.latest_date())
    return CalendarRequest(
        landlord=case.landlord,
        region=case.region,
        first_year=min(received_on.year, today.year),
        last_year=max(today.year + CALENDAR_YEARS_AHEAD, latest.year + 1),
    )


def needs_renewal(snapshot: CalendarSnapshot, now: datetime) -> bool:
    return local_date(now).year + CALENDAR_YEARS_AHEAD > snapshot.last_year


def renewal(snapshot: CalendarSnapshot) -> datetime:
    """The end of the year after which the calendar no longer reaches far enough ahead."""
    return end_of_day(date(snapshot.last_year - CALENDAR_YEARS_AHEAD, 12, 31))
