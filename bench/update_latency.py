"""Benchmark 1: staff action latency, a validated Update through ComplaintWorkflow (with its read-model
projection) against a bare no-op Update on a trivial workflow, interleaved on the same dev server.

    .venv/bin/python -m bench.update_latency [N]
"""

import asyncio
import statistics
import sys
import time
from datetime import datetime, timezone

from bench.floor import NoopWorkflow
from bench.stack import CASES, FLOOR, dev_stack
from sqlmodel import Session

from models.case import Acknowledge, CaseInput, ResidentInput
from models.tables import Case
from workflows.complaint import ComplaintWorkflow


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": statistics.median(ordered), "p95": pick(0.95), "p99": pick(0.99)}


async def projected(stack, seq: int) -> None:
    """Wait until the read model shows the action: what a person sees after the page reloads."""
    while True:
        with Session(stack.engine) as session:
            case = session.get(Case, "BEN-2026-000001")
            if case is not None and case.last_seq >= seq:
                return
        await asyncio.sleep(0.0005)


async def measure(n: int) -> dict:
    async with dev_stack() as stack:
        case = await stack.client.start_workflow(
            ComplaintWorkflow.run,
            CaseInput(reference="BEN-2026-000001", landlord="bench", policy_id="code-2024", policy_version=1,
                      received_at=datetime.now(timezone.utc)),
            id="BEN-2026-000001",
            task_queue=CASES,
        )
        await case.execute_update(ComplaintWorkflow.acknowledge, Acknowledge(command_id="ack", definition_ref="definition-1"))
        floor = await stack.client.start_workflow(NoopWorkflow.run, id="noop-latency", task_queue=FLOOR)
        ours, bare = [], []
        for i in range(n + 20):
            started = time.perf_counter()
            summary = await case.execute_update(ComplaintWorkflow.resident_input, ResidentInput(command_id=f"note-{i}"))
            await projected(stack, summary.last_event.seq)
            complaint_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            await floor.execute_update(NoopWorkflow.touch, f"touch-{i}")
            noop_ms = (time.perf_counter() - started) * 1000
            if i >= 20:  # warm-up
                ours.append(complaint_ms)
                bare.append(noop_ms)
        await floor.execute_update(NoopWorkflow.finish)
    a, b = percentiles(ours), percentiles(bare)
    return {"n": n, "complaint_ms": a, "noop_ms": b, "ratio": {k: a[k] / b[k] for k in a}}


def report(result: dict) -> str:
    rows = [f"| {k} | {result['complaint_ms'][k]:.2f} | {result['noop_ms'][k]:.2f} | {result['ratio'][k]:.2f} |"
            for k in ("p50", "p95", "p99")]
    return "\n".join(["| percentile | ComplaintWorkflow update (ms) | no-op update (ms) | ratio |", "|---|---|---|---|", *rows])


if __name__ == "__main__":
    print(report(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 300))))
