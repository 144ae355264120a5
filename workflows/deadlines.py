"""Deadline planning: when each stage's acknowledgement and response are due, and when notices fire.

Deterministic functions of the case's facts, the pinned policy profile and the calendar snapshot
recorded in history, so the workflow can call them on every change and on replay.

DESIGN.md, "Working days": a deadline is met if the action happens on or before its due date (local);
the deadline instant is the end of the due date, Europe/London. Code 2024 timescales (seed 001):
6.2 acknowledge 5 WD from receipt, 6.3 respond 10 WD from acknowledgement, 6.4 extension ≤ 10 WD;
6.11 stage-2 acknowledge 5 WD from the request, 6.14 respond 20 WD from acknowledgement, 6.15 ≤ 20 WD.
Profiles vary the numbers and what the response clock counts from (receipt, logging, acknowledgement).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from temporalio import workflow

from models.calendar import WorkingCalendar, end_of_day, start_of_day
from models.policy import PolicyProfile
from models.policy_rules import NoticeRung, StageRules


@dataclass
class StageFacts:
    """What has happened at one stage; the input to planning its deadlines."""

    stage: int
    received_on: date
    """When the complaint (stage 1) or the escalation request (stage 2) reached the landlord."""
    logged_on: date
    """When it was logged at this stage: the receipt date, or the day an informal concern became stage 1."""
    acknowledged_on: date | None = None
    extended_by: int = 0
    responded_on: date | None = None


@dataclass(frozen=True)
class PlannedDeadline:
    name: str
    due: date
    provisional: bool
    """True while the clock counts from an acknowledgement that has not happened yet."""
    running: bool
    """True when the clock has started, so its notices are scheduled."""
    extended_by: int = 0


def stage_rules(policy: PolicyProfile, stage: int) -> StageRules:
    return policy.stage1 if stage == 1 else policy.stage2


def plan_stage(policy: PolicyProfile, facts: StageFacts, calendar: WorkingCalendar) -> list[PlannedDeadline]:
    """The acknowledgement and response deadlines of one stage, after any agreed extension."""
    rules = stage_rules(policy, facts.stage)
    prefix = f"stage{facts.stage}"
    acknowledge_by = calendar.add_working_days(facts.logged_on, rules.acknowledge_working_days)
    acknowledge = PlannedDeadline(f"{prefix}.acknowledge", acknowledge_by, provisional=False, running=True)
    clock_start = {
        "receipt": facts.received_on,
        "logging": facts.logged_on,
        "acknowledgement": facts.acknowledged_on or acknowledge_by,
    }[rules.respond_from]
    provisional = rules.respond_from == "acknowledgement" and facts.acknowledged_on is None
    respond_by = calendar.add_working_days(clock_start, rules.respond_working_days + facts.extended_by)
    respond = PlannedDeadline(
        f"{prefix}.respond", respond_by, provisional, running=not provisional, extended_by=facts.extended_by
    )
    return [acknowledge, respond]


def extension_contact_due(policy: PolicyProfile, facts: StageFacts, calendar: WorkingCalendar) -> date | None:
    """The last day the landlord's own policy gives for contacting the resident about an extension (Wolverhampton
    002 §7.1: "within 10 days of the complaint being received", §7.2: 20); None where the profile sets none."""
    rules = stage_rules(policy, facts.stage)
    if rules.extension_contact_days is None:
        return None
    start = {
        "receipt": facts.received_on,
        "logging": facts.logged_on,
        "acknowledgement": facts.acknowledged_on or facts.logged_on,
    }[rules.extension_contact_from]
    if rules.extension_contact_day_kind == "calendar_days":
        return start + timedelta(days=rules.extension_contact_days)
    return calendar.add_working_days(start, rules.extension_contact_days)


def plan_pre_stage(policy: PolicyProfile, received_on: date, calendar: WorkingCalendar) -> PlannedDeadline:
    assert policy.pre_stage is not None
    due = calendar.add_working_days(received_on, policy.pre_stage.resolve_working_days)
    return PlannedDeadline("pre_stage.resolve", due, provisional=False, running=True)


def notice_instant(rung: NoticeRung, due: date, calendar: WorkingCalendar) -> datetime:
    """When a rung of the notice ladder fires for a deadline due on `due`."""
    day = ladder_day(due, rung.working_days, calendar)
    return start_of_day(day) if rung.at == "start_of_day" else end_of_day(day)


def ladder_day(due: date, working_days: int, calendar: WorkingCalendar) -> date:
    """The day a rung falls on, `working_days` before (negative) or after the due date. A typed-in due date
    (an action's target, a review, the Ombudsman's dates) may fall on a weekend, bank holiday or closure day:
    the deadline is still the end of that date (DESIGN.md "Working days"), so the rung at 0 is the date itself,
    and "n working days after" counts from the day after it (Saturday + 1 = Monday), "before" from the day before.
    Planned dates are working days, where this is `add_working_days`."""
    if calendar.is_working_day(due) or not _due_date_ends_on_the_day():
        return calendar.add_working_days(due, working_days)
    if working_days == 0:
        return due
    return calendar.add_working_days(due, working_days - 1 if working_days > 0 else working_days)


DUE_DATE_ENDS_ON_THE_DAY = "due-date-ends-on-the-day"
"""Histories recorded before this rule rolled a non-working due date forward before taking its end; they keep
replaying so, and every case goes on under the rule from its next workflow task (workflow.patched)."""


def _due_date_ends_on_the_day() -> bool:
    return not workflow.in_workflow() or workflow.patched(DUE_DATE_ENDS_ON_THE_DAY)
