"""Start and act in one step (Update-with-Start, issue 24): intake gets the new case's deadlines in its
answer; the request that reopens an ended case comes with the new run's start and is validated in its first
task, so a refusal leaves no trace; concurrent requests give one reopening and clean answers."""

import asyncio
from datetime import datetime, timezone

from sqlmodel import Session, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy

from casework.intake import Intake, ResidentDetails, file_complaint
from casework.updates import reopen
from models.case import Acknowledge, CaseInput, CaseSummary, RequestStage2
from models.policy import load_profile
from models.refusal import refusal_of
from models.tables import Case, CaseEvent
from starter.scenario import Scenario
from starter.simulate import TASK_QUEUE
from workflows.complaint import ComplaintWorkflow

REQUESTED_AT = datetime(2027, 3, 12, 9, tzinfo=timezone.utc)
ENDED = {  # responded 10 Mar 2026 and closed: the case stops listening for a stage-2 request after 12 months
    "received": "2026-03-02T09:00:00+00:00",
    "steps": [
        {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
        {"at": "2026-03-10T09:00:00+00:00", "action": "respond", "outcome": "not_upheld"},
        {"at": "2026-03-11T09:00:00+00:00", "action": "close"},
    ],
    "until": "2027-03-11T12:00:00+00:00",
}


async def test_intake_answers_with_the_new_cases_deadlines_and_its_row_is_there(own_sim):
    filed = await file_complaint(
        own_sim.env.client,
        own_sim.engine,
        Intake(
            channel="phone",
            resident=ResidentDetails(name="A Resident"),
            text="the boiler has failed again",
        ),
        TASK_QUEUE,
    )
    assert {d.name for d in filed.deadlines} >= {"stage1.acknowledge", "stage1.respond"}
    with Session(own_sim.engine) as session:
        assert session.get(Case, filed.reference) is not None  # no waiting for the first projection


async def test_a_command_sent_with_a_new_cases_start_is_refused_not_waved_through(own_sim):
    """Nothing is set up before the first task: the validator refuses, and nothing is written."""
    case = CaseInput(
        reference="UWS-2026-000001",
        landlord="uws",
        policy_id="code-2024",
        policy_version=load_profile("code-2024").version,
        received_at=datetime.now(timezone.utc),
    )
    start = WithStartWorkflowOperation(
        ComplaintWorkflow.run, case, id=case.reference, task_queue=TASK_QUEUE, id_conflict_policy=WorkflowIDConflictPolicy.FAIL
    )
    try:
        await own_sim.env.client.execute_update_with_start_workflow(
            "acknowledge",
            Acknowledge(command_id="early", definition_ref="d1"),
            start_workflow_operation=start,
        )
    except WorkflowUpdateFailedError as err:
        assert refusal_of(err).rule == "not_set_up"
    else:
        raise AssertionError("a command before the case was set up was accepted")
    handle = own_sim.env.client.get_workflow_handle(case.reference)
    summary = await handle.execute_update(ComplaintWorkflow.opened)
    assert summary.state == "received" and not any(d.met for d in summary.deadlines)
    assert _updates(await handle.fetch_history()) == ["opened"]  # the refused acknowledgement left nothing


def _updates(history) -> list[str]:
    return [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]


async def test_a_refused_reopening_request_leaves_no_trace(own_sim):
    view, _ = await own_sim.run_case(Scenario.model_validate(ENDED))
    request = RequestStage2(command_id="by-a-stranger", on_behalf_of="rep-unknown", occurred_at=REQUESTED_AT)
    try:
        await reopen(own_sim.env.client, view.reference, TASK_QUEUE, "request_stage2", request, at=REQUESTED_AT)
    except WorkflowUpdateFailedError as err:
        assert (refusal_of(err).field, refusal_of(err).rule) == ("on_behalf_of", "consent_required")
    else:
        raise AssertionError("a request on behalf of a representative without consent reopened the case")
    latest = own_sim.env.client.get_workflow_handle(view.reference)
    assert _updates(await latest.fetch_history()) == []
    with Session(own_sim.engine) as session:
        types = session.exec(select(CaseEvent.type).where(CaseEvent.reference == view.reference)).all()
    assert "reopened" not in types and types[-1] == "close"


async def test_five_requests_at_once_reopen_the_case_once_and_each_gets_a_clean_answer(own_sim):
    view, _ = await own_sim.run_case(Scenario.model_validate(ENDED))
    ids = ["web-1", "web-1", "phone-2", "letter-3", "email-4"]
    answers = await asyncio.gather(
        *(
            reopen(
                own_sim.env.client,
                view.reference,
                TASK_QUEUE,
                "request_stage2",
                RequestStage2(command_id=command_id, occurred_at=REQUESTED_AT),
                at=REQUESTED_AT,
            )
            for command_id in ids
        ),
        return_exceptions=True,
    )
    applied = [i for i, answer in zip(ids, answers) if isinstance(answer, CaseSummary)]
    refused = [answer for answer in answers if not isinstance(answer, CaseSummary)]
    assert all(isinstance(err, WorkflowUpdateFailedError) and refusal_of(err).rule == "lifecycle" for err in refused), answers
    assert len(set(applied)) == 1 and all(answer.stage == 2 for answer in answers if isinstance(answer, CaseSummary))
    with Session(own_sim.engine) as session:
        types = session.exec(select(CaseEvent.type).where(CaseEvent.reference == view.reference)).all()
    assert types.count("reopened") == 1 and types.count("request_stage2") == 1
