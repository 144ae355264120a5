"""What the resident is told when the workflow records an event (Code 5.9 keep them informed, Code 6.6 the
actions promised): the purpose, subject and body of each update. `casework.delivery.tell_of_events` queues
them; the wording of each kind of update lives here, one function each.
"""

import re
from datetime import date

from sqlmodel import Session

from models.letters import HOUSING_OMBUDSMAN
from models.presentation import long_date
from models.record import OutstandingAction
from models.tables import CaseDeadline

RESPOND_DEADLINE = re.compile(r"^stage([12])\.respond$")
ACKNOWLEDGE_DEADLINE = re.compile(r"^stage([12])\.acknowledge$")
OMBUDSMAN_IN_BRIEF = f"the Housing Ombudsman ({HOUSING_OMBUDSMAN.phone}, {HOUSING_OMBUDSMAN.website})"
"""How a message about a delay names the Ombudsman (Code 5.9 messages; the letters give the full details)."""

Update = tuple[str, str, str]
"""(purpose, subject, body) of one update to the resident."""


def update_owed(session: Session, reference: str, event) -> Update | None:
    """The update an event owes the resident, if any: a promised action done or late, a response late, dates
    moved by a re-plan, a stage-2 request received or an acknowledgement late, or news while a response is late."""
    from casework.promised_dates import replanned_words

    details = dict(event.details or {})
    deadline = str(details.get("deadline", ""))
    if event.type == "complete_action" and details.get("action_id"):
        return _action_done(session, reference, details["action_id"])
    if event.type == "deadline_missed" and deadline.startswith("action."):
        return _action_missed(session, reference, deadline.removeprefix("action."))
    if event.type == "deadline_missed" and (match := RESPOND_DEADLINE.match(deadline)):
        return _response_late(match.group(1))
    if event.type == "deadlines_replanned":
        return replanned_words(session, reference, event)
    if event.type == "request_stage2" or ACKNOWLEDGE_DEADLINE.match(deadline):
        return _acknowledging(session, reference, event, details)
    if event.type in ("agree_update_interval", "extend") or (event.type == "deadline_missed" and deadline.startswith("update.")):
        return _keeping_informed(session, reference, event, details)
    return None


def _action_done(session: Session, reference: str, action_id: str) -> Update:
    """A promised action completed (Code 6.6)."""
    action = session.get(OutstandingAction, (reference, action_id))
    what = f"we would {_lower_first(action.description)}" if action else "we would take an action for you"
    return (
        "action_done",
        "An action we promised is done",
        f"In our response to your complaint we said {what}. This has now been done.\n\n"
        "If you think it has not been done, or not done properly, please tell us (on your complaint's page online, or by phone).",
    )


def _action_missed(session: Session, reference: str, action_id: str) -> Update:
    """A promised action's date passed with it not done (Code 6.6)."""
    action = session.get(OutstandingAction, (reference, action_id))
    what = f"we would {_lower_first(action.description)}" if action else "we would take an action for you"
    by = f" by {long_date(action.target_on, weekday=True)}" if action else ""
    return (
        "action_missed",
        "An action we promised is late",
        f"In our response to your complaint we said {what}{by}. This has not been done yet, and we are sorry.\n\n"
        "The person responsible has been told. We will write to you again when it is done. "
        "If this causes you a problem, please tell us (on your complaint's page online, or by phone).",
    )


def _response_late(stage: str) -> Update:
    """A stage's response deadline missed."""
    return (
        "response_late",
        "Our response is late",
        f"We have not sent you our stage {stage} response by the date we promised, and we are sorry.\n\n"
        "We are working on it and will send it as soon as we can. If you are unhappy about the delay you can "
        f"contact {OMBUDSMAN_IN_BRIEF}.",
    )


def _acknowledging(session: Session, reference: str, event, details: dict) -> Update | None:
    """A stage-2 request confirmed at once, with the date we will acknowledge it by; an acknowledgement
    that is late (Code 5.1, 6.13 timescales), said so."""
    if event.type == "request_stage2":
        due = session.get(CaseDeadline, (reference, "stage2.acknowledge"))
        by = f"by {long_date(due.due, weekday=True)}" if due is not None and not due.cancelled else "within 5 working days"
        return (
            "stage2_requested",
            "We have your request for stage 2",
            "We have your request for your complaint to go to stage 2. You did not need to give reasons.\n\n"
            f"Someone who was not involved before will review your complaint. We will write to you {by} to confirm "
            "the review and tell you when you will have our final response.",
        )
    if event.type != "deadline_missed":
        return None
    what = "your stage 2 request" if str(details.get("deadline")).startswith("stage2") else "your complaint"
    return (
        "acknowledge_late",
        "We have not yet confirmed your complaint",
        f"We should have written to you by now to confirm {what} and when we will respond, and we are sorry we have "
        "not.\n\nWe are working on it and will write to you as soon as we can. If you are unhappy about the delay you "
        f"can contact {OMBUDSMAN_IN_BRIEF}.",
    )


def _keeping_informed(session: Session, reference: str, event, details: dict) -> Update | None:
    """What the resident is told while a response is late (Code 5.9), from the dates the workflow projected."""
    respond = session.get(CaseDeadline, (reference, f"stage{event.stage}.respond"))
    due = f" It is now due by {long_date(respond.due, weekday=True)}." if respond is not None and respond.met is not False else ""
    if event.type == "agree_update_interval" and details.get("update_due"):
        first = long_date(date.fromisoformat(str(details["update_due"])), weekday=True)
        return (
            "updates_agreed",
            "We will keep you updated",
            f"Our stage {event.stage} response to your complaint will take longer than our usual timescales.{due}\n\n"
            f"As agreed with you, we will update you at least every {details['working_days']} working days. "
            f"You will hear from us by {first}.",
        )
    if event.type == "deadline_missed":
        return (
            "update_due",
            "An update on your complaint",
            f"We are still working on our stage {event.stage} response to your complaint.{due}\n\n"
            "The person handling your complaint has been asked to contact you. If you have anything to add, "
            "please tell us (on your complaint's page online, or by phone).",
        )
    if event.type == "extend" and details.get("signal"):
        return (
            "extension_agreed",
            "We need more time to respond to your complaint",
            f"We need more time to give you our stage {event.stage} response.{due}\n\n"
            f"If you are unhappy about the delay you can contact {OMBUDSMAN_IN_BRIEF}.",
        )
    return None


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
