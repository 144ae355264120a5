"""Hazard fuzz: random Awaab's Law steps and time jumps through the real HazardWorkflow (issue 25, item 9).

Each example reports a hazard (Day 0 around weekends, Christmas, Easter, or days before the recording),
then sends random steps as Updates or Signals, with valid and invalid values (occurred before awareness or
in the future, repeated command ids), jumps time across weekends and bank holidays, and restarts the worker.
After every step:
1. no workflow task failed, and an Update or query answers;
2. a refused Update carries a structured refusal and leaves no event;
3. every working-day clock's due date is the one numpy's `busday_offset(day0, n, roll="backward")` gives on
   England's bank holidays (closures never count), the 24-hour clock is exactly 24 hours after awareness;
4. a met, ceased or missed clock is consistent (ceased has met null; no notice after a clock was met or ceased);
and at the end every history replays with today's code (a second Replayer run, no worker cache).

FUZZ_EXAMPLES (default 6) examples of FUZZ_STEPS (default 10) steps, the same every run (derandomized), plus
the example that found a hazard history that did not replay (decision 223, fixed by patch
hazard-refused-signal-projected): a replay bug of that family met at random would make CI red by chance rather
than by a change. FUZZ_RANDOM=1 explores again; `pytest --hypothesis-seed=N` with it fixes the seed.
"""

import asyncio
import itertools
import os
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, note, settings
from hypothesis import strategies as st
from hypothesis import example as known_case
from hypothesis import given
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.worker import Replayer

from models.calendar import bank_holidays, local_date
from models.hazard import HAZARD_COMMANDS, HazardInput, HazardView
from models.hazard_rules import load_hazard_rules
from models.refusal import refusal_of
from tests.test_workflow_fuzz import Harness, Wedge
from worker import workflow_runner
from workflows.hazard import HazardWorkflow
from workflows.hazard_state import report_problem

TASK_QUEUE = "workflow-fuzz"
RPC = timedelta(seconds=5)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
STEPS = int(os.environ.get("FUZZ_STEPS", "10"))
RULES = load_hazard_rules()
HOLIDAYS = np.array(sorted(bank_holidays("ENG", range(2025, 2031))), dtype="datetime64[D]")
AWARE = st.sampled_from(
    [
        datetime(2026, 10, 24, 9, 17, tzinfo=timezone.utc),  # a Saturday
        datetime(2026, 12, 24, 16, 17, tzinfo=timezone.utc),  # Christmas Eve
        datetime(2026, 11, 27, 18, 17, tzinfo=timezone.utc),  # a Friday evening
        datetime(2027, 4, 1, 20, 17, tzinfo=timezone.utc),  # the eve of Good Friday
        datetime(2027, 3, 27, 23, 47, tzinfo=timezone.utc),  # the night the clocks go forward
    ]
)
CATEGORIES = st.sampled_from(["damp_and_mould", "damp_and_mould", "fire", "excess_cold"])
FIELDS = {
    "hazard_triaged": st.fixed_dictionaries(
        {"level": st.sampled_from(["emergency", "significant", "not_relevant"])},
        optional={"vulnerabilities": st.lists(st.sampled_from(["children", "respiratory"]), max_size=2)},
    ),
    "hazard_access_attempt": st.fixed_dictionaries(
        {"method": st.sampled_from(["phone", "visit"]), "outcome": st.sampled_from(["no_answer", "access"])}
    ),
    "hazard_investigated": st.fixed_dictionaries(
        {"found": st.sampled_from(["emergency", "significant", "none"])},
        optional={
            "safety_work": st.booleans(),
            "preventative_work": st.booleans(),
            "preventative_start_practicable": st.booleans(),
        },
    ),
    "hazard_linked": st.fixed_dictionaries({"linked_reference": st.sampled_from(["CMP-2026-000001", "SRQ-2026-000002"])}),
    "hazard_consent_sought": st.fixed_dictionaries(
        {
            "consent_from": st.sampled_from(["tenant", "leaseholder"]),
            "method": st.sampled_from(["letter", "visit"]),
            "consent": st.sampled_from(["given", "refused", "no_reply"]),
        }
    ),
    "hazard_accommodation_offered": st.fixed_dictionaries({"accommodation": st.sampled_from(["temporary", "permanent"])}),
}
STEP = st.tuples(
    st.sampled_from(
        [
            timedelta(0),
            timedelta(hours=5),
            timedelta(hours=20),
            timedelta(days=1),
            timedelta(days=3),
            timedelta(days=8),
            timedelta(days=40),
            timedelta(days=90),
        ]
    ),
    st.sampled_from(sorted(HAZARD_COMMANDS) + ["restart"]).flatmap(
        lambda action: st.tuples(st.just(action), FIELDS.get(action, st.just({})))
    ),
    st.sampled_from([None, None, None, -3, -24 * 400, 48]),
    st.sampled_from(["update", "update", "signal", "repeat"]),
)
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def harness():
    running = Harness()
    try:
        yield running
    finally:
        running.close()


def test_hazard_fuzz(harness):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        aware=AWARE,
        late_days=st.sampled_from([0, 0, 3, 10]),
        category=CATEGORIES,
        steps=st.lists(STEP, min_size=1, max_size=STEPS),
    )
    @known_case(  # decision 223: a note dated two days ahead, refused, then checked again on replay days later
        aware=datetime(2026, 12, 24, 16, 17, tzinfo=timezone.utc),
        late_days=0,
        category="excess_cold",
        steps=[
            (timedelta(hours=20), ("hazard_accommodation_offered", {"accommodation": "temporary"}), -3, "signal"),
            (timedelta(hours=20), ("hazard_accommodation_offered", {"accommodation": "permanent"}), None, "signal"),
            (timedelta(days=1), ("hazard_accommodation_accepted", {}), -9600, "repeat"),
            (timedelta(days=40), ("hazard_decanted", {}), -3, "signal"),
            (timedelta(days=40), ("hazard_accommodation_accepted", {}), 48, "signal"),
            (timedelta(days=3), ("hazard_closed", {}), None, "update"),
        ],
    )
    def example(aware, late_days, category, steps):
        log: list[str] = []
        try:
            harness.run(_example(harness, aware, late_days, category, steps, log), 600, "a hazard example")
        finally:
            for line in log:  # `note` works only on the test's thread
                note(line)

    example()


async def _example(h: Harness, aware: datetime, late_days: int, category: str, steps: list, log: list[str]) -> None:
    recorded = aware + timedelta(days=late_days)
    now = await h.env.get_current_time()
    reference = f"HZD-{recorded.year}-{next(_numbers) + 900000:06d}"
    hazard = HazardInput(
        reference=reference,
        landlord="fuzz",
        category=category,
        aware_at=aware,
        recorded_at=recorded,
        clock_offset_seconds=(recorded - now).total_seconds(),
    )
    assert report_problem(hazard, RULES, recorded) is None
    handle = await h.env.client.start_workflow(HazardWorkflow.run, hazard, id=reference, task_queue=TASK_QUEUE)
    sent: list = []
    offset = recorded - now
    for jump, (action, fields), occurred_hours, via in steps:
        if jump:
            await h.env.sleep(jump)
        if action == "restart":
            await h.restart_worker()
        else:
            business_now = await h.env.get_current_time() + offset
            occurred = None if occurred_hours is None else business_now + timedelta(hours=occurred_hours)
            await _send(handle, action, fields, occurred, via, sent, log)
        await _check(handle, aware)
    if (await _view(handle)).state == "open":
        await handle.terminate(reason="example finished")
    history = await handle.fetch_history()
    replayer = Replayer(workflows=[HazardWorkflow], workflow_runner=workflow_runner(), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


async def _send(handle, action: str, fields: dict, occurred: datetime | None, via: str, sent: list, log: list[str]) -> None:
    view = await _view(handle)
    if view.state == "closed":
        return
    if via == "repeat" and sent:
        action, command = sent[-1]
    else:
        try:
            command = HAZARD_COMMANDS[action](command_id=f"c{next(_numbers)}", occurred_at=occurred, **fields)
        except ValidationError:
            return
    log.append(f"{via} {action}: {command.model_dump_json(exclude_none=True)}")
    before = len(view.events)
    if via == "signal":
        await handle.signal(action, command, rpc_timeout=RPC)
        return
    try:
        await asyncio.wait_for(handle.execute_update(action, command, result_type=HazardView, rpc_timeout=RPC), 10)
        sent.append((action, command))
    except WorkflowUpdateFailedError as err:
        refusal = refusal_of(err)
        assert refusal is not None and refusal.field and refusal.rule, f"{action} failed without a structured refusal: {err!r}"
        log.append(f"  refused: {refusal.field} / {refusal.rule}: {refusal.message}")
        added = [e.type for e in (await _view(handle)).events[before:]]  # a signal sent just before may land meanwhile
        assert action not in added, f"refused {action} left events: {added}"
    except (RPCError, asyncio.TimeoutError) as err:
        raise Wedge(f"{action} got no answer: {err!r}") from None


async def _view(handle) -> HazardView:
    return await asyncio.wait_for(handle.query(HazardWorkflow.hazard, result_type=HazardView, rpc_timeout=RPC), 10)


async def _check(handle, aware: datetime) -> None:
    history = await handle.fetch_history(rpc_timeout=RPC)
    failed = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert not failed, f"workflow task failed: {failed[0].workflow_task_failed_event_attributes.failure.message}"
    view = await _view(handle)
    day0 = np.datetime64(local_date(aware).isoformat())
    counts = {"investigate": 10, "summary": 3, "safety_work": 5, "preventative_start": 5}
    investigated = next((e for e in view.events if e.type == "hazard_investigated"), None)
    practicable = investigated is None or investigated.details.get("preventative_start_practicable", True)
    for deadline in view.deadlines:
        if deadline.name == "emergency":
            found_by_investigation = (
                view.level != "emergency" and investigated is not None and investigated.details.get("found") == "emergency"
            )
            start = investigated.at if found_by_investigation else aware  # else an emergency triage, perhaps since revised down
            assert deadline.due_at == start + timedelta(hours=24)
        elif deadline.name == "preventative_start" and not practicable:
            assert deadline.due == local_date(investigated.at) + timedelta(days=84)
        else:
            start = day0 if deadline.name == "investigate" else np.datetime64(local_date(investigated.at).isoformat())
            expected = np.busday_offset(start, counts[deadline.name], roll="backward", holidays=HOLIDAYS).item()
            assert deadline.due == expected, f"{deadline.name} due {deadline.due}, counted by hand {expected}"
        if deadline.ceased is not None:
            assert deadline.met is None and deadline.met_on is None
        if deadline.met is True:
            assert deadline.met_on is not None and deadline.met_on <= deadline.due
    offers = [e.type for e in view.events if e.type.startswith("hazard_accommodation_")]
    for earlier, later in zip(["hazard_accommodation_declined", *offers], offers):
        assert (later == "hazard_accommodation_offered") == (earlier != "hazard_accommodation_offered"), (
            f"offers and answers alternate: {offers}"
        )
    names = {d.name for d in view.deadlines}
    fired = [(n.deadline, n.kind) for n in view.notices]
    assert len(fired) == len(set(fired)), f"a notice fired twice: {fired}"
    emergency_triages = [e for e in view.events if e.type == "hazard_triaged" and e.details.get("level") == "emergency"]
    for notice in view.notices:
        if notice.deadline in names:
            continue
        # An emergency triage before the investigation's due date takes its clock off the record (decision 143);
        # what was said about that clock before the triage was true when it was sent.
        assert notice.deadline == "investigate" and emergency_triages, (
            f"a notice for a clock that does not apply: {notice.deadline} {notice.kind} at {notice.at}; clocks {names}"
        )
