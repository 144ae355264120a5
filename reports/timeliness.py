"""Timeliness against the Code's own timescales (not the landlord's), as TSM CH02 asks: the due dates of
one stage of one case and whether each was met, as of a report's date.

The dates come from the workflow's one planner (`workflows.deadlines.plan_stage`) with the `code-2024`
profile and the case's working calendar (`models.calendar`): stage 1 acknowledged within 5 working days
of receipt (6.2) and answered within 10 of acknowledgement (6.3), stage 2 within 5 (6.11) and 20 (6.14).
An extension counts when agreed before the response fell due, given with the Ombudsman's details (6.5,
6.16), and only up to the profile's normal limit (6.4, 6.15). A late acknowledgement buys no time: the
response clock starts at the acknowledgement or at the last day it was due, whichever is earlier.

A deadline not done by the report's date and already past due then is missed (issue 26): a report never
counts an overdue step as "not yet decided". See docs/decisions.md.
"""

from datetime import date
from functools import lru_cache

from models.calendar import WorkingCalendar, uk_calendar_snapshot
from models.policy import DEFAULT_PROFILE_ID, PolicyProfile, load_profile
from reports.report_facts import CaseFacts, Fact, StageRecord
from workflows.deadlines import StageFacts, plan_stage, stage_rules


@lru_cache(maxsize=1)
def code_profile() -> PolicyProfile:
    """The Code's timescales are the default profile's (policies/code-2024.toml), whatever the landlord's."""
    return load_profile(DEFAULT_PROFILE_ID)


def code_extension_limit(stage: int) -> int:
    """The Code's normal extension limit at a stage (6.4: 10 working days; 6.15: 20)."""
    return stage_rules(code_profile(), stage).extension_max_working_days


@lru_cache(maxsize=256)
def _calendar(region: str, closures: tuple[date, ...], year: int) -> WorkingCalendar:
    return WorkingCalendar(uk_calendar_snapshot(region, range(year - 1, year + 3), closures=closures))


def calendar_for(case: CaseFacts, day: date) -> WorkingCalendar:
    """The case's working days (its nation's bank holidays and its landlord's closures) around `day`."""
    return _calendar(case.region, case.closures, day.year)


class Timeliness(Fact):
    acknowledge_due: date
    acknowledged_in_time: bool | None
    """None while not acknowledged and not yet past due on the report's date."""
    respond_due: date
    responded_in_time: bool | None
    letter_in_time: bool | None
    extension_counted: int


def judged(done_on: date | None, due: date, as_of: date | None) -> bool | None:
    """Met (done by the due date), missed (done late, or not done and past due on `as_of`), or None (not
    done and not yet due on `as_of`). A step done after `as_of` counts as not done by then."""
    if done_on is not None and (as_of is None or done_on <= as_of):
        return done_on <= due
    return False if as_of is not None and as_of > due else None


def _plan(record: StageRecord, calendar: WorkingCalendar, acknowledged_on: date | None, extended_by: int) -> tuple[date, date]:
    facts = StageFacts(
        stage=record.stage,
        received_on=record.received_on,
        logged_on=record.received_on,
        acknowledged_on=acknowledged_on,
        extended_by=extended_by,
    )
    acknowledge, respond = plan_stage(code_profile(), facts, calendar)
    return acknowledge.due, respond.due


def code_timeliness(case: CaseFacts, record: StageRecord, as_of: date | None = None) -> Timeliness:
    """The Code's due dates for one stage and whether each was met by `as_of` (see the module docstring)."""
    calendar = calendar_for(case, record.received_on)
    ack_due, _ = _plan(record, calendar, None, 0)
    clock_from = min(record.acknowledged_on or ack_due, ack_due)
    _, due = _plan(record, calendar, clock_from, 0)
    most, counted = code_extension_limit(record.stage), 0
    for extension in sorted(record.extensions, key=lambda e: e.on):
        if extension.on > due or not extension.ombudsman_details_given or counted >= most:
            continue
        counted = min(most, counted + extension.working_days)
        _, due = _plan(record, calendar, clock_from, counted)
    return Timeliness(
        acknowledge_due=ack_due,
        acknowledged_in_time=judged(record.acknowledged_on, ack_due, as_of),
        respond_due=due,
        responded_in_time=judged(record.responded_on, due, as_of),
        letter_in_time=judged(record.letter_issued_on, due, as_of),
        extension_counted=counted,
    )
