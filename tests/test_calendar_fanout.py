"""A calendar change reaches every affected case by CalendarFanOutWorkflow, page after page and across
continue-as-new (issue 24, must-exist 5). Real parts: the workflow and worker on the time-skipping server,
the simulator's read model; the cases are read-model rows whose workflows have ended (NOT_FOUND), plus
one running case."""

import uuid

import pytest
from datetime import UTC, datetime

from sqlmodel import Session

from casework.case_record import projected_case
from models.calendar_change import AffectedCases, CalendarChangeReport, CalendarFanOut
from models.case import CalendarChanged
from models.policy import load_profile
from models.tables import Case
from starter.simulate import TASK_QUEUE
from tests.test_command_effects import file
from workflows.calendar_fanout import PAGES_PER_RUN, CalendarFanOutWorkflow


@pytest.fixture(scope="module")
async def sim(own_sim):
    """This module's cases stay open after its tests: they run on a test server of their own, so the
    shared one's time skips never wait on their timers (conftest.own_sim)."""
    return own_sim


def ended_case(engine, landlord: str) -> str:
    reference = f"FAN-2025-{uuid.uuid4().int % 10**6:06d}"
    with Session(engine) as session:
        session.add(
            Case(
                reference=reference,
                landlord=landlord,
                policy_id="code-2024",
                policy_version=load_profile("code-2024").version,
                region="ENG",
                state="closed",
                stage=1,
                received_at=datetime(2025, 6, 2, 9, tzinfo=UTC),
            )
        )
        session.commit()
    return reference


async def test_every_case_is_reached_one_page_at_a_time_across_continue_as_new(sim):
    landlord = f"fanout-{uuid.uuid4().hex[:6]}"
    for _ in range(PAGES_PER_RUN + 4):
        ended_case(sim.engine, landlord)
    running = await file(sim, "Jane Example", "jane@example.org")
    assert await projected_case(sim.engine, running) is not None
    with Session(sim.engine) as session:
        case = session.get(Case, running)
        case.landlord = landlord  # the running case is one of this landlord's, as the read model lists it
        session.add(case)
        session.commit()

    handle = await sim.env.client.start_workflow(
        CalendarFanOutWorkflow.run,
        CalendarFanOut(cases=AffectedCases(landlord=landlord, limit=1), change=CalendarChanged(change="retry")),
        id=f"calendar-change-{uuid.uuid4().hex}",
        task_queue=TASK_QUEUE,
    )
    reached = await handle.result()

    assert reached == CalendarChangeReport(signalled=1, already_ended=PAGES_PER_RUN + 4)
    runs = [
        event async for event in handle.fetch_history_events() if event.HasField("workflow_execution_started_event_attributes")
    ]
    assert runs[0].workflow_execution_started_event_attributes.continued_execution_run_id, "the history was kept short"
    signals = [
        event
        async for event in sim.env.client.get_workflow_handle(running).fetch_history_events()
        if event.HasField("workflow_execution_signaled_event_attributes")
    ]
    assert [s.workflow_execution_signaled_event_attributes.signal_name for s in signals] == ["calendar_changed"]
