"""Benchmark 3: `WorkingCalendar.add_working_days` per call against a bare `numpy.busday_offset` with
the same holidays (a prebuilt busdaycalendar), side by side.

    .venv/bin/python -m bench.calendar
"""

import random
import timeit
from datetime import date, timedelta

import numpy as np

from models.calendar import WorkingCalendar, uk_calendar_snapshot


def measure(calls: int = 200_000) -> dict:
    calendar = WorkingCalendar(uk_calendar_snapshot("ENG", range(2024, 2031), closures=[date(2026, 12, 31)]))
    busdaycal = np.busdaycalendar(holidays=np.array(calendar.snapshot.non_working, dtype="datetime64[D]"))
    rng = random.Random(7)
    starts = [date(2025, 1, 1) + timedelta(days=rng.randrange(1500)) for _ in range(1000)]
    starts64 = [np.datetime64(d) for d in starts]
    ns = [rng.randrange(0, 30) for _ in range(1000)]
    ours = min(
        timeit.repeat(lambda: [calendar.add_working_days(d, n) for d, n in zip(starts, ns)], number=calls // 1000, repeat=5)
    )
    bare = min(
        timeit.repeat(
            lambda: [np.busday_offset(d, n, roll="forward", busdaycal=busdaycal) for d, n in zip(starts64, ns)],
            number=calls // 1000,
            repeat=5,
        )
    )
    return {"ours_us": ours / calls * 1e6, "numpy_us": bare / calls * 1e6, "ratio": ours / bare}


def report(r: dict) -> str:
    return "\n".join(
        [
            "| add_working_days (µs/call) | numpy.busday_offset (µs/call) | ratio |",
            "|---|---|---|",
            f"| {r['ours_us']:.2f} | {r['numpy_us']:.2f} | {r['ratio']:.2f} |",
        ]
    )


if __name__ == "__main__":
    print(report(measure()))
