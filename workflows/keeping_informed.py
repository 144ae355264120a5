"""Keeping the resident informed while a response is late (Code 5.9): an agreed interval, and each update.

"Where a response to a complaint will fall outside the timescales set out in this Code, the landlord must
agree with the resident suitable intervals for keeping them informed about their complaint" (seed 001,
5.9). Once the stage's response has been extended or is overdue (the lifecycle's `response_late` guard),
the handler records the interval agreed;
each update then falls due as deadline `update.<n>` on the notice ladder, and `record_update` meets it.
The response itself ends the interval (`CaseState.end_updates`).
"""

from datetime import date

from models.case import AgreeUpdateInterval, RecordUpdate
from workflows.case_state import CaseState, Details


def agree_update_interval(case: CaseState, command: AgreeUpdateInterval, day: date) -> Details:
    """A new interval replaces any agreed before: the update still open is re-planned from today."""
    for name in case.open_items("update"):
        if case.deadlines[f"update.{name}"].met is None:
            case.deadlines[f"update.{name}"].cancelled = True
    case.update_interval = command.working_days
    due = case.schedule_update(day)
    return {"working_days": command.working_days, "update_due": due.isoformat()}


def record_update(case: CaseState, command: RecordUpdate, day: date) -> Details:
    """Every update owed is given now (a late one stays missed); the next falls due an interval from today."""
    for name in case.open_items("update"):
        case.settle(f"update.{name}", day)
    details: Details = {}
    if case.update_interval is not None:
        details["update_due"] = case.schedule_update(day).isoformat()
    return details
