"""Benchmark: the web case list at 100k cases. A deep page by keyset (`after=` the last reference, what
the UI does) against the same page by OFFSET, and the first page and the dashboard, side by side.

    .venv/bin/python -m bench.web_case_list [CASES]
"""

import sys
import tempfile
import timeit
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlmodel import Session, col, select

from models.tables import Case, create_schema, make_engine
from starter.web.caseload import dashboard, today
from starter.web.routes.cases import PAGE_SIZE, _case_list

STATES = ("received", "stage1_acknowledged", "stage1_responded", "stage2_acknowledged", "closed")


def measure(cases: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'read.db'}")
        create_schema(engine)
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        rows = [
            dict(reference=f"CMP-2026-{i:06d}", landlord=("wrekin", "greatwell-homes")[i % 2], policy_id="code-2024",
                 policy_version=1, region="ENG", state=STATES[i % 5], stage=1 + (i % 5 >= 3), handler=f"h{i % 40}",
                 received_at=start + timedelta(minutes=i), next_deadline=start + timedelta(days=i % 300),
                 overdue=i % 17 == 0, last_seq=1)
            for i in range(cases)
        ]
        with Session(engine) as session:
            session.exec(Case.__table__.insert(), params=rows)
            session.commit()
        deep = f"CMP-2026-{cases // 10:06d}"
        depth = sum(1 for i in range(cases) if f"CMP-2026-{i:06d}" > deep)

        def keyset():
            with Session(engine) as session:
                _case_list(session, {"after": deep})

        def offset():
            with Session(engine) as session:
                list(session.exec(select(Case).order_by(col(Case.reference).desc()).offset(depth).limit(PAGE_SIZE + 1)))

        def filtered():
            with Session(engine) as session:
                _case_list(session, {"handler": "h7", "state": "received", "after": deep})

        def board():
            dashboard(engine, "h7", "handler", today())

        timings = {name: min(timeit.repeat(fn, number=5, repeat=3)) / 5 * 1000 for name, fn in
                   (("keyset", keyset), ("offset", offset), ("filtered", filtered), ("dashboard", board))}
    return timings | {"cases": cases, "depth": depth}


def report(r: dict) -> str:
    return "\n".join([
        f"{r['cases']} cases; deep page starts after {r['depth']} rows",
        "| keyset page (ms) | same page by OFFSET (ms) | ratio | filtered keyset page (ms) | dashboard (ms) |",
        "|---|---|---|---|---|",
        f"| {r['keyset']:.2f} | {r['offset']:.2f} | {r['offset'] / r['keyset']:.1f}x | {r['filtered']:.2f} | {r['dashboard']:.1f} |",
    ])


if __name__ == "__main__":
    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
