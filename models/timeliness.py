"""Timeliness against the Code's own timescales (not the landlord's), as TSM CH02 asks: the due dates of
one stage of one case and whether each was met.

Stage 1 acknowledged within 5 working days of receipt (6.2) and answered within 10 of acknowledgement
(6.3), stage 2 within 5 (6.11) and 20 (6.14); an extension counts when agreed before the response fell
due, given with the Ombudsman's details (6.5, 6.16), and only up to the Code's 10 / 20 working days
(6.4, 6.15). A late acknowledgement buys no time: the response clock starts at the acknowledgement or
at the last day the acknowledgement was due, whichever is earlier. See docs/decisions.md.
"""

from datetime import date
from functools import lru_cache

from models.calendar import WorkingCalendar, uk_calendar_snapshot
from models.report_facts import CaseFacts, Fact, StageRecord

CODE_TIMESCALES = {1: (5, 10, 10), 2: (5, 20, 20)}
"""Per stage: acknowledge, respond and extension working days of the Code (6.2-6.4, 6.11, 6.14, 6.15)."""


@lru_cache(maxsize=256)
def _calendar(region: str, closures: tuple[date, ...], year: int) -> WorkingCalendar:
    return WorkingCalendar(uk_calendar_snapshot(region, range(year - 1, year + 3), closures=closures))


def calendar_for(case: CaseFacts, day: date) -> WorkingCalendar:
    """The case's working days (its nation's bank holidays and its landlord's closures) around `day`."""
    return _calendar(case.region, case.closures, day.year)


class Timeliness(Fact):
    acknowledge_due: date
    acknowledged_in_time: bool | None
    """None while not yet acknowledged and not yet late."""
    respond_due: date
    responded_in_time: bool | None
    letter_in_time: bool | None
    extension_counted: int


def code_timeliness(case: CaseFacts, record: StageRecord) -> Timeliness:
    """The Code's due dates for one stage and whether each was met (see the module docstring)."""
    calendar = calendar_for(case, record.received_on)
    ack_days, respond_days, most = CODE_TIMESCALES[record.stage]
    ack_due = calendar.add_working_days(record.received_on, ack_days)
    start = min(record.acknowledged_on or ack_due, ack_due)
    due = calendar.add_working_days(start, respond_days)
    counted = 0
    for extension in sorted(record.extensions, key=lambda e: e.on):
        if extension.on > due or not extension.ombudsman_details_given or counted >= most:
            continue
        counted = min(most, counted + extension.working_days)
        due = calendar.add_working_days(start, respond_days + counted)
    return Timeliness(
        acknowledge_due=ack_due,
        acknowledged_in_time=None if record.acknowledged_on is None else record.acknowledged_on <= ack_due,
        respond_due=due,
        responded_in_time=None if record.responded_on is None else record.responded_on <= due,
        letter_in_time=None if record.letter_issued_on is None else record.letter_issued_on <= due,
        extension_counted=counted,
    )
