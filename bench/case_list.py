"""Benchmark 4: the staff case list at 100k cases, p95 of typical filtered pages against p95 of the
cheapest round trip to the same database, interleaved, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.case_list [N]

Needs PostgreSQL's server binaries for the PostgreSQL half (Debian: `apt-get install postgresql`); it
starts a private cluster in a temporary directory (as the `postgres` user when run as root) and
removes it afterwards. Without them the SQLite half runs alone and says so.

Two probe pairs (`PROBES`), each measured interleaved: the query function (`list_cases`, a page of 50)
against a session and `SELECT 1`, and the issue's own measure, over HTTP: the web app's `GET /cases?...`
(signed in as a complaints manager, a page of 25, rendered HTML) against `GET /healthz`, both through
FastAPI's `TestClient` in this process. Neither the list nor `/healthz` calls Temporal, so the app is
built without a Temporal client.
"""

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.postgres import on_both_databases
from bench.update_latency import percentiles
from casework.case_list import (
    CaseListFilter,
    dated_query,
    list_cases,
    query_plan,
    read_token,
    stage_counts,
    stage_counts_query,
    token_after,
    undated_query,
)
from models.policy import DEFAULT_PROFILE_ID
from models.settings import Settings
from models.tables import Case, create_schema
from accounts.users import create_user
from starter.web.app import create_app
from models.calendar import end_of_day

TODAY = date(2026, 6, 1)
LANDLORDS = ["wrekin", "greatwell", "together", "thirteen"]
HANDLERS = [f"handler{i:02d}" for i in range(40)]
OPEN_STATES = {
    1: ["received", "stage1_acknowledged", "stage1_extended"],
    2: ["stage2_requested", "stage2_acknowledged", "stage2_extended"],
}
UNDATED_STATES = ["stage1_responded", "closed", "closed", "closed", "withdrawn", "excluded"]


def cases(n: int, seed: int = 8) -> list[dict]:
    """Several years of a large landlord group: 85% answered or closed (no running deadline), 15% open,
    open cases due over the next 40 working days, a few overdue, 10% stage 2, 40 handlers."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        stage = 2 if rng.random() < 0.1 else 1
        open_case = rng.random() < 0.15
        due = TODAY + timedelta(days=rng.randrange(-10, 60)) if open_case else None
        rows.append(
            {
                "reference": f"CMP-{2020 + i % 7}-{i:06d}",
                "landlord": rng.choice(LANDLORDS),
                "policy_id": DEFAULT_PROFILE_ID,
                "policy_version": 1,
                "region": "ENG",
                "state": rng.choice(OPEN_STATES[stage]) if open_case else rng.choice(UNDATED_STATES),
                "stage": stage,
                "handler": None if rng.random() < 0.1 else rng.choice(HANDLERS),
                "received_at": end_of_day(TODAY - timedelta(days=rng.randrange(2000))),
                "next_deadline": None if due is None else end_of_day(due),
                "overdue": due is not None and due < TODAY,
                "last_seq": 1,
            }
        )
    return rows


def fill(engine: Engine, n: int) -> float:
    create_schema(engine)
    rows = cases(n)
    started = time.perf_counter()
    with Session(engine) as session:
        for i in range(0, n, 10_000):
            session.execute(insert(Case), rows[i : i + 10_000])
        session.commit()
    if engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets an
        # index-only scan (the dashboard's counts) skip the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def deep_token(engine: Engine, filters: CaseListFilter, rows_in: int) -> str:
    """The token a person holds after paging `rows_in` rows in (found with OFFSET, outside the timing)."""
    with Session(engine) as session:
        dated = session.execute(dated_query(filters, None).offset(rows_in - 1).limit(1)).first()
        if dated is None:
            undated_in = (
                rows_in - session.execute(text('SELECT count(*) FROM "case" WHERE next_deadline IS NOT NULL')).scalar_one()
            )
            dated = session.execute(undated_query(filters, None).offset(undated_in - 1).limit(1)).one()
    return token_after(dated.next_deadline, dated.reference)


def lists(engine: Engine, n_cases: int) -> dict[str, Callable[[], object]]:
    """The typical views, each a page of 50 as the web UI will ask for it."""
    deep = min(49_950, n_cases // 100 * 50)
    views = {
        "open cases, page 1": (CaseListFilter(), None),
        f"page {deep // 50 + 1} ({deep:,} rows in)": (CaseListFilter(), deep_token(engine, CaseListFilter(), deep)),
        "stage 1": (CaseListFilter(stage=1), None),
        "one handler's cases": (CaseListFilter(handler="handler07"), None),
        "overdue": (CaseListFilter(overdue=True), None),
        "landlord + state": (CaseListFilter(landlord="greatwell", state="stage1_acknowledged"), None),
        "stage 2 + handler": (CaseListFilter(stage=2, handler="handler07"), None),
        "due in the next 7 days": (CaseListFilter(due_from=TODAY, due_to=TODAY + timedelta(days=7)), None),
    }

    def page(filters: CaseListFilter, token: str | None) -> Callable[[], object]:
        def run() -> object:
            with Session(engine) as session:
                return list_cases(session, filters, 50, token)

        return run

    probes = {name: page(f, token) for name, (f, token) in views.items()}

    def dashboard() -> object:
        with Session(engine) as session:
            return stage_counts(session, CaseListFilter())

    probes["dashboard counts per stage"] = dashboard
    return probes


def plans(engine: Engine) -> dict[str, list[str]]:
    views = {
        "open cases": CaseListFilter(),
        "stage 1": CaseListFilter(stage=1),
        "one handler": CaseListFilter(handler="handler07"),
        "overdue": CaseListFilter(overdue=True),
        "landlord + state": CaseListFilter(landlord="greatwell", state="stage1_acknowledged"),
        "due in the next 7 days": CaseListFilter(due_from=TODAY, due_to=TODAY + timedelta(days=7)),
    }
    with Session(engine) as session:
        dated = session.execute(text('SELECT count(*) FROM "case" WHERE next_deadline IS NOT NULL')).scalar_one()
    deep = read_token(deep_token(engine, CaseListFilter(), dated // 2))
    with Session(engine) as session:
        return {name: query_plan(session, dated_query(f, deep).limit(51)) for name, f in views.items()} | {
            "dashboard counts per stage": query_plan(session, stage_counts_query(CaseListFilter()))
        }


def select_one(engine: Engine) -> Callable[[], object]:
    def run() -> object:
        with Session(engine) as session:
            return session.execute(text("SELECT 1")).scalar_one()

    return run


def signed_in_browser(engine: Engine) -> TestClient:
    """A complaints manager's browser on the web app over this database (cookies and CSRF as a person's)."""
    create_user(engine, "bench", "Bench Manager", "complaints_manager", "bench password 1")
    browser = TestClient(create_app(Settings(), None, engine, session_secret="bench"))  # type: ignore[arg-type]
    csrf = browser.get("/sign-in").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed = browser.post(
        "/sign-in", data={"username": "bench", "password": "bench password 1", "csrf_token": csrf}, follow_redirects=False
    )
    assert signed.status_code == 303, signed.text[:500]
    return browser


def http_lists(engine: Engine, n_cases: int) -> tuple[Callable[[], object], dict[str, Callable[[], object]]]:
    """`GET /healthz` and the same views as `lists`, as the browser asks for them."""
    browser = signed_in_browser(engine)
    deep = min(49_975, n_cases // 100 * 50 // 25 * 25)
    views = {
        "open cases, page 1": {},
        f"page {deep // 25 + 1} ({deep:,} rows in)": {"page": deep_token(engine, CaseListFilter(), deep)},
        "stage 1": {"stage": "1"},
        "one handler's cases": {"handler": "handler07"},
        "overdue": {"overdue": "yes"},
        "landlord + state": {"landlord": "greatwell", "state": "stage1_acknowledged"},
        "stage 2 + handler": {"stage": "2", "handler": "handler07"},
        "due in the next 7 days": {"due_from": TODAY.isoformat(), "due_to": (TODAY + timedelta(days=7)).isoformat()},
    }

    def get(url: str, params: dict | None = None) -> Callable[[], object]:
        def run() -> object:
            response = browser.get(url, params=params)
            if response.status_code != 200:
                raise RuntimeError(f"{url} {params}: {response.status_code} {response.text[:300]}")
            return response

        return run

    probes = {name: get("/cases", params) for name, params in views.items()}
    probes["dashboard (lists and counts per stage)"] = get("/")
    return get("/healthz"), probes


PROBES: dict[str, Callable[[Engine, int], tuple[Callable[[], object], dict[str, Callable[[], object]]]]] = {
    "query function vs SELECT 1": lambda engine, n_cases: (select_one(engine), lists(engine, n_cases)),
    "HTTP: GET /cases?... vs GET /healthz": http_lists,
}
"""Each pair: the floor probe and the list probes, measured interleaved."""


def timed_ms(probe: Callable[[], object]) -> float:
    started = time.perf_counter()
    probe()
    return (time.perf_counter() - started) * 1000


def measure_pair(floor: Callable[[], object], listing: Callable[[], object], n: int) -> dict:
    for _ in range(20):  # warm-up: connections, statement caches, pages in memory
        floor(), listing()
    ours, bare = [], []
    for _ in range(n):
        ours.append(timed_ms(listing))
        bare.append(timed_ms(floor))
    a, b = percentiles(ours), percentiles(bare)
    return {"list_ms": a, "floor_ms": b, "ratio_p95": a["p95"] / b["p95"]}


def measure_database(name: str, engine: Engine, n_cases: int, n: int) -> dict:
    fill_seconds = fill(engine, n_cases)
    results = {}
    for pair, build in PROBES.items():
        floor, probes = build(engine, n_cases)
        results[pair] = {view: measure_pair(floor, probe, n) for view, probe in probes.items()}
    return {"database": name, "cases": n_cases, "fill_seconds": fill_seconds, "results": results, "plans": plans(engine)}


def measure(n_cases: int, n: int = 1000) -> list[dict]:
    return on_both_databases("complaints-caselist-", lambda name, engine: measure_database(name, engine, n_cases, n))


def report(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        if "skipped" in run:
            lines.append(f"\n{run['database']}: not measured ({run['skipped']})")
            continue
        lines.append(f"\n{run['database']}, {run['cases']:,} cases (bulk insert {run['fill_seconds']:.1f} s)")
        for pair, views in run["results"].items():
            lines += [
                f"\n{pair}\n",
                "| view | p50 ms | p95 ms | p99 ms | floor p95 ms | p95 ratio | <= 5x |",
                "|---|---|---|---|---|---|---|",
            ]
            for view, r in views.items():
                a = r["list_ms"]
                lines.append(
                    f"| {view} | {a['p50']:.2f} | {a['p95']:.2f} | {a['p99']:.2f} | "
                    f"{r['floor_ms']['p95']:.3f} | {r['ratio_p95']:.1f} | {'pass' if r['ratio_p95'] <= 5 else 'FAIL'} |"
                )
        lines.append("\nplans (a page deep in the list):\n")
        for view, plan in run["plans"].items():
            lines.append(f"- {view}: " + " / ".join(step.strip() for step in plan))
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
