"""Benchmark 5: simulation scaling, the time to run N generated cases through the real workflow on the
time-skipping server, for N = 100, 300 and 649 (Wrekin's 2023-24 stage-1 volume, seed 001).

    .venv/bin/python -m bench.simulation [N ...]
"""

import asyncio
import random
import sys
import time
from datetime import datetime, timedelta, timezone

from starter.scenario import Scenario
from starter.simulate import simulator
from worker import send_core_logs_to_python


def year_of_cases(n: int, seed: int = 2024) -> list[Scenario]:
    """Cases spread over a year: acknowledged in 1-6 days, answered in 3-15, about 5.5% escalated."""
    rng = random.Random(seed)
    start = datetime(2025, 4, 1, 9, tzinfo=timezone.utc)
    scenarios = []
    for _ in range(n):
        received = start + timedelta(days=rng.randrange(365), hours=rng.randrange(8))
        ack = received + timedelta(days=rng.randint(1, 6))
        respond = ack + timedelta(days=rng.randint(3, 15))
        steps = [
            {"at": ack.isoformat(), "action": "acknowledge"},
            {"at": respond.isoformat(), "action": "respond", "outcome": rng.choice(["upheld", "partly_upheld", "not_upheld"])},
        ]
        if rng.random() < 0.055:
            request = respond + timedelta(days=rng.randint(1, 20))
            steps += [
                {"at": request.isoformat(), "action": "request_stage2"},
                {"at": (request + timedelta(days=3)).isoformat(), "action": "acknowledge"},
                {"at": (request + timedelta(days=25)).isoformat(), "action": "respond", "outcome": "not_upheld"},
            ]
        else:
            steps.append({"at": (respond + timedelta(days=30)).isoformat(), "action": "close"})
        scenarios.append(Scenario.model_validate({"received": received.isoformat(), "steps": steps}))
    return scenarios


async def measure(sizes: list[int]) -> list[dict]:
    send_core_logs_to_python("ERROR")
    rows = []
    async with simulator() as sim:
        for n in sizes:
            scenarios = year_of_cases(n)
            started = time.perf_counter()
            for scenario in scenarios:
                await sim.run(scenario)
            seconds = time.perf_counter() - started
            rows.append({"n": n, "seconds": seconds, "per_case_ms": seconds / n * 1000})
    return rows


def report(rows: list[dict]) -> str:
    first = rows[0]["per_case_ms"]
    lines = ["| cases | seconds | ms per case | per-case time vs smallest run |", "|---|---|---|---|"]
    lines += [f"| {r['n']} | {r['seconds']:.1f} | {r['per_case_ms']:.0f} | {r['per_case_ms'] / first:.2f} |" for r in rows]
    growth = rows[-1]["per_case_ms"] / first
    verdict = "linear" if growth <= 1.25 else "worse than linear"
    lines.append(
        f"\nper-case time at {rows[-1]['n']} cases is {growth:.2f}x that at {rows[0]['n']}: {verdict} "
        "(linear = per-case time flat within 25%)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(asyncio.run(measure([int(a) for a in sys.argv[1:]] or [100, 300, 649]))))
