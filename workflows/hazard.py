"""HazardWorkflow: one durable workflow per reported hazard (Awaab's Law, SI 2025/1042), id `HZD-YYYY-NNNNNN`.

It runs beside any complaint that reported it (linked by reference) or on its own (a repairs call, a member of
staff noticing it on a visit). Day 0 is when the landlord became aware (`aware_at`), which may be before the
recording. The statutory rules file and calendar are loaded by activities, so history records them; the
clocks (`workflows/hazard_clocks.py`) and every command's rules (`workflows/hazard_state.py`) are pure.
Each command is an Update with a validator and the same command as a Signal; a refused command leaves no
trace, and an unexpected error refuses rather than failing the task. While nobody acts, the workflow
sleeps until the next clock or rung of its ladder.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.activity_inputs import IssueHazardSummary, NoticeDelivery
    from models.calendar import CalendarSnapshot, WorkingCalendar, local_date
    from models.case import Command, NoticeView
    from models.hazard import HAZARD_COMMANDS, HazardInput, HazardView
    from models.hazard_rules import HazardRules
    from models.refusal import Refusal
    from workflows import hazard_visibility, side_effects
    from workflows.command_rule import Refused
    from workflows.hazard_state import HazardState, report_problem

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
NOTICE_DELIVERY_WINDOW = timedelta(days=3)
"""As the complaint's: how long a notice's delivery is retried before its outbox row is left for the runbook."""
REFUSED_SIGNAL_PROJECTED = "hazard-refused-signal-projected"
"""Patch: a refused Signal is projected, so the workflow task that refused it carries a command. A task that
carries none is merged with the next one on replay, where the Signal was checked again at a later workflow time:
a step refused as dated in the future came back accepted, and the replay no longer matched the history
(decision 223). Hazards recorded before the patch keep their old tasks."""
SUMMARY_LETTER_PATCH = "hazard-summary-letter-by-workflow"
"""Since r23: an applied `hazard_summary_sent` issues and mails the reg 9 letter by activities (decision 207);
hazards recorded before it had the letter issued by the web or CLI after the Update."""
CALENDAR_YEARS_AHEAD = 2
"""The statutory calendar reaches past the longest clock (84 days) and its ladder; renewed as years pass."""


@workflow.defn
class HazardWorkflow:
    @workflow.init
    def __init__(self, hazard: HazardInput) -> None:
        self._input = hazard
        self._offset = timedelta(seconds=hazard.clock_offset_seconds)
        self._hazard: HazardState | None = None
        self._changed = False
        self._planned_at: datetime | None = None
        self._rejected_signals: list[str] = []
        self._search_attributes: list[Any] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self._projecting = asyncio.Lock()
        for name, payload in HAZARD_COMMANDS.items():
            workflow.set_update_handler(name, self._update_handler(name, payload), validator=self._validator(name, payload))
            workflow.set_signal_handler(name, self._signal_handler(name, payload))

    @workflow.run
    async def run(self, hazard: HazardInput) -> HazardView:
        rules = await self._look_up("load_hazard_rules", None, HazardRules)
        problem = report_problem(hazard, rules, self._now())
        if problem is not None:
            raise ApplicationError(problem.message, problem.model_dump(), type="InvalidHazard", non_retryable=True)
        snapshot = await self._calendar(local_date(hazard.aware_at).year)
        self._hazard = state = HazardState.reported(hazard, rules, WorkingCalendar(snapshot), hazard.recorded_at or self._now())
        self._planned_at = self._now()
        await self._publish()
        while True:
            await self._catch_up()
            if state.closed:
                break
            await self._sleep_until_change_or(state.next_wake(self._now()))
            self._changed = False
        await workflow.wait_condition(workflow.all_handlers_finished)
        await asyncio.gather(*self._deliveries)
        return self._view()

    async def _catch_up(self) -> None:
        state = self._state()
        if local_date(self._now()).year + CALENDAR_YEARS_AHEAD > state.calendar.snapshot.last_year:
            state.calendar = WorkingCalendar(await self._calendar(state.calendar.snapshot.first_year))
        notices = state.mark_missed_and_notify(self._now(), self._planned_at)
        for notice in notices:
            self._deliver(notice)
        if notices:
            await self._publish()

    async def _sleep_until_change_or(self, wake: datetime | None) -> None:
        """A fresh timer per wait; a command wakes the loop at once and re-plans."""
        if wake is None:
            await workflow.wait_condition(lambda: self._changed)
            return
        try:
            await workflow.wait_condition(lambda: self._changed, timeout=wake - self._now())
        except asyncio.TimeoutError:
            pass

    def _deliver(self, notice: NoticeView) -> None:
        """To the people who can act on the complaint that reported it (its handler, the managers on the rung),
        through the outbox like every notice, beside the loop; a hazard reported by no complaint keeps its
        notices on its own timeline (decision 147)."""
        complaint = next((ref for ref in self._state().linked if not ref.startswith("SR-")), None)
        if complaint is None:
            return
        named = notice.model_copy(update={"deadline": f"hazard.{self._input.reference}.{notice.deadline}"})
        delivery = NoticeDelivery(reference=complaint, landlord=self._input.landlord, handler=None, notice=named)

        async def deliver() -> None:
            try:
                await workflow.execute_activity(
                    "deliver_notice",
                    delivery,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    schedule_to_close_timeout=NOTICE_DELIVERY_WINDOW,
                    retry_policy=ACTIVITY_RETRY,
                )
            except ActivityError:
                workflow.logger.warning("hazard notice %s not delivered; its outbox row says why", delivery.idempotency_key)

        task = asyncio.create_task(deliver())
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    # ---- commands -------------------------------------------------------------------------------------

    def _update_handler(self, name: str, payload: type[Command]) -> Callable[[Any], Awaitable[HazardView]]:
        async def handler(command: Any) -> HazardView:
            return await self._handle(name, command)

        handler.__annotations__ = {"command": payload, "return": HazardView}
        return handler

    def _validator(self, name: str, payload: type[Command]) -> Callable[[Any], None]:
        def validator(command: Any) -> None:
            if self._hazard is None or command.command_id in self._hazard.done_commands:
                return
            refusal = self._refusal(name, command)
            if refusal is not None:
                raise refusal.error()

        validator.__annotations__ = {"command": payload, "return": None}
        return validator

    def _signal_handler(self, name: str, payload: type[Command]) -> Callable[[Any], Awaitable[None]]:
        async def handler(command: Any) -> None:
            try:
                await self._handle(name, command)
            except ApplicationError as err:
                self._rejected_signals.append(f"{name} ({command.command_id}): {err.message}")
                if self._hazard is not None and workflow.patched(REFUSED_SIGNAL_PROJECTED):
                    await self._publish()

        handler.__annotations__ = {"command": payload, "return": None}
        return handler

    def _refusal(self, name: str, command: Command) -> Refusal | None:
        try:
            self._state().check(name, command, self._now())
        except Refused as refused:
            return refused.refusal
        except Exception as error:  # a bug refuses the command, never wedges the hazard
            workflow.logger.exception("checking %s failed", name)
            return Refusal(
                field="action",
                rule="unexpected_error",
                message=f"{name} could not be checked ({type(error).__name__}); nothing was changed",
            )
        return None

    async def _handle(self, name: str, command: Command) -> HazardView:
        await workflow.wait_condition(lambda: self._hazard is not None)
        state = self._state()
        if command.command_id in state.done_commands:
            return self._view()
        refusal = self._refusal(name, command)
        if refusal is not None:
            raise refusal.error()
        try:
            state.apply(name, command, command.occurred_at or self._now())
            state.done_commands.add(command.command_id)
        except Exception as error:  # apply is checked first; anything else refuses and is logged
            workflow.logger.exception("applying %s failed", name)
            raise Refusal(
                field="action", rule="unexpected_error", message=f"{name} could not be applied ({type(error).__name__})"
            ).error() from None
        self._planned_at = self._now()
        self._changed = True
        await self._publish()
        if name == "hazard_summary_sent" and workflow.patched(SUMMARY_LETTER_PATCH):
            request = IssueHazardSummary(reference=self._input.reference, command_id=command.command_id, actor=command.actor)
            await side_effects.issue_and_mail("issue_hazard_summary", request, self._deliveries)
        return self._view()

    @workflow.query(name="hazard")
    def hazard(self) -> HazardView:
        return self._view()

    # ---- side effects ---------------------------------------------------------------------------------

    async def _look_up(self, activity: str, request: Any, result_type: type) -> Any:
        args = [] if request is None else [request]
        return await workflow.execute_local_activity(
            activity, args=args, result_type=result_type, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )

    async def _calendar(self, first_year: int) -> CalendarSnapshot:
        """England's bank holidays only: a landlord's closures never move a statutory clock (SI 2025/1042)."""
        last_year = max(local_date(self._now()).year, first_year) + CALENDAR_YEARS_AHEAD
        return await self._look_up("load_statutory_calendar", [first_year, last_year], CalendarSnapshot)

    async def _publish(self) -> None:
        """Search attributes (upserted only when one changes), the Web UI's current details, the read model."""
        view = self._view()
        attributes = hazard_visibility.search_attributes(view)
        if attributes != self._search_attributes:
            workflow.upsert_search_attributes(attributes)
            self._search_attributes = attributes
        workflow.set_current_details(hazard_visibility.current_details(view))
        async with self._projecting:  # one projection at a time, each of the hazard as it is then: never out of order
            await self._look_up("project_hazard", self._view(), type(None))

    def _now(self) -> datetime:
        """The business clock: server time, shifted only in simulations (the offset their complaint fixed)."""
        return workflow.now() + self._offset

    def _state(self) -> HazardState:
        assert self._hazard is not None, "the hazard is set up before any command is handled"
        return self._hazard

    def _view(self) -> HazardView:
        hazard = self._input
        state = self._hazard
        return HazardView(
            reference=hazard.reference,
            landlord=hazard.landlord,
            category=hazard.category,
            aware_at=hazard.aware_at,
            level=state.facts.level if state else None,
            found=state.facts.found if state else None,
            state="closed" if state and state.closed else "open",
            linked_cases=tuple(state.linked) if state else hazard.linked_cases,
            deadlines=state.deadline_views() if state else (),
            notices=tuple(state.notices) if state else (),
            events=tuple(state.events) if state else (),
            allowed_actions=state.allowed_actions() if state else (),
            rejected_signals=tuple(self._rejected_signals),
        )
