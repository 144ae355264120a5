"""Benchmark 1: staff action latency, a validated Update through ComplaintWorkflow (with its read-model
projection) against a bare no-op Update on a trivial workflow, interleaved on the same dev server.

A third workload shows where the difference comes from: the same no-op Update running one empty local
activity, the mechanism the projection uses (its floor). Both server modes run: the SQLite file that
`complaints dev` uses, and in memory.

    .venv/bin/python -m bench.update_latency [N]
"""

import asyncio
import statistics
import sys
import time
from datetime import datetime, timezone

from sqlalchemy import select

from bench.floor import NoopWorkflow
from bench.stack import CASES, FLOOR, dev_stack, print_by_server_mode
from models.policy import DEFAULT_PROFILE_ID, load_profile
from models.case import Acknowledge, CaseInput, CaseSummary, ResidentInput
from models.tables import Case
from workflows.complaint import ComplaintWorkflow

REFERENCE = "BEN-2026-000001"
WARM_UP = 20
WORKLOADS = ("ComplaintWorkflow update", "no-op update + empty local activity", "no-op update")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": statistics.median(ordered), "p95": pick(0.95), "p99": pick(0.99)}


async def projected(stack, seq: int) -> None:
    """Wait until the read model shows the action: what a person sees after the page reloads."""
    shown = select(Case.last_seq).where(Case.reference == REFERENCE)
    while True:
        with stack.engine.connect() as connection:
            if (connection.execute(shown).scalar() or 0) >= seq:
                return
        await asyncio.sleep(0.0005)


async def measure(n: int, persistent: bool) -> dict[str, dict[str, float]]:
    async with dev_stack(persistent=persistent) as stack:
        case = await stack.client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(
                reference=REFERENCE,
                landlord="bench",
                policy_id=DEFAULT_PROFILE_ID,
                policy_version=load_profile(DEFAULT_PROFILE_ID).version,
                received_at=datetime.now(timezone.utc),
            ),
            id=REFERENCE,
            task_queue=CASES,
        )
        await case.execute_update(ComplaintWorkflow.opened)
        await case.execute_update("acknowledge", Acknowledge(command_id="ack", definition_ref="definition-1"))
        floor = await stack.client.start_workflow(NoopWorkflow.run, id="noop-latency", task_queue=FLOOR)

        async def staff_action(i: int) -> None:
            summary = await case.execute_update("resident_input", ResidentInput(command_id=f"note-{i}"), result_type=CaseSummary)
            await projected(stack, summary.last_event.seq)

        actions = (
            staff_action,
            lambda i: floor.execute_update(NoopWorkflow.touch_through_local_activity, f"local-{i}"),
            lambda i: floor.execute_update(NoopWorkflow.touch, f"touch-{i}"),
        )
        samples: dict[str, list[float]] = {name: [] for name in WORKLOADS}
        for i in range(n + WARM_UP):
            for name, action in zip(WORKLOADS, actions):
                started = time.perf_counter()
                await action(i)
                if i >= WARM_UP:
                    samples[name].append((time.perf_counter() - started) * 1000)
        await floor.execute_update(NoopWorkflow.finish)
    return {name: percentiles(values) for name, values in samples.items()}


def report(server: str, result: dict[str, dict[str, float]]) -> str:
    floor = result["no-op update"]
    rows = [
        f"| {server} | {name} | " + " | ".join(f"{ms[k]:.2f} ({ms[k] / floor[k]:.2f})" for k in ("p50", "p95", "p99")) + " |"
        for name, ms in result.items()
    ]
    return "\n".join(rows)


async def main(n: int) -> None:
    async def rows(server: str, persistent: bool) -> str:
        return report(server, await measure(n, persistent))

    await print_by_server_mode(
        "workload | p50 ms (ratio) | p95 ms (ratio) | p99 ms (ratio)",
        rows,
        "ratio = against the no-op update in the same run; target: ComplaintWorkflow update p50 <= 1.5",
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
