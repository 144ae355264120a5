"""Sending a command to a case's workflow: the Update that decides, and its refusal read as data.

A refusal comes back from the workflow as a structured `models.refusal.Refusal` (field, rule, message);
it is raised here as `CommandRejected` naming the field, never by reading the error's text.
"""

from typing import Any

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from casework.errors import CommandRejected
from models.case import CaseSummary
from models.refusal import refusal_of
from workflows.complaint import ComplaintWorkflow
from workflows.lifecycle import describe

CASE_ENDED = "case_ended"
"""The rule of a command sent to a case whose workflow has ended (the lifecycle's refusals are `lifecycle`)."""

async def case_summary(client: Client, reference: str) -> CaseSummary:
    """The case as its workflow knows it now, in the shape a staff action returns."""
    handle = client.get_workflow_handle(reference)
    view = await handle.query(ComplaintWorkflow.case)
    return CaseSummary(
        reference=view.reference, state=view.state, stage=view.stage, deadlines=view.deadlines,
        allowed_actions=view.allowed_actions, late_stage2_request=view.late_stage2_request,
        last_event=view.events[-1] if view.events else None,
    )


async def send_command(client: Client, reference: str, action: str, command: Any) -> CaseSummary:
    """Send the Update; the workflow's refusal comes back as CommandRejected naming the field."""
    handle = client.get_workflow_handle(reference)
    try:
        return await handle.execute_update(action, command, result_type=CaseSummary)
    except WorkflowUpdateFailedError as err:
        refusal = refusal_of(err)
        if refusal is None:
            raise
        raise CommandRejected(None if refusal.field == "action" else refusal.field, refusal.message, refusal.rule) from None
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            view = await handle.query(ComplaintWorkflow.case)
            raise CommandRejected(None, _finished(view.state, action), CASE_ENDED) from None
        raise


def _finished(state: str, action: str) -> str:
    return f"{action} is not allowed: the complaint is {describe(state)} and its case has ended"

