"""How the system shows things to people: the one home of date, time and money styles, the words for a
case's state and a staff action, and people's names instead of sign-in names (issue 26 item 7).

Dates follow the GOV.UK style: "3 December 2026", with the weekday where it helps someone plan
("Thursday 3 December 2026"); times "2:05pm", in UK local time. Money "£325", or "£150.50" when there are
pence. Pages (the `date`, `day`, `when`, `money`, `state_words` and `action_words` filters), letters,
residents' messages and staff notices all use these functions, so one style reads everywhere.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime

from models.calendar import LONDON, local_date
from accounts.users import ROLE_NAMES
from workflows.lifecycle import DONE_STATES

STATE_WORDS = {
    "received": "received",
    "pre_stage": "informal stage",
    "stage1_acknowledged": "acknowledged",
    "stage1_extended": "extended",
    "stage1_responded": "responded",
    "stage2_requested": "stage 2 requested",
    "stage2_acknowledged": "acknowledged",
    "stage2_extended": "extended",
    "stage2_responded": "final response sent",
    "closed": "closed",
    "withdrawn": "withdrawn",
    "excluded": "excluded",
}
"""A case's lifecycle state as the team says it; the stage is shown beside it ("Stage 2 · acknowledged")."""
STATE_COLOURS = {
    "received": "blue",
    "stage1_acknowledged": "light-blue",
    "stage1_extended": "yellow",
    "stage1_responded": "green",
    "stage2_requested": "purple",
    "stage2_acknowledged": "light-blue",
    "stage2_extended": "yellow",
    "stage2_responded": "green",
    "excluded": "red",
}
"""The colour of a state's tag on the pages (static/app.css `tag--<colour>`); any other state is grey."""


def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, "grey")


ACTION_WORDS = {
    "request_stage2": "Request stage 2",
    "resident_input": "Record what the resident said",
    "record_consent": "Record consent",
    "record_review": "Record a review",
    "record_adjustment": "Record a reasonable adjustment",
    "record_restriction": "Record a contact restriction",
    "accept_outside_window": "Accept outside the complaint window",
    "agree_update_interval": "Agree how often to update the resident",
    "add_complaint": "Add a related complaint",
    "complete_action": "Mark a promised action done",
    "schedule_review": "Schedule a review",
    "ombudsman_referral": "Record the Ombudsman's referral",
    "ombudsman_evidence_requested": "Record the Ombudsman's request for evidence",
    "ombudsman_evidence_sent": "Record the evidence sent to the Ombudsman",
    "ombudsman_determination": "Record the Ombudsman's determination",
    "ombudsman_order_complied": "Record compliance with an Ombudsman order",
    "complaint_handling_failure_order": "Record a complaint handling failure order",
}
"""A staff action's button and heading; any other action reads as its name in words ("Acknowledge")."""


EVENT_WORDS = {
    "acknowledge": "Acknowledged",
    "extend": "Extended",
    "respond": "Responded",
    "assign": "Assigned",
    "request_stage2": "Stage 2 requested",
    "resident_input": "Information from the resident",
    "withdraw": "Withdrawn",
    "exclude": "Excluded",
    "close": "Closed",
    "deadline_missed": "Deadline missed",
    "notice": "Notice sent",
    "complete_action": "Promised action done",
    "record_consent": "Consent recorded",
    "record_adjustment": "Reasonable adjustment recorded",
    "record_restriction": "Contact restriction recorded",
    "record_review": "Review recorded",
    "add_complaint": "Related complaint added",
}
"""A timeline entry: what happened, in the past tense; any other event reads as its name in words."""


def long_date(day: date | datetime | None, weekday: bool = False) -> str:
    """'3 December 2026' (or 'Thursday 3 December 2026'); an instant is shown on its UK local date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = local_date(day)
    return f"{day:%A} {day.day} {day:%B %Y}" if weekday else f"{day.day} {day:%B %Y}"


def clock_time(instant: datetime) -> str:
    """'2:05pm', '9am', 'midday', 'midnight': the GOV.UK time style, in UK local time."""
    local = instant.astimezone(LONDON) if instant.tzinfo else instant
    if (local.hour, local.minute) in ((12, 0), (0, 0)):
        return "midday" if local.hour else "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def date_and_time(instant: datetime) -> str:
    """'3 December 2026 at 2:05pm', in UK local time."""
    return f"{long_date(instant)} at {clock_time(instant)}"


def detail_value(value: object) -> str:
    """A value recorded on a timeline, for people: an ISO instant or date in words, a code in words."""
    text = str(value)
    try:
        if len(text) == 10:
            return long_date(date.fromisoformat(text))
        if len(text) > 10 and text[10] == "T":
            return date_and_time(datetime.fromisoformat(text))
    except ValueError:
        pass
    return text.replace("_", " ")


def money(pence: int) -> str:
    """'£325' for whole pounds, '£150.50' otherwise, with thousands separated ('£1,200')."""
    return f"£{pence // 100:,}" if pence % 100 == 0 else f"£{pence // 100:,}.{pence % 100:02d}"


def state_words(state: str) -> str:
    return STATE_WORDS.get(state, state.replace("_", " "))


def stage_and_state(stage: int, state: str) -> str:
    """'Stage 2: acknowledged'; an ended case reads by its end alone ('Closed')."""
    if state in DONE_STATES:
        return state_words(state).capitalize()
    return f"Stage {stage}: {state_words(state)}"


def event_words(event: str) -> str:
    return EVENT_WORDS.get(event, event.replace("_", " ").capitalize())


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def person(names: Mapping[str, tuple[str, str]], username: str | None, role: bool = False) -> str:
    """A member of staff by name ('Hana Patel', or 'Hana Patel, Complaints handler'), never their sign-in
    name unless no account has it any more. `names` is `casework.staff.display_names`."""
    if not username:
        return ""
    found = names.get(username)
    if found is None:
        return username
    name, account_role = found
    return f"{name}, {ROLE_NAMES.get(account_role, account_role)}" if role else name


def paragraphs(text: str) -> list[str]:
    """Text typed in a box as its paragraphs: split at blank lines, whatever the line ends (a browser sends
    CRLF) and however many spaces a blank line holds. The one rule for letters and the published reports."""
    return [part.strip() for part in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")) if part.strip()]
