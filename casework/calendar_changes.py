"""Calendar changes: closure days and newly announced bank holidays reach every case they re-plan.

A closure day (or a bank holiday the `holidays` data newly announces) is written to the read model,
then a `CalendarFanOutWorkflow` is started (workflows/calendar_fanout.py, decision 133): it pages
through the cases `cases_to_replan` chooses and sends each the `calendar_changed` signal, in batches
Temporal retries; each case reloads its calendar through its activity and re-plans its open deadlines
(DESIGN.md principle 2). Starting that workflow is the durable record: if Temporal cannot accept it,
the change is undone and refused (nothing saved, say so), as intake is. The CLI (`complaints calendar
closures ...`, `complaints calendar holidays check`) and the web's closures page both call these
functions, so they refuse the same closures and re-plan the same cases.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import date

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from models.calendar import bank_holidays
from models.calendar_change import AffectedCases, CalendarChangeReport, CalendarFanOut
from models.case import CalendarChanged
from models.policy import known_profile_ids
from models.tables import Case, ClosureDay, KnownBankHoliday, add_closures
from models.clock import london_today
from workflows.lifecycle import FINISHED_STATES

log = logging.getLogger(__name__)

SIGNALS_AT_ONCE = 50
"""Signals in flight at a time within one batch: fast on a big estate without flooding the frontend."""
REPORT_WAIT = 30.0
"""Seconds the web waits for the fan-out's report before saying the rest follows (the CLI waits to the end)."""

Progress = Callable[[int, int], None]
"""Called with (cases done, cases in all) as the batch goes."""

__all__ = ["CalendarChangeReport"]


class BankHolidayChange(BaseModel):
    region: str
    added: list[date]
    removed: list[date]


class CalendarError(ValueError):
    """A calendar change refused before anything is written or signalled: `field` (landlord, day,
    reason) says what to correct, so each way in names it as its own form or flag does."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def cases_to_replan(
    engine: Engine,
    landlord: str | None = None,
    regions: Iterable[str] | None = None,
    after: str = "",
    limit: int | None = None,
) -> list[str]:
    """The cases a calendar change re-plans: every case whose workflow may still run, from the read
    model, in reference order (a page of `limit` after `after`). Withdrawn and excluded cases have
    ended; a closed case may still be listening for a stage-2 request (its deadlines then follow the
    new calendar), so it is signalled too, and one whose workflow has since ended answers NOT_FOUND and
    is counted as already ended. Weekends are never closure days (`check_closure`), whichever way the
    change came in."""
    query = select(Case.reference).where(col(Case.state).not_in(FINISHED_STATES), Case.reference > after)
    if landlord is not None:
        query = query.where(Case.landlord == landlord)
    if regions is not None:
        query = query.where(col(Case.region).in_(list(regions)))
    query = query.order_by(Case.reference)
    with Session(engine) as session:
        return list(session.exec(query if limit is None else query.limit(limit)).all())


async def signal_cases(
    client: Client, references: Iterable[str], change: CalendarChanged, done: Callable[[], None] | None = None
) -> CalendarChangeReport:
    """Send `calendar_changed` to each case, SIGNALS_AT_ONCE at a time (the fan-out's batch activity);
    a case that has ended is counted, one Temporal could not be asked about is in `failed`."""
    report = CalendarChangeReport()
    gate = asyncio.Semaphore(SIGNALS_AT_ONCE)

    async def one(reference: str) -> None:
        async with gate:
            try:
                await client.get_workflow_handle(reference).signal("calendar_changed", change)
                report.signalled += 1
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:
                    report.already_ended += 1
                else:
                    report.failed[reference] = error.message
            if done is not None:
                done()

    await asyncio.gather(*(one(reference) for reference in references))
    return report


async def replan(
    engine: Engine,
    client: Client,
    cases: AffectedCases,
    change: CalendarChanged,
    progress: Progress | None = None,
    task_queue: str = "complaints",
    wait: float | None = None,
    undo: Callable[[], None] | None = None,
) -> CalendarChangeReport:
    """Start the fan-out of `change` to `cases`, then report what it reached (within `wait` seconds when
    given). If the start fails, `undo` takes the change back and the error goes to the caller."""
    total = len(cases_to_replan(engine, cases.landlord, cases.regions))
    try:
        handle = await client.start_workflow(
            "CalendarFanOutWorkflow",
            CalendarFanOut(cases=cases, change=change),
            id=f"calendar-change-{uuid.uuid4().hex}",
            task_queue=task_queue,
            result_type=CalendarChangeReport,
        )
    except BaseException:
        if undo is not None:
            undo()
        raise
    return await _report(handle, total, progress, wait)


async def _report(handle: WorkflowHandle, total: int, progress: Progress | None, wait: float | None) -> CalendarChangeReport:
    result: asyncio.Future[CalendarChangeReport] = asyncio.ensure_future(handle.result())
    waited = 0.0
    while not result.done() and (wait is None or waited < wait):
        await asyncio.wait([result], timeout=0.5)
        waited += 0.5
        if progress is not None and not result.done():
            reached = await handle.query("reached", result_type=CalendarChangeReport)
            progress(reached.signalled + reached.already_ended, total)
    if result.done():
        report = result.result()
        if progress is not None:
            progress(total, total)
        return report
    result.cancel()
    reached = await handle.query("reached", result_type=CalendarChangeReport)
    return reached.model_copy(update={"pending": total - reached.signalled - reached.already_ended})


def landlords(engine: Engine) -> list[str]:
    """The landlords a closure may be for: every policy profile, and any landlord with cases."""
    with Session(engine) as session:
        used = set(session.exec(select(Case.landlord).distinct()))
    return sorted(used | set(known_profile_ids()))


def _not_past(day: date, why: str) -> None:
    today = london_today()
    if day < today:
        raise CalendarError("day", f"{day.isoformat()} is in the past ({why})")


def check_closure(engine: Engine, landlord: str, day: date, reason: str) -> None:
    """Refuse a closure that cannot be meant, before anything is written or signalled."""
    if not landlord.strip():
        raise CalendarError("landlord", "must not be empty")
    if day.weekday() >= 5:
        raise CalendarError("day", f"{day.isoformat()} is a {day:%A}, already a non-working day")
    _not_past(day, "a closure is for a day to come")
    with Session(engine) as session:
        if session.get(ClosureDay, (landlord, day)) is not None:
            raise CalendarError("day", f"{day.isoformat()} is already a closure or override day of {landlord}")
    if not reason.strip():
        raise CalendarError("reason", "must say why the office is closed (it is shown on the case)")
    if len(reason) > 200:
        raise CalendarError("reason", "must be at most 200 characters")
    if landlord not in landlords(engine):
        raise CalendarError(
            "landlord", f"{landlord!r} is not a landlord of this service (a policy profile or a landlord with cases)"
        )


async def add_closure(
    engine: Engine,
    client: Client,
    landlord: str,
    day: date,
    reason: str,
    progress: Progress | None = None,
    task_queue: str = "complaints",
    wait: float | None = None,
) -> CalendarChangeReport:
    """Record a closure day of `landlord` and re-plan every open case of that landlord; if the fan-out
    cannot be started, the closure is not kept."""
    check_closure(engine, landlord, day, reason)
    add_closures(engine, landlord, [day], "closure", reason.strip())

    def undo() -> None:
        with Session(engine) as session:
            if (row := session.get(ClosureDay, (landlord, day))) is not None:
                session.delete(row)
                session.commit()

    return await replan(
        engine,
        client,
        AffectedCases(landlord=landlord),
        CalendarChanged(change="closure_added", days=(day,)),
        progress,
        task_queue,
        wait,
        undo,
    )


async def remove_closure(
    engine: Engine,
    client: Client,
    landlord: str,
    day: date,
    progress: Progress | None = None,
    task_queue: str = "complaints",
    wait: float | None = None,
) -> CalendarChangeReport:
    """Remove a closure day (a working day again) and re-plan the landlord's open cases, the cases adding
    one re-plans (`cases_to_replan`). A day gone by stays: deadlines already met or missed around it stand."""
    _not_past(day, "a closure that has happened cannot be taken back")
    with Session(engine) as session:
        row = session.get(ClosureDay, (landlord, day))
        if row is None or row.kind != "closure":
            raise CalendarError("day", f"{day.isoformat()} is not a closure day of {landlord}")
        session.delete(row)
        session.commit()
    return await replan(
        engine,
        client,
        AffectedCases(landlord=landlord),
        CalendarChanged(change="closure_removed", days=(day,)),
        progress,
        task_queue,
        wait,
        lambda: add_closures(engine, landlord, [day], "closure", row.reason),
    )


def closures(engine: Engine, landlord: str | None = None) -> list[ClosureDay]:
    query = select(ClosureDay).where(ClosureDay.kind == "closure")
    if landlord is not None:
        query = query.where(ClosureDay.landlord == landlord)
    with Session(engine) as session:
        return list(session.exec(query.order_by(col(ClosureDay.landlord), col(ClosureDay.day))).all())


def record_bank_holidays(engine: Engine, regions: Iterable[str], years: range, keep: bool = True) -> list[BankHolidayChange]:
    """Compare the `holidays` data with the days the cases were last told about, and store the new set
    (only compare when `keep` is false). A region seen for the first time only records its baseline
    (its cases loaded the same data)."""
    changes = []
    with Session(engine) as session:
        for region in regions:
            current = bank_holidays(region, years)
            known_rows = session.exec(
                select(KnownBankHoliday).where(
                    KnownBankHoliday.region == region,
                    KnownBankHoliday.day >= date(years.start, 1, 1),
                    KnownBankHoliday.day <= date(years.stop - 1, 12, 31),
                )
            ).all()
            known = {row.day for row in known_rows}
            if known and set(current) != known:
                changes.append(
                    BankHolidayChange(region=region, added=sorted(set(current) - known), removed=sorted(known - set(current)))
                )
            session.exec(
                delete(KnownBankHoliday).where(
                    col(KnownBankHoliday.region) == region,
                    col(KnownBankHoliday.day) >= date(years.start, 1, 1),
                    col(KnownBankHoliday.day) <= date(years.stop - 1, 12, 31),
                )
            )
            session.add_all(KnownBankHoliday(region=region, day=day, name=name) for day, name in current.items())
        session.commit() if keep else session.rollback()
    return changes


async def announce_bank_holidays(
    engine: Engine,
    client: Client,
    regions: Iterable[str],
    years: range,
    progress: Progress | None = None,
    task_queue: str = "complaints",
) -> tuple[list[BankHolidayChange], CalendarChangeReport]:
    """Re-plan the open cases of every region whose bank holidays changed since the last check; the new
    set is recorded once the fan-out has started, so a check Temporal could not take is found again."""
    regions = list(regions)
    changes = record_bank_holidays(engine, regions, years, keep=False)
    if not changes:
        record_bank_holidays(engine, regions, years)  # a first check records its baseline
        return changes, CalendarChangeReport()
    days = tuple(sorted({day for change in changes for day in change.added + change.removed}))[:400]
    cases = AffectedCases(regions=tuple(change.region for change in changes))
    report = await replan(engine, client, cases, CalendarChanged(change="bank_holidays", days=days), progress, task_queue)
    record_bank_holidays(engine, regions, years)
    return changes, report
