"""A policy profile change never moves an open case's deadlines: the case runs on the version it was
opened under (its `load_policy` result is in its history), even when re-planned and replayed."""

import json
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from models.case import Acknowledge, CalendarChanged, CaseInput, CaseView
from models.policy import load_profile_file
from worker import build_worker
from workflows.complaint import ComplaintWorkflow
from tests.eventually import case_set_up, eventually

POLICIES = Path(__file__).parent.parent / "policies"
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
ACKNOWLEDGED = datetime(2026, 3, 3, 10, tzinfo=timezone.utc)


async def _acknowledged_case(sim, task_queue: str, version: int):
    reference = f"PIN-2026-{uuid.uuid4().int % 10**6:06d}"
    handle = await sim.env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord="pinning",
            policy_id="code-2024",
            policy_version=version,
            received_at=RECEIVED,
            clock_anchored_to_received=True,
        ),
        id=reference,
        task_queue=task_queue,
    )
    await case_set_up(handle)
    offset = timedelta(seconds=await handle.query(ComplaintWorkflow.clock_offset))
    await sim.sleep_until(ACKNOWLEDGED - offset)
    await handle.execute_update(
        "acknowledge", Acknowledge(command_id="ack", definition_ref="definition-1", occurred_at=ACKNOWLEDGED)
    )
    return handle, offset


async def _respond_due(handle) -> str:
    view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
    return next(d.due.isoformat() for d in view.deadlines if d.name == "stage1.respond")


async def calendar_reloads(handle) -> int:
    """How many times the case has loaded its calendar, read from its history: a local activity's marker is
    recorded with the workflow task that used its result (re-planned on it), so a test can wait for a
    calendar change to have been handled instead of waiting a while."""
    loads = 0
    for event in (await handle.fetch_history()).events:
        if event.HasField("marker_recorded_event_attributes"):
            data = event.marker_recorded_event_attributes.details["data"].payloads[0].data
            loads += json.loads(data).get("activity_type") == "load_calendar"
    return loads


async def test_a_profile_change_leaves_open_cases_on_their_version(sim, tmp_path, monkeypatch):
    shutil.copy(POLICIES / "code-2024.toml", tmp_path / "code-2024.toml")
    monkeypatch.setenv("COMPLAINTS_POLICY_DIR", str(tmp_path))
    task_queue = f"pinning-{uuid.uuid4().hex[:6]}"
    async with build_worker(sim.env.client, sim.engine, task_queue, max_cached_workflows=0):
        profile = tmp_path / "code-2024.toml"
        current = load_profile_file(profile).version
        opened_on_v1, _ = await _acknowledged_case(sim, task_queue, version=current)
        assert await _respond_due(opened_on_v1) == "2026-03-17"  # 10 WD from the 3 Mar acknowledgement

        text = profile.read_text()
        assert f"version = {current}\n" in text
        text = text.replace(f"version = {current}\n", f"version = {current + 1}\n", 1)
        profile.write_text(text.replace("respond_working_days = 10\n", "respond_working_days = 20\n", 1))
        assert await calendar_reloads(opened_on_v1) == 1  # at set-up
        await opened_on_v1.signal(ComplaintWorkflow.calendar_changed, CalendarChanged(change="bank_holidays"))

        # Fenced on the re-plan having happened (the calendar reloaded and used), then: nothing moved.
        async def replanned() -> bool:
            return await calendar_reloads(opened_on_v1) == 2

        await eventually(replanned, "the case re-planning on its reloaded calendar")
        kept = await _respond_due(opened_on_v1)

        opened_on_v2, _ = await _acknowledged_case(sim, task_queue, version=current + 1)
        new_rules = await _respond_due(opened_on_v2)
    assert kept == "2026-03-17"
    assert new_rules == "2026-03-31"  # 20 WD under the next version
    await opened_on_v1.terminate("test over")
    await opened_on_v2.terminate("test over")
