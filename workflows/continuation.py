"""A long case continues as new: the state one run hands to the next, so no history grows without bound.

A case lives for a year or more and residents may write to it as often as they like; every note is a few
events in its workflow's history, and Temporal refuses a history past 51,200 events. So when the history
grows long (Temporal suggests it, or it passes `HISTORY_EVENTS_LIMIT`), the workflow finishes its
handlers and starts a new run of the same workflow id carrying `CarriedCase`: everything `CaseState`
holds plus what the run itself keeps (the clock offset of a simulation, the last re-plan, refused
signals). The new run loads nothing: it goes on exactly where the last one stopped.

Resident notes are the one thing that can grow without bound, and the workflow decides nothing from
them: they are in the read model already (projected by sequence number), so the carried timeline leaves
them out and counts them (`CaseState.uncarried_events`), keeping the command ids of the latest
`NOTE_IDS_KEPT` so a retried note is still recognised.
"""

from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from temporalio import workflow

from models.calendar import CalendarSnapshot, WorkingCalendar
from models.case import CaseInput, EventView, NoticeView
from models.policy import PolicyProfile
from workflows.case_state import CaseState, Deadline
from workflows.deadlines import StageFacts

HISTORY_EVENTS_LIMIT = 4_000
"""Continue as new past this many history events: well under Temporal's warning at 10,240 (and its limit
of 51,200), leaving room for the commands handled while the run drains."""
NOTE_IDS_KEPT = 200
"""Command ids of the latest resident notes still recognised as repeats after the case continues as new."""
UNCARRIED_EVENT = "resident_input"
"""The event type left behind (in the read model) when the case continues as new."""
REJECTED_SIGNALS_KEPT = 200
"""Refused signals the case page lists, the latest first kept when the case continues as new."""
RUN_FIELDS = ("clock_offset", "planned_at", "calendar_stale", "rejected_signals")
"""What the run keeps beside the case state (workflows/complaint.py)."""


class CarriedCase(BaseModel):
    """What a new run of a case starts from when the last one continued as new."""

    case: CaseInput
    policy: PolicyProfile
    calendar: CalendarSnapshot
    state: str
    stage: int
    stages: dict[int, StageFacts]
    deadlines: dict[str, Deadline]
    events: list[EventView]
    notices: list[NoticeView]
    done_commands: list[str]
    handler: str | None
    stage1_people: list[str]
    consents: dict[str, bool]
    window_accepted: bool
    late_stage2: bool
    stage1_responded_on: date | None
    reopened: bool
    review_rounds: dict[str, int]
    update_interval: int | None
    update_rounds: int
    update_counted_from: dict[str, date]
    uncarried_events: int
    clock_offset: timedelta
    planned_at: datetime | None
    calendar_stale: bool
    rejected_signals: list[str]


def history_is_long(case: CaseInput) -> bool:
    """Temporal suggests continuing as new, or the history has passed HISTORY_EVENTS_LIMIT or the case's own
    lower `history_events_limit` (all recorded in history, so replay decides the same)."""
    info = workflow.info()
    limit = min(case.history_events_limit or HISTORY_EVENTS_LIMIT, HISTORY_EVENTS_LIMIT)
    return info.is_continue_as_new_suggested() or info.get_current_history_length() >= limit


def carry(state: CaseState, **run: Any) -> CarriedCase:
    """The case as the next run needs it (`run`: the RUN_FIELDS); resident notes are counted, not carried."""
    last = len(state.events) - 1
    left = [e for i, e in enumerate(state.events) if e.type == UNCARRIED_EVENT and i != last]
    kept = [e for i, e in enumerate(state.events) if e.type != UNCARRIED_EVENT or i == last]
    forgotten = {str(e.details["command_id"]) for e in left[:-NOTE_IDS_KEPT] if "command_id" in e.details}
    values = {f.name: getattr(state, f.name) for f in fields(state) if f.name != "calendar"}
    values.update(
        case=state.case.model_copy(update={"reopened_from": None}),  # its state is in this, not twice
        calendar=state.calendar.snapshot,
        events=kept,
        uncarried_events=state.uncarried_events + len(left),
        done_commands=sorted(state.done_commands - forgotten),
        rejected_signals=list(run.pop("rejected_signals"))[-REJECTED_SIGNALS_KEPT:],
    )
    return CarriedCase(**values, **run)


def resume(carried: CarriedCase) -> CaseState:
    """The case state a continued run starts from, exactly as the last run left it."""
    values = {name: getattr(carried, name) for name in CarriedCase.model_fields if name not in RUN_FIELDS}
    values.update(calendar=WorkingCalendar(carried.calendar), done_commands=set(carried.done_commands))
    return CaseState(**values)
