"""Benchmark 2: lifecycle throughput, full stage-1 cases per second (start, acknowledge, respond, close,
with their activities) against no-op workflows per second, 100 concurrent each, on the same dev server:
the SQLite file that `complaints dev` uses, then in memory.

    .venv/bin/python -m bench.throughput [CONCURRENT]
"""

import asyncio
import sys
import time
from datetime import datetime, timezone

from bench.floor import NoopWorkflow
from bench.stack import CASES, FLOOR, dev_stack, print_by_server_mode
from models.policy import DEFAULT_PROFILE_ID, load_profile
from models.case import Acknowledge, CaseInput, Close, Respond
from workflows.complaint import ComplaintWorkflow


async def full_case(client, n: int, run: str) -> None:
    reference = f"THR-2026-{n:06d}"
    handle = await client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord="bench",
            policy_id=DEFAULT_PROFILE_ID,
            policy_version=load_profile(DEFAULT_PROFILE_ID).version,
            received_at=datetime.now(timezone.utc),
        ),
        id=f"{reference}-{run}",
        task_queue=CASES,
    )
    await handle.execute_update(ComplaintWorkflow.opened)
    await handle.execute_update("acknowledge", Acknowledge(command_id="a", definition_ref="definition-1"))
    await handle.execute_update("respond", Respond(command_id="r", outcome="upheld"))
    await handle.execute_update("close", Close(command_id="c"))
    # A case closed at stage 1 keeps listening for a stage-2 request (decisions.md #8): done here.


async def noop(client, n: int, run: str) -> None:
    handle = await client.start_workflow(NoopWorkflow.run, id=f"noop-{n}-{run}", task_queue=FLOOR)
    await handle.execute_update(NoopWorkflow.finish)
    await handle.result()


async def rate(job, client, concurrent: int, run: str) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(job(client, n, run) for n in range(concurrent)))
    return concurrent / (time.perf_counter() - started)


async def measure(concurrent: int, persistent: bool) -> dict:
    async with dev_stack(persistent=persistent) as stack:
        await rate(full_case, stack.client, 10, "warm")
        await rate(noop, stack.client, 10, "warm")
        cases, noops = [], []
        for run in range(3):
            cases.append(await rate(full_case, stack.client, concurrent, str(run)))
            noops.append(await rate(noop, stack.client, concurrent, str(run)))
    best_cases, best_noops = max(cases), max(noops)
    return {"concurrent": concurrent, "cases_per_s": best_cases, "noops_per_s": best_noops, "ratio": best_cases / best_noops}


def row(server: str, r: dict) -> str:
    return f"| {server} | {r['concurrent']} | {r['cases_per_s']:.1f} | {r['noops_per_s']:.1f} | {r['ratio']:.2f} |"


async def main(concurrent: int) -> None:
    async def rows(server: str, persistent: bool) -> str:
        return row(server, await measure(concurrent, persistent))

    await print_by_server_mode("concurrent | full stage-1 cases/s | no-op workflows/s | ratio", rows, "target: ratio >= 0.25")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
