"""Durability: a worker restart mid-case loses nothing, on the time-skipping server and on the dev server."""

import uuid
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select
from temporalio.client import WorkflowExecutionStatus

from models.policy import load_profile
from models.case import Acknowledge, CaseInput, Close, RequestStage2, Respond
from models.tables import Case, CaseEvent, Notice
from tests.dev_stack import dev_stack
from worker import build_worker
from workflows.complaint import ComplaintWorkflow
from tests.eventually import case_set_up


async def test_timers_set_by_one_worker_fire_at_the_right_times_under_the_next(sim):
    task_queue = f"restart-{uuid.uuid4().hex[:6]}"
    received = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    async with build_worker(sim.env.client, sim.engine, task_queue, max_cached_workflows=0):
        handle = await sim.env.client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(
                reference="RST-2026-000001",
                landlord="restart",
                policy_id="code-2024",
                policy_version=load_profile("code-2024").version,
                received_at=received,
                clock_anchored_to_received=True,
            ),
            id="RST-2026-000001",
            task_queue=task_queue,
        )
        await case_set_up(handle)
        offset = timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))
        await sim.sleep_until(datetime(2026, 3, 3, 10, tzinfo=timezone.utc) - offset)
        await handle.execute_update(
            "acknowledge",
            Acknowledge(
                command_id="ack", definition_ref="definition-1", occurred_at=datetime(2026, 3, 3, 10, tzinfo=timezone.utc)
            ),
        )
    # The first worker is gone; a new one picks the case up, and the timers it never saw still fire.
    async with build_worker(sim.env.client, sim.engine, task_queue, max_cached_workflows=0):
        await sim.sleep_until(datetime(2026, 3, 21, tzinfo=timezone.utc) - offset)
        view = await handle.query(ComplaintWorkflow.case)
    # Respond due Tue 17 Mar (10 WD from Tue 3 Mar).
    assert [(n.kind, n.at.isoformat()) for n in view.notices] == [
        ("due_soon", "2026-03-16T09:00:00+00:00"),
        ("overdue", "2026-03-18T00:00:00+00:00"),
        ("escalated", "2026-03-20T09:00:00+00:00"),
    ]
    with Session(sim.engine) as session:
        assert len(session.exec(select(Notice).where(Notice.reference == handle.id)).all()) == 3
    await handle.terminate("test over: its task queue has no worker now")  # nothing left for the shared server


async def test_full_case_on_the_dev_server_survives_a_worker_restart():
    """The real dev server (SQLite-backed, as `complaints dev` runs it), two workers one after the other."""
    async with dev_stack() as (env, engine, _):
        reference = "DEV-2026-000001"
        now = datetime.now(timezone.utc)
        async with build_worker(env.client, engine, "dev-restart"):
            handle = await env.client.start_workflow(
                ComplaintWorkflow.run,
                CaseInput(
                    reference=reference,
                    landlord="dev",
                    policy_id="code-2024",
                    policy_version=load_profile("code-2024").version,
                    received_at=now,
                ),
                id=reference,
                task_queue="dev-restart",
            )
            await handle.execute_update(ComplaintWorkflow.opened)
            await handle.execute_update("acknowledge", Acknowledge(command_id="a1", definition_ref="definition-1"))
        async with build_worker(env.client, engine, "dev-restart"):
            await handle.execute_update("respond", Respond(command_id="r1", outcome="upheld"))
            await handle.execute_update("request_stage2", RequestStage2(command_id="s1"))
            await handle.execute_update("acknowledge", Acknowledge(command_id="a2", definition_ref="definition-1"))
            await handle.execute_update("respond", Respond(command_id="r2", outcome="not_upheld"))
            await handle.execute_update("close", Close(command_id="c1"))
            # Closed after the final response, the case listens 12 months for a referral to the Ombudsman.
            result = await handle.query(ComplaintWorkflow.case)
            assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
        assert result.state == "closed"
        assert all(d.met for d in result.deadlines)
        with Session(engine) as session:
            case = session.get(Case, reference)
            events = session.exec(select(CaseEvent).where(CaseEvent.reference == reference)).all()
            assert (case.state, case.stage) == ("closed", 2)
            assert sorted(e.seq for e in events) == [e.seq for e in result.events]
