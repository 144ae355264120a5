"""CalendarFanOutWorkflow: a calendar change reaches every affected case, by a workflow (decision 133).

Starting this workflow is the durable record of the change: once Temporal has accepted the start,
every affected case gets `calendar_changed`, however long the estate takes and whatever fails on the
way (each batch is an activity Temporal retries until the frontend answers). It pages through the
affected cases in reference order (`cases_to_replan_page`, read from the read model by the one rule
that chooses them), signals each page (`signal_calendar_changed_batch`), and continues as new every
few pages so its history stays small on any estate. It replaces the `pendingreplan` table and the
worker's retry loop.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from models.calendar_change import CalendarChangeReport, CalendarFanOut, SignalBatch

PAGES_PER_RUN = 20
"""Pages a run signals before it continues as new (two activities a page: a few hundred events)."""
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
"""No limit on attempts: a change must reach every case, so a batch is retried until Temporal answers."""


@workflow.defn
class CalendarFanOutWorkflow:
    def __init__(self) -> None:
        self._reached = CalendarChangeReport()

    @workflow.run
    async def run(self, fan_out: CalendarFanOut) -> CalendarChangeReport:
        self._reached = fan_out.reached
        cases = fan_out.cases
        for _ in range(PAGES_PER_RUN):
            page: list[str] = await workflow.execute_activity(
                "cases_to_replan_page",
                cases,
                result_type=list[str],
                start_to_close_timeout=timedelta(seconds=60),
                retry_policy=RETRY,
            )
            if not page:
                return self._reached
            batch = await workflow.execute_activity(
                "signal_calendar_changed_batch",
                SignalBatch(references=tuple(page), change=fan_out.change),
                result_type=CalendarChangeReport,
                start_to_close_timeout=timedelta(minutes=5),
                heartbeat_timeout=timedelta(seconds=60),
                retry_policy=RETRY,
            )
            self._reached = self._reached.plus(batch)
            cases = cases.model_copy(update={"after": page[-1]})
            if len(page) < cases.limit:
                return self._reached
        workflow.continue_as_new(CalendarFanOut(cases=cases, change=fan_out.change, reached=self._reached))

    @workflow.query(name="reached")
    def reached(self) -> CalendarChangeReport:
        """How many cases the change has reached so far (the CLI's progress bar)."""
        return self._reached
