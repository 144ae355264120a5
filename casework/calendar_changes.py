"""Calendar changes: closure days and newly announced bank holidays reach every case they re-plan.

A closure day (or a bank holiday the `holidays` data newly announces) is written to the read model,
then every case `cases_to_replan` chooses gets the `calendar_changed` signal, in batches with
progress; each case reloads its calendar through its activity and re-plans its open deadlines
(DESIGN.md principle 2). The CLI (`complaints calendar closures ...`, `complaints calendar holidays
check`) and the web's closures page both call these functions, so they refuse the same closures and
re-plan the same cases.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, delete, select
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from models.calendar import bank_holidays, local_date
from models.case import CalendarChanged
from models.policy import known_profile_ids
from models.tables import Case, ClosureDay, KnownBankHoliday, PendingReplan, add_closures
from models.clock import london_today
from workflows.lifecycle import FINISHED_STATES

log = logging.getLogger(__name__)

SIGNALS_AT_ONCE = 20
"""Signals in flight at a time: fast on a big estate without flooding the frontend."""

Progress = Callable[[int, int], None]
"""Called with (cases done, cases in all) as the batch goes."""


class CalendarChangeReport(BaseModel):
    """What a calendar change reached: cases re-planned, cases whose workflow had ended, failures."""

    signalled: int = 0
    already_ended: int = 0
    failed: dict[str, str] = {}


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


def cases_to_replan(engine: Engine, landlord: str | None = None, regions: Iterable[str] | None = None) -> list[str]:
    """The cases a calendar change re-plans: every case whose workflow may still run, from the read
    model. Withdrawn and excluded cases have ended; a closed case may still be listening for a stage-2
    request (its deadlines then follow the new calendar), so it is signalled too, and one whose
    workflow has since ended answers NOT_FOUND and is counted as already ended. Weekends are never
    closure days (`check_closure`), whichever way the change came in."""
    query = select(Case.reference).where(Case.state.not_in(FINISHED_STATES))
    if landlord is not None:
        query = query.where(Case.landlord == landlord)
    if regions is not None:
        query = query.where(Case.region.in_(list(regions)))
    with Session(engine) as session:
        return sorted(session.exec(query.order_by(Case.reference)).all())


async def signal_calendar_changed(
    engine: Engine, client: Client, references: list[str], change: CalendarChanged, progress: Progress | None = None
) -> CalendarChangeReport:
    """Send `calendar_changed` to each case, a batch at a time; a case that has ended is counted, not failed.
    The signal names the kind of change and its days; a closure's typed reason stays on its row. A case
    Temporal could not be asked about is kept as a `PendingReplan` row until `retry_pending_replans`
    reaches it (the closure is saved either way, so no case may miss its re-plan)."""
    report = CalendarChangeReport()
    gate = asyncio.Semaphore(SIGNALS_AT_ONCE)
    done = 0
    delivered: list[str] = []

    async def one(reference: str) -> None:
        nonlocal done
        async with gate:
            try:
                await client.get_workflow_handle(reference).signal("calendar_changed", change)
                report.signalled += 1
                delivered.append(reference)
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:
                    report.already_ended += 1
                    delivered.append(reference)
                else:
                    report.failed[reference] = error.message
            except RuntimeError as error:  # the client never connected (Temporal down at start-up)
                report.failed[reference] = str(error).splitlines()[0][:200]
            done += 1
            if progress is not None:
                progress(done, len(references))

    await asyncio.gather(*(one(reference) for reference in references))
    _track_pending(engine, delivered, report.failed)
    return report


def _track_pending(engine: Engine, delivered: list[str], failed: dict[str, str]) -> None:
    """Clear the pending re-plans just delivered; keep (or count another attempt at) those that failed."""
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        for reference in delivered:
            if (row := session.get(PendingReplan, reference)) is not None:
                session.delete(row)
        for reference, error in failed.items():
            row = session.get(PendingReplan, reference) or PendingReplan(reference=reference, queued_at=now)
            row.attempts += 1
            row.last_error = error[:200]
            session.add(row)
        session.commit()


def pending_replans(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(PendingReplan.reference)).all())


async def retry_pending_replans(engine: Engine, client: Client) -> CalendarChangeReport:
    """Signal every case a calendar change has not reached yet; each reloads its whole calendar, so one
    signal catches up however many changes it missed."""
    references = pending_replans(engine)
    if not references:
        return CalendarChangeReport()
    return await signal_calendar_changed(engine, client, references, CalendarChanged(change="retry"))


async def keep_retrying_replans(engine: Engine, client: Client, every: float = 30.0) -> None:
    """The worker's loop: retry missed re-plans every `every` seconds, for as long as the worker runs."""
    while True:
        try:
            report = await retry_pending_replans(engine, client)
            if report.signalled or report.already_ended:
                log.info("re-plans delivered after a Temporal outage: %s", report.signalled + report.already_ended)
        except Exception:  # the read model briefly unavailable: try again next round
            log.exception("retrying pending re-plans failed")
        await asyncio.sleep(every)


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
        raise CalendarError("landlord", f"{landlord!r} is not a landlord of this service (a policy profile or a landlord with cases)")


async def add_closure(
    engine: Engine, client: Client, landlord: str, day: date, reason: str, progress: Progress | None = None
) -> CalendarChangeReport:
    """Record a closure day of `landlord` and re-plan every open case of that landlord."""
    check_closure(engine, landlord, day, reason)
    add_closures(engine, landlord, [day], "closure", reason.strip())
    references = cases_to_replan(engine, landlord=landlord)
    return await signal_calendar_changed(engine, client, references, CalendarChanged(change="closure_added", days=(day,)), progress)


async def remove_closure(
    engine: Engine, client: Client, landlord: str, day: date, progress: Progress | None = None
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
    references = cases_to_replan(engine, landlord=landlord)
    return await signal_calendar_changed(engine, client, references, CalendarChanged(change="closure_removed", days=(day,)), progress)


def closures(engine: Engine, landlord: str | None = None) -> list[ClosureDay]:
    query = select(ClosureDay).where(ClosureDay.kind == "closure")
    if landlord is not None:
        query = query.where(ClosureDay.landlord == landlord)
    with Session(engine) as session:
        return list(session.exec(query.order_by(ClosureDay.landlord, ClosureDay.day)).all())


def record_bank_holidays(engine: Engine, regions: Iterable[str], years: range) -> list[BankHolidayChange]:
    """Compare the `holidays` data with the days the cases were last told about, and store the new set.

    A region seen for the first time only records its baseline (its cases loaded the same data)."""
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
                    KnownBankHoliday.region == region,
                    KnownBankHoliday.day >= date(years.start, 1, 1),
                    KnownBankHoliday.day <= date(years.stop - 1, 12, 31),
                )
            )
            session.add_all(KnownBankHoliday(region=region, day=day, name=name) for day, name in current.items())
        session.commit()
    return changes


async def announce_bank_holidays(
    engine: Engine, client: Client, regions: Iterable[str], years: range, progress: Progress | None = None
) -> tuple[list[BankHolidayChange], CalendarChangeReport]:
    """Signal the open cases of every region whose bank holidays changed since the last check."""
    changes = record_bank_holidays(engine, regions, years)
    if not changes:
        return changes, CalendarChangeReport()
    references = cases_to_replan(engine, regions=[change.region for change in changes])
    days = tuple(sorted({day for change in changes for day in change.added + change.removed}))[:400]
    return changes, await signal_calendar_changed(engine, client, references, CalendarChanged(change="bank_holidays", days=days), progress)
