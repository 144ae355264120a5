"""The fan-out's activities: which cases a calendar change re-plans (a page from the read model) and
signalling a page of them (workflows/calendar_fanout.py). A page with a case Temporal could not be asked
about fails, so Temporal retries it (a repeated `calendar_changed` only reloads the calendar again)."""

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from casework.calendar_changes import cases_to_replan, signal_cases
from models.calendar_change import AffectedCases, CalendarChangeReport, SignalBatch


class CalendarFanOutActivities:
    def __init__(self, engine: Engine, client: Client):
        self._engine = engine
        self._client = client

    @activity.defn(name="cases_to_replan_page")
    def cases_to_replan_page(self, cases: AffectedCases) -> list[str]:
        return cases_to_replan(self._engine, cases.landlord, cases.regions, cases.after, cases.limit)

    @activity.defn(name="signal_calendar_changed_batch")
    async def signal_calendar_changed_batch(self, batch: SignalBatch) -> CalendarChangeReport:
        report = await signal_cases(self._client, batch.references, batch.change, done=activity.heartbeat)
        if report.failed:
            first, why = next(iter(report.failed.items()))
            raise ApplicationError(f"{len(report.failed)} case(s) not reached, e.g. {first}: {why}")
        return report
