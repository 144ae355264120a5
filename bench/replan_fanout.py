"""Benchmark 8: a closure day re-plans N open cases, against N bare signals on the same dev server.

N ComplaintWorkflows are started (received now, landlord `bench-fanout`) and projected. A closure
day before their acknowledgement due date is added as the admin adds it (`casework.calendar_changes
.add_closure`, which starts CalendarFanOutWorkflow); the clock runs until every case has re-planned,
i.e. the read model holds a `deadlines_replanned` event for each. Then the same N signals are sent bare
(the same `signal_cases` batches, to N NoopWorkflows that do nothing with them): the ratio of the two
times is the fan-out's cost over Temporal's own floor for reaching N workflows. Goal: within 2x. For
comparison it also times the same re-plan with the signals sent straight from the caller (a second
closure day), as the retry loop did before the fan-out workflow.

    .venv/bin/python -m bench.replan_fanout [N]      (default 10000; a few minutes on 2 cores)
"""

import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from bench.floor import NoopWorkflow
from bench.stack import CASES, FLOOR, dev_stack
from casework.calendar_changes import add_closure, signal_cases
from casework.case_record import working_calendar
from models.calendar import local_date
from models.case import CalendarChanged, CaseInput
from models.policy import DEFAULT_PROFILE_ID, load_profile
from models.tables import Case, CaseEvent, add_closures
from workflows.complaint import ComplaintWorkflow

LANDLORD = "bench-fanout"
AT_ONCE = 200


async def _bounded(calls) -> None:
    """Run the coroutines AT_ONCE at a time (starting thousands of workflows without flooding the frontend)."""
    pending = set()
    for call in calls:
        pending.add(asyncio.ensure_future(call))
        if len(pending) >= AT_ONCE:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*pending)


def _count(engine, query) -> int:
    with Session(engine) as session:
        return session.execute(query).scalar_one()


async def _until(engine, query, n: int) -> None:
    while _count(engine, query) < n:
        await asyncio.sleep(0.2)


async def measure(n: int) -> dict:
    async with dev_stack(persistent=True) as stack:
        client, engine = stack.client, stack.engine
        received = datetime.now(UTC)
        version = load_profile(DEFAULT_PROFILE_ID).version
        references = [f"FAN-{received.year}-{i:06d}" for i in range(n)]
        await _bounded(
            client.start_workflow(
                ComplaintWorkflow.run,
                CaseInput(
                    reference=reference,
                    landlord=LANDLORD,
                    policy_id=DEFAULT_PROFILE_ID,
                    policy_version=version,
                    received_at=received,
                ),
                id=reference,
                task_queue=CASES,
            )
            for reference in references
        )
        await _until(engine, select(func.count()).select_from(Case).where(Case.landlord == LANDLORD), n)
        with Session(engine) as session:
            case = session.get(Case, references[0])
        today = local_date(received)
        closure = working_calendar(engine, case, today).next_working_day(today + timedelta(days=1))

        started = time.perf_counter()
        await add_closure(engine, client, LANDLORD, closure, "benchmark closure", task_queue=CASES, wait=0)
        await _until(engine, select(func.count()).select_from(CaseEvent).where(CaseEvent.type == "deadlines_replanned"), n)
        fan_out = time.perf_counter() - started
        async for run in client.list_workflows("WorkflowType = 'CalendarFanOutWorkflow'"):
            signalled_in = (run.close_time - run.start_time).total_seconds() if run.close_time else float("nan")

        # The same re-plan with the signals sent straight from here (the mechanism before the fan-out workflow).
        second = working_calendar(engine, case, today).next_working_day(closure + timedelta(days=1))
        add_closures(engine, LANDLORD, [second], "closure", "benchmark closure")
        started = time.perf_counter()
        await signal_cases(client, references, CalendarChanged(change="closure_added", days=(second,)))
        await _until(engine, select(func.count()).select_from(CaseEvent).where(CaseEvent.type == "deadlines_replanned"), 2 * n)
        direct = time.perf_counter() - started

        floor_ids = [f"floor-{i:06d}" for i in range(n)]
        await _bounded(client.start_workflow(NoopWorkflow.run, id=floor_id, task_queue=FLOOR) for floor_id in floor_ids)
        started = time.perf_counter()
        report = await signal_cases(client, floor_ids, CalendarChanged(change="closure_added", days=(closure,)))
        bare = time.perf_counter() - started
        assert report.signalled == n, report
        await _bounded(client.get_workflow_handle(floor_id).terminate() for floor_id in floor_ids)
        return {
            "n": n,
            "fan_out_s": fan_out,
            "workflow_s": signalled_in,
            "direct_s": direct,
            "bare_s": bare,
            "ratio": fan_out / bare,
        }


def report(r: dict) -> str:
    return "\n".join(
        [
            "| open cases | closure until every case re-planned (s) | of which the fan-out workflow's run (s) "
            "| the same re-plan signalled directly (s) | same number of bare signals (s) | ratio (fan-out / bare) |",
            "|---|---|---|---|---|---|",
            f"| {r['n']:,} | {r['fan_out_s']:.1f} | {r['workflow_s']:.1f} | {r['direct_s']:.1f} | {r['bare_s']:.1f} | {r['ratio']:.2f} |",
            "",
            "target: within 2x",
        ]
    )


if __name__ == "__main__":
    print(report(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))), flush=True)
