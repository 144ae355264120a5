"""Benchmark 6: worker memory (RSS) with N open cases waiting on their deadline timers, dev server.

The worker runs as its own process (`complaints worker`) so its RSS is measured alone, once with
WORKER_CACHED_CASES at its default and, for comparison, at temporalio's own default of 1,000.

    .venv/bin/python -m bench.memory [N]
"""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from models.policy import DEFAULT_PROFILE_ID, load_profile
from models.case import CaseInput
from models.settings import Settings
from models.tables import Case, make_engine
from starter.binaries import binary_path
from workflows import visibility
from workflows.complaint import ComplaintWorkflow


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def start_cases(client, n: int) -> None:
    """`n` complaints received now, started 200 at a time."""
    received = datetime.now(timezone.utc)
    pending: set[asyncio.Task] = set()
    for i in range(n):
        reference = f"MEM-2026-{i:06d}"
        pending.add(
            asyncio.create_task(
                client.start_workflow(
                    ComplaintWorkflow.run,
                    CaseInput(
                        reference=reference,
                        landlord="bench",
                        policy_id=DEFAULT_PROFILE_ID,
                        policy_version=load_profile(DEFAULT_PROFILE_ID).version,
                        received_at=received,
                    ),
                    id=reference,
                    task_queue="bench-memory",
                )
            )
        )
        if len(pending) >= 200:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*pending)


async def measure(n: int, cached_cases: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="complaints-mem-") as tmp:
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=binary_path("temporal"),
            search_attributes=visibility.KEYS,
            dev_server_log_level="error",
        )
        target = env.client.service_client.config.target_host
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "complaints"), "worker"],
            env={
                **os.environ,
                "TEMPORAL_ADDRESS": target,
                "DATABASE_URL": f"sqlite:///{tmp}/read.db",
                "COMPLAINTS_TASK_QUEUE": "bench-memory",
                "WORKER_CACHED_CASES": str(cached_cases),
            },
            stderr=subprocess.DEVNULL,
        )
        try:
            await asyncio.sleep(3)
            idle = rss_mb(worker.pid)
            started = time.perf_counter()
            await start_cases(env.client, n)
            # Wait until every case has run its first task (recorded, projected, timer set), then settle.
            engine = make_engine(f"sqlite:///{tmp}/read.db")
            while True:
                with Session(engine) as session:
                    if session.execute(select(func.count()).select_from(Case)).scalar_one() >= n:
                        break
                await asyncio.sleep(1)
            engine.dispose()
            await asyncio.sleep(5)
            loaded = rss_mb(worker.pid)
            last = await env.client.count_workflows("WorkflowType = 'ComplaintWorkflow' AND ExecutionStatus = 'Running'")
            return {
                "cached": cached_cases,
                "n": n,
                "idle_mb": idle,
                "loaded_mb": loaded,
                "start_seconds": time.perf_counter() - started,
                "open": last.count,
            }
        finally:
            worker.terminate()
            worker.wait(30)
            await env.shutdown()


CACHE_SIZES = (Settings.model_fields["worker_cached_cases"].default, 1000)
"""Our default, and temporalio's (the worker before WORKER_CACHED_CASES)."""


def row(r: dict) -> str:
    return (
        f"| {r['cached']} | {r['open']} | {r['idle_mb']:.0f} | {r['loaded_mb']:.0f} | {r['start_seconds']:.0f} | "
        f"<= 500 MB | {'pass' if r['loaded_mb'] <= 500 else 'FAIL'} |"
    )


async def main(n: int) -> None:
    print(
        "| WORKER_CACHED_CASES | open cases | worker RSS idle (MB) | worker RSS with the cases (MB) | "
        "time to open them (s) | target | |"
    )
    print("|---|---|---|---|---|---|---|")
    for cached_cases in CACHE_SIZES:
        print(row(await measure(n, cached_cases)), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
