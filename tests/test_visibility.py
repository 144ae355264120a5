"""Finding cases in Temporal's visibility (what the Web UI's filter box runs), on the real dev server."""

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

from models.policy import load_profile
from models.case import Acknowledge, CaseInput, RequestStage2, Respond
from tests.dev_stack import dev_stack
from worker import build_worker
from workflows.complaint import ComplaintWorkflow


async def _file(env, task_queue, reference, landlord, received, stage2_requested=None):
    """A case received at `received`; with `stage2_requested`, acknowledged, answered and escalated
    in the past (signals queued before any worker runs, so they apply in order at the first task)."""
    handle = await env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord=landlord,
            policy_id="code-2024",
            policy_version=load_profile("code-2024").version,
            handler="asmith",
            received_at=received,
        ),
        id=reference,
        task_queue=task_queue,
    )
    if stage2_requested is not None:
        await handle.signal(
            "acknowledge", Acknowledge(command_id="a1", definition_ref="definition-1", occurred_at=received + timedelta(hours=1))
        )
        await handle.signal("respond", Respond(command_id="r1", outcome="upheld", occurred_at=received + timedelta(hours=2)))
        await handle.signal("stage2_requested", RequestStage2(command_id="s1", occurred_at=stage2_requested))
    return handle


async def _references(env, query: str, expected: set[str]) -> set[str]:
    """The query's answer once visibility has caught up with the cases (it is eventually consistent)."""
    found: set[str] = set()
    for _ in range(100):
        found = {execution.id async for execution in env.client.list_workflows(query)}
        if found == expected:
            return found
        await asyncio.sleep(0.2)
    return found


async def test_overdue_stage2_cases_are_found_by_a_visibility_query():
    now = datetime.now(timezone.utc)
    long_ago = now - timedelta(days=40)
    run = uuid.uuid4().int % 10**5
    refs = {name: f"VIS-2026-{run:05d}{n}" for n, name in enumerate(("north2late", "south2late", "north2fresh", "north1late"))}
    async with dev_stack() as (env, engine, _):
        late = await _file(env, "vis", refs["north2late"], "north", long_ago, long_ago + timedelta(hours=3))
        await _file(env, "vis", refs["south2late"], "south", long_ago, long_ago + timedelta(hours=3))
        await _file(env, "vis", refs["north2fresh"], "north", now - timedelta(days=1), now - timedelta(hours=1))
        await _file(env, "vis", refs["north1late"], "north", long_ago)
        async with build_worker(env.client, engine, "vis"):
            overdue_stage2 = await _references(
                env, 'ComplaintStage = "2" AND Overdue = true', {refs["north2late"], refs["south2late"]}
            )
            at_north = await _references(
                env, 'ComplaintStage = "2" AND Overdue = true AND Landlord = "north"', {refs["north2late"]}
            )
            overdue_anywhere = await _references(
                env, "Overdue = true", {refs["north2late"], refs["south2late"], refs["north1late"]}
            )
            metadata = await late.query("__temporal_workflow_metadata")
    assert overdue_stage2 == {refs["north2late"], refs["south2late"]}
    assert at_north == {refs["north2late"]}
    assert overdue_anywhere == {refs["north2late"], refs["south2late"], refs["north1late"]}
    details = metadata.current_details
    assert f"**{refs['north2late']}** · north · code-2024 v{load_profile('code-2024').version} · ENG" in details
    assert "- stage2.acknowledge due" in details and "(**OVERDUE**)" in details
