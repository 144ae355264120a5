"""What the workflow does beside applying a command: issue its drafted letter (decision 130), and put a
signal refused by an unexpected error on the case's timeline (decision 132). The hazard workflow issues
the reg 9 written summary through the same `issue_and_mail` (decision 207).

The one hook `after_command` is called by ComplaintWorkflow once a command has applied and been
projected (never for a refused command or a repeated id). A command that carries `letter_ref` had its
letter drafted before it was sent; the `issue_letter` activity issues it and queues its deliveries
(idempotently, visible in history), and `mail_letter` mails it beside the deadline loop. Guarded by
`workflow.patched`, so histories recorded before letters were issued here replay unchanged.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from models.activity_inputs import IssueLetter
    from models.case import Payload
    from workflows.case_state import CaseState

ISSUE_LETTERS_PATCH = "letters-issued-by-workflow"
REFUSED_SIGNALS_PATCH = "refused-signals-on-timeline"
UNEXPECTED = "unexpected_error"
ISSUE_TIMEOUT = timedelta(seconds=60)
ISSUE_WINDOW = timedelta(minutes=10)
"""How long issuing is retried while the database is unreachable; after that the draft waits for ops."""
MAIL_WINDOW = timedelta(days=3)
"""How long a letter's email is retried while the mail server says "later" (as a notice's is)."""
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


async def after_command(state: CaseState, command: Any, background: set[asyncio.Task[None]]) -> None:
    """Issue the letter drafted for this applied command, if it has one; its mailing joins `background`."""
    if not getattr(command, "letter_ref", None) or not workflow.patched(ISSUE_LETTERS_PATCH):
        return
    respond = state.deadlines.get(f"stage{state.stage}.respond")
    request = IssueLetter(
        reference=state.case.reference,
        command_id=command.command_id,
        seq=len(state.events),
        stage=state.stage,
        response_due=respond.due if respond is not None else None,
    )
    await issue_and_mail("issue_letter", request, background)


async def issue_and_mail(issuing: str, request: Payload, background: set[asyncio.Task[None]]) -> None:
    """Issue a letter by the activity `issuing` (inside the Update, so staff see it when the action returns),
    then mail it beside the workflow's loop; the activity answers None when there is nothing to issue."""
    try:
        letter_id = await _issue(issuing, request, ISSUE_WINDOW)
    except ActivityError:  # the database is away: the action's answer does not wait; issuing goes on beside
        letter_id = None
    else:
        if letter_id is None:  # no draft for this command (it came another way): nothing to issue
            return
    task = asyncio.create_task(_mail(issuing, request, letter_id))
    background.add(task)
    task.add_done_callback(background.discard)


async def _issue(issuing: str, request: Payload, window: timedelta) -> str | None:
    return await workflow.execute_activity(
        issuing,
        request,
        result_type=str | None,  # type: ignore[arg-type]  # temporalio types it `type`; the converter takes any type hint
        start_to_close_timeout=ISSUE_TIMEOUT,
        schedule_to_close_timeout=window,
        retry_policy=RETRY,
    )


async def _mail(issuing: str, request: Payload, letter_id: str | None) -> None:
    """Mail the issued letter (issuing it first, for as long as mail is retried, if the Update could not)."""
    try:
        letter_id = letter_id or await _issue(issuing, request, MAIL_WINDOW)
        if letter_id:
            await workflow.execute_activity(
                "mail_letter",
                letter_id,
                start_to_close_timeout=ISSUE_TIMEOUT,
                schedule_to_close_timeout=MAIL_WINDOW,
                retry_policy=RETRY,
            )
    except ActivityError:
        workflow.logger.warning(
            "letter for command %s not issued or mailed in time; its draft and outbox rows say why",
            getattr(request, "command_id", "?"),
        )


def record_refused_signal(state: CaseState, name: str, error: Exception, at: datetime) -> bool:
    """Record a signal refused by an unexpected error as a `signal_refused` event (the case page's
    timeline and the ops list read it from the read model); True when the caller must project it. No
    Signal has a caller waiting for its answer, so without this a bug's refusal would go unseen."""
    details: Sequence[Any] = getattr(error, "details", None) or ({},)
    if not isinstance(details[0], dict) or details[0].get("rule") != UNEXPECTED or not workflow.patched(REFUSED_SIGNALS_PATCH):
        return False
    state.record("signal_refused", at, {"signal": name, "rule": UNEXPECTED, "field": details[0].get("field", "action")})
    return True
