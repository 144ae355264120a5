"""Agreed updates to the resident (`update.<n>`, Code 5.9) are working-day deadlines like the others: a closure
day or bank holiday added while one is open moves it (issue 24 item 7), through the `calendar_changed` signal.

Received Mon 2 Mar 2026, acknowledged Tue 3 Mar, extended by 5 WD and an interval of 5 WD agreed on Wed 4 Mar:
update.1 is due Wed 11 Mar. The landlord then closes on Mon 9 Mar: update.1 moves to Thu 12 Mar, as the
stage 1 response does (10 + 5 WD from 3 Mar: Tue 24 Mar, then Wed 25 Mar)."""

import uuid

import pytest
from datetime import date, datetime, timedelta, timezone

from models.case import Acknowledge, AgreeUpdateInterval, CalendarChanged, CaseInput, CaseView, Extend
from models.policy import load_profile
from models.tables import add_closures
from starter.simulate import TASK_QUEUE
from workflows.complaint import ComplaintWorkflow
from tests.eventually import case_set_up, eventually


@pytest.fixture(scope="module")
async def sim(own_sim):
    """This module's cases stay open after its tests: they run on a test server of their own, so the
    shared one's time skips never wait on their timers (conftest.own_sim)."""
    return own_sim


RECEIVED = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


async def _dues(handle) -> dict[str, str]:
    view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
    return {d.name: d.due.isoformat() for d in view.deadlines}


async def test_a_closure_day_moves_an_open_update_deadline(sim):
    landlord = f"updates-{uuid.uuid4().hex[:6]}"
    reference = f"UPD-2026-{uuid.uuid4().int % 10**6:06d}"
    handle = await sim.env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord=landlord,
            policy_id="code-2024",
            policy_version=load_profile("code-2024").version,
            received_at=RECEIVED,
            clock_anchored_to_received=True,
        ),
        id=reference,
        task_queue=TASK_QUEUE,
    )
    await case_set_up(handle)
    offset = timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))
    acknowledged, agreed = datetime(2026, 3, 3, 9, tzinfo=timezone.utc), datetime(2026, 3, 4, 9, tzinfo=timezone.utc)
    await sim.sleep_until(agreed - offset)
    await handle.execute_update("acknowledge", Acknowledge(command_id="ack", definition_ref="d", occurred_at=acknowledged))
    await handle.execute_update("extend", Extend(command_id="ext", working_days=5, reason_ref="r-1", occurred_at=agreed))
    await handle.execute_update(
        "agree_update_interval", AgreeUpdateInterval(command_id="int", working_days=5, occurred_at=agreed)
    )
    before = await _dues(handle)
    assert (before["update.1"], before["stage1.respond"]) == ("2026-03-11", "2026-03-24")

    add_closures(sim.engine, landlord, [date(2026, 3, 9)], "closure", "office move")
    await handle.signal(ComplaintWorkflow.calendar_changed, CalendarChanged(change="closure_added"))

    async def replanned() -> dict[str, str] | None:
        after = await _dues(handle)
        return after if after["stage1.respond"] != before["stage1.respond"] else None

    after = await eventually(replanned, "the deadlines re-planned round the closure day")
    assert (after["update.1"], after["stage1.respond"]) == ("2026-03-12", "2026-03-25")
    await handle.terminate("test over")
