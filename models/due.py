"""When a deadline falls due, in the words every page, the CLI and the notices use: the one home of
"overdue", "due today" and "due soon".

A deadline is met if the action happens on or before its due date (local); its instant is the end of
that date, Europe/London (`models.calendar.end_of_day`), which is midnight at the start of the *next*
day. So the due date of an instant is the local date of the microsecond before it (`due_date`), never
the local date of the instant itself (that is one day late).

`urgency(due, today)` classifies a due date; `instant_bounds(urgency, today)` gives the same classes as
a half-open range of deadline instants, (after, up_to], so the lists select in SQL exactly what
`urgency` says of each row. Pure functions of dates: safe for workflow code too.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum

from models.calendar import end_of_day, local_date

DUE_SOON_DAYS = 7
"""Due soon: due after today and at most this many calendar days ahead (a case due in 7 days is in)."""
_JUST_BEFORE = timedelta(microseconds=1)


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    LATER = "later"

    @property
    def words(self) -> str:
        return {"overdue": "overdue", "due_today": "due today", "due_soon": "due soon", "later": "later"}[self.value]


def due_date(deadline: datetime) -> date:
    """The due date (local) of a deadline instant (the end of that date, Europe/London)."""
    return local_date(deadline - _JUST_BEFORE)


def urgency(due: date, today: date) -> Urgency:
    """Overdue once the due date has passed; due today on it; due soon within DUE_SOON_DAYS after today."""
    if due < today:
        return Urgency.OVERDUE
    if due == today:
        return Urgency.DUE_TODAY
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return Urgency.DUE_SOON
    return Urgency.LATER


def instant_bounds(which: Urgency, today: date) -> tuple[datetime | None, datetime | None]:
    """(after, up_to]: the deadline instants whose due date `urgency` puts in `which` (None: unbounded)."""
    yesterday_ends, today_ends = end_of_day(today - timedelta(days=1)), end_of_day(today)
    return {
        Urgency.OVERDUE: (None, yesterday_ends),
        Urgency.DUE_TODAY: (yesterday_ends, today_ends),
        Urgency.DUE_SOON: (today_ends, end_of_day(today + timedelta(days=DUE_SOON_DAYS))),
        Urgency.LATER: (end_of_day(today + timedelta(days=DUE_SOON_DAYS)), None),
    }[which]


def deadline_words(name: str) -> str:
    """What has to be done by a deadline, in words ("Respond at stage 1"), from its name (DESIGN.md)."""
    head, _, rest = name.partition(".")
    if head == "update" and rest.isdigit():
        return f"Update the resident (update {rest})"
    if head == "resident_input":  # not a deadline: a resident added information (casework.notices.tell_of_resident_note)
        return "Read what the resident added"
    if head in ("stage1", "stage2"):
        verb = {"acknowledge": "Acknowledge", "respond": "Respond"}.get(rest, rest.replace("_", " ").capitalize())
        return f"{verb} at stage {head[-1]}"
    return (
        {
            "pre_stage": "Resolve at the informal stage",
            "action": "Complete a promised action",
            "review": "Review an adjustment or restriction",
            "update": "Update the resident",
        }.get(head)
        or {
            "ombudsman.evidence": "Send evidence to the Ombudsman",
        }.get(name)
        or (
            "Comply with an Ombudsman order"
            if name.startswith("ombudsman.order.")
            else name.replace(".", " ").replace("_", " ").capitalize()
        )
    )
