"""Calendar operations re-plan open cases: `complaints calendar closures add` and `holidays check`,
in-process (tests/cli_runner.py) against the real dev server and worker."""

import asyncio
import uuid
from datetime import date, datetime, timezone

import pytest
from typer.testing import Result
from sqlmodel import Session, select

from models.policy import load_profile
from models.calendar import WorkingCalendar, uk_calendar_snapshot
from models.case import CaseInput, CaseView
from models.settings import Settings
from models.tables import Case, ClosureDay, KnownBankHoliday
from accounts.users import create_user
from starter.web.app import create_app
from tests.cli_runner import complaints_in_thread
from tests.dev_stack import dev_stack
from tests.web_stack import PASSWORD, Stack
from worker import build_worker
from workflows.complaint import ComplaintWorkflow


@pytest.fixture(scope="module")
async def stack():
    """Dev server, worker and a SQLite read model, shared by the CLI (as environment variables)."""
    async with dev_stack() as (env, engine, directory):
        async with build_worker(env.client, engine, "calendar-ops"):
            cli_env = {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "DATABASE_URL": f"sqlite:///{directory / 'read.db'}",
                "COMPLAINTS_TASK_QUEUE": "calendar-ops",
            }
            yield env, engine, cli_env


async def _open_case(env, landlord: str) -> tuple:
    reference = f"CAL-2026-{uuid.uuid4().int % 10**6:06d}"
    handle = await env.client.start_workflow(
        ComplaintWorkflow.run,
        CaseInput(
            reference=reference,
            landlord=landlord,
            policy_id="code-2024",
            policy_version=load_profile("code-2024").version,
            received_at=datetime.now(timezone.utc),
        ),
        id=reference,
        task_queue="calendar-ops",
    )
    for _ in range(100):
        view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
        if view.deadlines:
            return handle, view
        await asyncio.sleep(0.1)
    raise AssertionError("the case never planned its deadlines")


async def _acknowledge_due(handle, changed_from: date) -> date:
    """The acknowledgement due date once the case has re-planned (the signal is processed asynchronously)."""
    due = changed_from
    for _ in range(100):
        view = await handle.query(ComplaintWorkflow.case, result_type=CaseView)
        due = next(d.due for d in view.deadlines if d.name == "stage1.acknowledge")
        if due != changed_from:
            return due
        await asyncio.sleep(0.1)
    return due


async def _cli(cli_env, *args) -> Result:
    return await complaints_in_thread("calendar", *args, env=cli_env)


async def test_a_closure_day_moves_the_deadline_of_an_open_case(stack):
    env, engine, cli_env = stack
    handle, view = await _open_case(env, "greatwell")
    other, _ = await _open_case(env, "elsewhere")
    received = view.events[0].at.astimezone(timezone.utc).date()
    before = next(d.due for d in view.deadlines if d.name == "stage1.acknowledge")
    years = range(received.year, received.year + 2)
    closure = WorkingCalendar(uk_calendar_snapshot("ENG", years)).add_working_days(received, 1)

    done = await _cli(
        cli_env, "closures", "add", closure.isoformat(), "--landlord", "greatwell", "--reason", "staff training day"
    )

    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"closure {closure.isoformat()} recorded for greatwell",
        "1 open case(s) re-planned, 0 already ended, 0 failed",
    ]
    expected = WorkingCalendar(uk_calendar_snapshot("ENG", years, closures=[closure])).add_working_days(received, 5)
    assert expected != before
    assert await _acknowledge_due(handle, before) == expected
    listed = await _cli(cli_env, "closures", "list", "--landlord", "greatwell")
    assert listed.stdout == f"{closure.isoformat()}\tgreatwell\tstaff training day\n"
    await handle.terminate("test over")
    await other.terminate("test over")


async def test_a_closure_on_a_weekend_is_refused_and_nothing_is_written(stack):
    _, engine, cli_env = stack
    done = await _cli(cli_env, "closures", "add", "2026-12-26", "--landlord", "wrekin", "--reason", "x")
    assert done.exit_code == 2
    assert "DATE: 2026-12-26 is a Saturday, already a non-working day" in done.stderr
    with Session(engine) as session:
        assert session.exec(select(ClosureDay).where(ClosureDay.landlord == "wrekin")).all() == []


async def test_a_newly_announced_bank_holiday_reaches_the_open_cases_of_that_nation(stack):
    env, engine, cli_env = stack
    handle, _ = await _open_case(env, "holidays")
    first = await _cli(cli_env, "holidays", "check", "--region", "ENG")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("no change to the bank holidays of ENG")
    # The data the cases were last told about lacked one day: as if the `holidays` upgrade announced it.
    this_year = date.today().year
    with Session(engine) as session:
        announced = session.exec(
            select(KnownBankHoliday).where(KnownBankHoliday.region == "ENG", KnownBankHoliday.day >= date(this_year + 1, 1, 1))
        ).first()
        session.delete(announced)
        session.commit()

    second = await _cli(cli_env, "holidays", "check", "--region", "ENG")

    assert second.exit_code == 0, second.stderr
    lines = second.stdout.splitlines()
    assert lines[0] == f"ENG: added {announced.day.isoformat()}; removed none"
    assert lines[1].endswith("already ended, 0 failed")
    signals = [
        event.workflow_execution_signaled_event_attributes.signal_name
        async for event in handle.fetch_history_events()
        if event.HasField("workflow_execution_signaled_event_attributes")
    ]
    assert signals == ["calendar_changed"]
    assert (await _cli(cli_env, "holidays", "check", "--region", "ENG")).stdout.startswith("no change")
    await handle.terminate("test over")


def _read_model_case(engine, landlord: str, state: str) -> str:
    """A case as the read model holds it, with no workflow behind it any more (ended and gone)."""
    reference = f"CAL-2025-{uuid.uuid4().int % 10**6:06d}"
    with Session(engine) as session:
        session.add(
            Case(
                reference=reference,
                landlord=landlord,
                policy_id="code-2024",
                policy_version=load_profile("code-2024").version,
                region="ENG",
                state=state,
                stage=1,
                received_at=datetime(2025, 6, 2, 9, tzinfo=timezone.utc),
            )
        )
        session.commit()
    return reference


async def _calendar_signals(handle, expected: int) -> int:
    """The signals in the case's history once `expected` are there (a signal that arrives while a
    workflow task runs is written to history when the task completes), or after about 10 s."""
    for _ in range(100):
        signals = [
            event
            async for event in handle.fetch_history_events()
            if event.HasField("workflow_execution_signaled_event_attributes")
        ]
        if len(signals) >= expected:
            break
        await asyncio.sleep(0.1)
    return len(signals)


async def test_the_cli_and_the_web_replan_the_same_cases_and_refuse_the_same_days(stack):
    """One function chooses: a running case is re-planned, a closed case (it may be listening for a
    stage-2 request) is signalled and, its workflow gone, counted as already ended, a withdrawn one is
    left alone; a weekend is refused by both, and nothing is written."""
    env, engine, cli_env = stack
    handle, view = await _open_case(env, "together-housing")
    _read_model_case(engine, "together-housing", "closed")
    _read_model_case(engine, "together-housing", "withdrawn")
    create_user(engine, "calendar-admin", "Calendar Admin", "administrator", PASSWORD)
    settings = Settings(COMPLAINTS_TASK_QUEUE="calendar-ops")
    web = Stack(env.client, engine, settings, create_app(settings, env.client, engine, session_secret="test-secret"))
    admin = web.browser()
    await admin.sign_in("calendar-admin")
    received = view.events[0].at.astimezone(timezone.utc).date()
    calendar = WorkingCalendar(uk_calendar_snapshot("ENG", range(received.year, received.year + 2)))
    first, second = calendar.add_working_days(received, 2), calendar.add_working_days(received, 3)

    cli = await _cli(cli_env, "closures", "add", first.isoformat(), "--landlord", "together-housing", "--reason", "stocktake")
    posted = await admin.post("/closures", {"landlord": "together-housing", "day": second.isoformat(), "reason": "stocktake"})

    assert cli.exit_code == 0, cli.stderr
    assert cli.stdout.splitlines()[1] == "1 open case(s) re-planned, 1 already ended, 0 failed"
    assert posted.status_code == 303
    assert "1 open case(s) re-planned, 1 already ended" in (await admin.get("/closures")).text
    assert await _calendar_signals(handle, 2) == 2

    with Session(engine) as session:
        before = len(session.exec(select(ClosureDay)).all())
    saturday = date(2027, 1, 2)
    cli = await _cli(cli_env, "closures", "add", saturday.isoformat(), "--landlord", "together-housing", "--reason", "stocktake")
    posted = await admin.post("/closures", {"landlord": "together-housing", "day": saturday.isoformat(), "reason": "stocktake"})
    assert cli.exit_code == 2 and "DATE: 2027-01-02 is a Saturday, already a non-working day" in cli.stderr
    assert posted.status_code == 400 and "2027-01-02 is a Saturday, already a non-working day" in posted.text
    with Session(engine) as session:
        assert len(session.exec(select(ClosureDay)).all()) == before
    await asyncio.sleep(0.5)
    assert await _calendar_signals(handle, 3) == 2, "a refused closure signals no case"
    await admin.http.aclose()
    await handle.terminate("test over")
