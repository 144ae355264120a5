"""The wedges issue 14 reproduced, each pinned: a case always moves on, and its history replays.

Every test runs the real ComplaintWorkflow on the time-skipping server and checks, beside what the
case shows, that no workflow task failed (a failed task is a case that stopped without telling anyone).
"""

import asyncio
import uuid
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from models.policy import load_profile
from models.case import CaseInput, CaseView, ResidentInput
from models.refusal import refusal_of
from starter.scenario import Scenario
from tests.record_histories import LIFECYCLE_PATHS
from starter.simulate import TASK_QUEUE
from worker import workflow_runner
from workflows import commands
from workflows.complaint import ComplaintWorkflow


async def history_of(sim, reference: str):
    return await sim.env.client.get_workflow_handle(reference).fetch_history()


async def assert_sound(sim, reference: str) -> None:
    """No workflow task failed, and the history replays on today's code."""
    history = await history_of(sim, reference)
    failed = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert failed == [], failed[0].workflow_task_failed_event_attributes.failure.message
    replayer = Replayer(workflows=[ComplaintWorkflow], workflow_runner=workflow_runner(), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


async def run_case(sim, **scenario) -> tuple[CaseView, list[dict]]:
    view, rejected = await sim.run_case(Scenario.model_validate(scenario))
    await assert_sound(sim, view.reference)
    return view, rejected


async def test_the_stage2_listening_window_ends_while_a_promised_action_is_open(sim):
    """Item 1: it used to spin (TMPRL1101 deadlock). Responded 10 Mar 2026, listening ends 10 Mar 2027;
    the action is due 1 Jun 2027, so the case waits for it, still open, then closes when it is done."""
    steps = [
        {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
        {
            "at": "2026-03-10T09:00:00+00:00",
            "action": "respond",
            "outcome": "upheld",
            "actions": [{"action_id": "new-roof", "target_on": "2027-06-01"}],
        },
    ]
    view, _ = await run_case(sim, received="2026-03-02T09:00:00+00:00", steps=steps, until="2027-04-01T00:00:00+00:00")
    assert (view.state, "complete_action" in view.allowed_actions) == ("stage1_responded", True)
    done = {"at": "2027-04-01T09:00:00+00:00", "action": "complete_action", "action_id": "new-roof"}
    view, _ = await run_case(sim, received="2026-03-02T09:00:00+00:00", steps=[*steps, done], until="2027-04-02T00:00:00+00:00")
    assert view.state == "closed" and view.events[-1].details == {"command_id": "stage2-listening-ended", "automatic": True}


@pytest.mark.parametrize("far", ["2031-06-01", "2029-12-31", "9999-12-31"])
async def test_dates_past_the_planning_horizon_are_refused_naming_the_field(sim, far):
    """Item 2: such dates failed every workflow task (outside the calendar's years, OverflowError)."""
    view, rejected = await run_case(
        sim,
        received="2026-03-02T09:00:00+00:00",
        steps=[
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            {
                "at": "2026-03-03T10:00:00+00:00",
                "action": "schedule_review",
                "review_id": "r1",
                "kind": "adjustment",
                "review_on": far,
            },
            {
                "at": "2026-03-10T09:00:00+00:00",
                "action": "respond",
                "outcome": "upheld",
                "actions": [{"action_id": "a1", "target_on": far}],
            },
            {
                "at": "2026-03-10T10:00:00+00:00",
                "action": "respond",
                "outcome": "upheld",
                "actions": [{"action_id": "a1", "target_on": "2026-03-01"}],
            },
            {"at": "2026-03-10T11:00:00+00:00", "action": "respond", "outcome": "upheld"},
        ],
    )
    assert [(r["step"], r["error"].split(":")[0]) for r in rejected] == [
        (1, "review_on"),
        (2, "actions.0.target_on"),
        (3, "actions.0.target_on"),
    ]
    assert "to two years ahead (2028-03-03)" in rejected[0]["error"]
    assert view.state == "stage1_responded"


async def test_closing_at_stage2_with_a_review_scheduled_keeps_the_review_alive(sim):
    """Item 3: the workflow ended with the review open for ever; now it is reminded and can be recorded, and
    the workflow ends once the 12 months for a referral to the Ombudsman after the final response (Wed 1 Apr
    2026) are over, at the end of Thu 1 Apr 2027."""
    recorded_path = LIFECYCLE_PATHS["closed-at-stage2-then-review-recorded"]["steps"]
    steps = recorded_path[:-2]  # up to the close at stage 2, with review contact-limit due 1 May
    view, _ = await run_case(sim, received="2026-03-02T09:00:00+00:00", steps=steps, until="2026-05-01T12:00:00+00:00")
    assert view.state == "closed" and "record_review" in view.allowed_actions
    assert [(n.kind, n.deadline) for n in view.notices] == [("due_soon", "review.contact-limit")]
    recorded = {"at": "2026-05-01T13:00:00+00:00", "action": "record_review", "review_id": "contact-limit"}
    view, rejected = await run_case(
        sim, received="2026-03-02T09:00:00+00:00", steps=[*steps, recorded], until="2027-04-02T00:00:00+00:00"
    )
    last = (await history_of(sim, view.reference)).events[-1]
    assert rejected == [] and last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_cases_started_together_each_with_a_command_at_once_replay(sim):
    """Item 4: linked cases started concurrently failed to replay (a patch marker in one handler's path)."""
    references = [f"LNK-2026-{uuid.uuid4().int % 10**6:06d}" for _ in range(6)]

    async def start(reference: str) -> None:
        handle = await sim.env.client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(
                reference=reference,
                landlord="linked",
                policy_id="code-2024",
                policy_version=load_profile("code-2024").version,
                received_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
                clock_anchored_to_received=True,
            ),
            id=reference,
            task_queue=TASK_QUEUE,
        )
        await handle.signal("resident_input", ResidentInput(command_id="note-at-once"))
        await handle.execute_update(ComplaintWorkflow.opened)  # an Update before set-up is refused (not_set_up)
        await handle.execute_update("resident_input", ResidentInput(command_id="note-2"))

    await asyncio.gather(*(start(reference) for reference in references))
    for reference in references:
        await assert_sound(sim, reference)
        await sim.env.client.get_workflow_handle(reference).terminate("test over")


async def test_an_unexpected_error_in_a_command_is_a_refusal_and_changes_nothing(sim, monkeypatch):
    """Item 6: an exception other than a refusal used to fail the workflow task instead of answering."""

    def boom(case, command, day):
        raise RuntimeError("a bug in an effect")

    monkeypatch.setitem(commands.COMMAND_RULES, "resident_input", replace(commands.COMMAND_RULES["resident_input"], apply=boom))
    reference = f"BUG-2026-{uuid.uuid4().int % 10**6:06d}"
    handle = await sim.env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord="bug",
            policy_id="code-2024",
            policy_version=load_profile("code-2024").version,
            received_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
            clock_anchored_to_received=True,
        ),
        id=reference,
        task_queue=TASK_QUEUE,
    )
    await handle.execute_update(ComplaintWorkflow.opened)
    with pytest.raises(WorkflowUpdateFailedError) as raised:
        await handle.execute_update("resident_input", ResidentInput(command_id="n1"))
    refusal = refusal_of(raised.value)
    assert (refusal.field, refusal.rule) == ("action", "unexpected_error")
    assert refusal.message == "resident_input could not be applied (RuntimeError); nothing was changed"
    await handle.signal("resident_input", ResidentInput(command_id="n2"))
    view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
    assert [e.type for e in view.events] == ["received", "signal_refused"]  # the bug is on the timeline (issue 24)
    assert view.state == "received" and view.rejected_signals == (
        "resident_input (n2): resident_input could not be applied (RuntimeError); nothing was changed",
    )
    await assert_sound(sim, reference)
    await handle.terminate("test over")
