"""Sending a command to a case's workflow: the Update that decides, and its refusal read as data.

A refusal comes back from the workflow as a structured `models.refusal.Refusal` (field, rule, message);
it is raised here as `CommandRejected` naming the field, never by reading the error's text.
"""

from datetime import datetime
from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from casework.errors import CommandRejected
from models.case import CaseInput, CaseSummary, CaseView
from models.refusal import refusal_of
from workflows.complaint import ComplaintWorkflow
from workflows.continuation import CarriedCase
from workflows.lifecycle import allowed_actions, describe

CASE_ENDED = "case_ended"
"""The rule of a command sent to a case whose workflow has ended (the lifecycle's refusals are `lifecycle`)."""


async def case_summary(client: Client, reference: str) -> CaseSummary:
    """The case as its workflow knows it now, in the shape a staff action returns."""
    handle = client.get_workflow_handle(reference)
    view = await handle.query(ComplaintWorkflow.case)
    return CaseSummary(
        reference=view.reference,
        state=view.state,
        stage=view.stage,
        deadlines=view.deadlines,
        allowed_actions=view.allowed_actions,
        late_stage2_request=view.late_stage2_request,
        last_event=view.events[-1] if view.events else None,
    )


REOPENING_ACTIONS = frozenset({"request_stage2", "ombudsman_referral", "log_stage1"})
"""Commands that reach a case whose workflow has ended by reopening it (a new run of the same workflow id):
a stage-2 request or a referral to the Ombudsman is never refused because the case's workflow ended
(Code 6.10 sets no time limit; the Ombudsman may accept a late referral). Both are flagged late. A concern
closed in the informal stage is taken to stage 1 the same way (Together 003 §5.5)."""


async def send_command(client: Client, reference: str, action: str, command: Any, task_queue: str = "complaints") -> CaseSummary:
    """Send the Update; the workflow's refusal comes back as CommandRejected naming the field. A stage-2
    request or a referral to a case whose workflow has ended reopens it, in one step (`reopen`)."""
    handle = client.get_workflow_handle(reference)
    try:
        try:
            return await handle.execute_update(action, command, result_type=CaseSummary)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND or action not in REOPENING_ACTIONS:
                raise
            summary = await reopen(client, reference, task_queue, action, command)
            if summary is None:
                raise
            return summary
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


async def reopen(
    client: Client, reference: str, task_queue: str, action: str, command: Any, at: datetime | None = None
) -> CaseSummary | None:
    """Reopen an ended case with the request that reopens it, in one step (Update-with-Start): a new run of
    its workflow from the state its last run returned, the request validated in the new run's first task
    (a refusal starts nothing that acts) and its answer returned. None when the lifecycle does not allow
    `action` there (a withdrawn or excluded case). A request racing another one that reopened the case
    meanwhile goes to the reopened run (a repeat, or refused by the lifecycle). `at` anchors a
    simulation's business clock to the request."""
    latest = (
        await client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=client.namespace,
                execution=WorkflowExecution(workflow_id=reference),
            )
        )
    ).workflow_execution_info
    if latest.status == WorkflowExecutionStatus.RUNNING:
        return await client.get_workflow_handle(reference).execute_update(action, command, result_type=CaseSummary)
    ended = client.get_workflow_handle(reference, run_id=latest.execution.run_id, result_type=CaseView)
    previous = await ended.result(follow_runs=False)
    if action not in previous.allowed_actions and action not in allowed_actions(previous.state, previous.stage):
        return None  # the lifecycle's current declaration decides, also for runs that ended under older code
    started = (await ended.fetch_history()).events[0].workflow_execution_started_event_attributes
    hints = [CaseInput | CarriedCase]  # temporalio types the hints `list[type]`; its pydantic converter decodes a union too
    [first_input] = await client.data_converter.decode(started.input.payloads, hints)  # type: ignore[arg-type]
    first_input = first_input if isinstance(first_input, CaseInput) else first_input.case  # a long case's later run
    case = first_input.model_copy(update={"reopened_from": previous, "reopened_at": at})
    start = WithStartWorkflowOperation(
        ComplaintWorkflow.run,
        case,
        id=reference,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
    return await client.execute_update_with_start_workflow(
        action, command, start_workflow_operation=start, result_type=CaseSummary
    )


def _finished(state: str, action: str) -> str:
    return f"{action} is not allowed: the complaint is {describe(state)} and its case has ended"
