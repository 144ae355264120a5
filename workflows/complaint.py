"""ComplaintWorkflow: one durable workflow per complaint, id = case reference.

It reads like the process: the complaint is received, its deadlines are planned in working days,
staff and residents act through the commands of `workflows/commands.py` (each an Update with a
validator and the same command as Signals, registered from that one table), and while nobody acts the
workflow sleeps until the next notice on the policy's ladder is due. Any change re-plans that timer.

A workflow task never fails: a command either passes its checks and applies, or is refused with a
structured `Refusal`; an unexpected error while checking or applying becomes a refusal too, and the case
is restored to where it was. Notices are delivered beside the deadline loop, never in its way.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, NoReturn, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.activity_inputs import NoticeDelivery, PolicyRequest
    from models.calendar import CalendarSnapshot, WorkingCalendar, end_of_day, local_date
    from models.case import (
        CalendarChanged,
        CaseInput,
        CaseSummary,
        CaseView,
        Close,
        Command,
        LogStage1,
        NoticeView,
        received_problem,
    )
    from models.policy import PolicyProfile
    from models.refusal import Refusal
    from workflows import calendar_span, commands, continuation, ladder, side_effects, views, visibility
    from workflows.case_state import CaseState
    from workflows.command_rule import CommandRule, Refused
    from workflows.commands import COMMAND_RULES
    from workflows.continuation import CarriedCase

T = TypeVar("T")
NOT_SET_UP = Refusal(
    field="action", rule="not_set_up", message="the case is still being set up; nothing was changed, send it again"
)
ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
NOTICE_DELIVERY_WINDOW = timedelta(days=3)
"""How long a notice's delivery is retried (SMTP down) before the outbox row is left for the runbook."""
REOPENING_WAIT = timedelta(minutes=1)
"""Cases reopened before the patch REOPENED_BY_ITS_REQUEST waited this long for the request that reopened them."""
CONTINUE_AS_NEW = "continue-as-new"
"""Patch: a case whose history grows long continues as new (workflows/continuation.py, docs/upgrades.md)."""
REOPENED_BY_ITS_REQUEST = "reopened-by-its-request"
"""Patch: the request that reopens a case comes with its start (Update-with-Start), validated in the first
task: the new run neither waits for it nor records `reopened` when it is refused."""


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, start: CaseInput | CarriedCase) -> None:
        self._input = start if isinstance(start, CaseInput) else start.case
        self._offset = timedelta(0)
        if self._input.clock_anchored_to_received:
            self._offset = (self._input.reopened_at or self._input.received_at) - workflow.now()
        self._case: CaseState | None = None
        self._reopening: CaseState | None = None
        """A reopened case, ready for the validator of the request sent with its start; `run` loads the rest."""
        if isinstance(start, CaseInput) and start.reopened_from is not None:
            self._reopening = CaseState.resumed(start, None, None, start.reopened_from)  # type: ignore[arg-type]
        self._changed = self._opened = False
        self._calendar_stale = False
        self._planned_at: datetime | None = None
        self._projected_seq = 0
        self._rejected_signals: list[str] = []
        self._wake_timer: asyncio.Task[None] | None = None
        self._wake_timer_at: datetime | None = None
        self._search_attributes: list[Any] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        for rule in COMMAND_RULES.values():
            workflow.set_update_handler(rule.name, self._update_handler(rule), validator=self._validator(rule))
            for name in rule.signal_names:
                workflow.set_signal_handler(name, self._signal_handler(rule, name))

    # ---- the process -------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: CaseInput | CarriedCase) -> CaseView:
        """`start`: a new (or reopened) case, or the case as its last run handed it over (continued as new)."""
        state = await self._set_up(start) if isinstance(start, CaseInput) else self._resume(start)
        while True:
            await self._catch_up()
            if state.finished(self._now()):
                break
            if continuation.history_is_long(self._input) and not self._deliveries and workflow.patched(CONTINUE_AS_NEW):
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._deliveries:
                    self._continue_as_new()
            await self._sleep_until_change_or(self._next_wake())
            self._changed = False

        if self._wake_timer is not None:
            self._wake_timer.cancel()
        listening_end = state.listening_end()
        listened_for = state.closed_unanswered(self._now())
        if listening_end is not None and listened_for is not None:
            close = Close(command_id=f"{listened_for}-listening-ended")
            at = max(listening_end, state.events[-1].at)  # an open action may have kept it running past the end
            commands.apply(COMMAND_RULES["close"], state, close, at, automatic=True)
            await self._project()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await asyncio.gather(*self._deliveries)
        return views.case_view(self._input, self._case, self._rejected_signals)

    async def _set_up(self, case: CaseInput) -> CaseState:
        """A new case (or a reopened one): its policy and calendar loaded, its deadlines planned and projected."""
        problem = received_problem(case.received_at, self._now())
        if problem is not None:
            raise ApplicationError(problem.message, problem.model_dump(), type="InvalidCase", non_retryable=True)
        calendar = calendar_span.request(self._input, local_date(case.received_at), self._case, self._now())
        policy, snapshot = await asyncio.gather(
            self._look_up("load_policy", PolicyRequest(policy_id=case.policy_id, version=case.policy_version), PolicyProfile),
            self._look_up("load_calendar", calendar, CalendarSnapshot),
        )
        if self._reopening is not None:
            self._case = state = self._reopening
            state.policy, state.calendar = policy, WorkingCalendar(snapshot)
            self._projected_seq = len(state.events)
            if workflow.patched(REOPENED_BY_ITS_REQUEST):
                if not workflow.all_handlers_finished():  # its request passed the validator; it applies next
                    state.record("reopened", min(case.reopened_at or self._now(), self._now()), {"previous_state": state.state})
            else:
                await self._wait_for_the_reopening_request(state, case)
        else:
            self._case = state = CaseState(
                case=case,
                policy=policy,
                calendar=WorkingCalendar(snapshot),
                handler=case.handler,
                stage1_people=[case.handler] if case.handler else [],
            )
            state.start()
            state.record("received", case.received_at)
        self._plan()
        await self._project()
        self._opened = True
        return state

    async def _wait_for_the_reopening_request(self, state: CaseState, case: CaseInput) -> None:
        """Before REOPENED_BY_ITS_REQUEST: the request followed the start, and the run waited for it."""
        state.record("reopened", min(case.reopened_at or self._now(), self._now()), {"previous_state": state.state})
        reopened = len(state.events)
        self._plan()
        await self._project()
        with contextlib.suppress(asyncio.TimeoutError):
            await workflow.wait_condition(lambda: len(state.events) > reopened, timeout=REOPENING_WAIT)

    # ---- a long case continues as new (workflows/continuation.py) -----------------------------------

    def _resume(self, carried: CarriedCase) -> CaseState:
        """Go on exactly where the last run stopped: nothing is loaded, planned or projected again."""
        self._case = state = continuation.resume(carried)
        self._offset, self._planned_at, self._calendar_stale = carried.clock_offset, carried.planned_at, carried.calendar_stale
        self._rejected_signals, self._projected_seq, self._opened = list(carried.rejected_signals), len(state.events), True
        return state

    def _continue_as_new(self) -> NoReturn:
        """Hand the case to a new run (every handler has finished, no notice is on its way)."""
        workflow.continue_as_new(
            continuation.carry(
                self._state(),
                clock_offset=self._offset,
                planned_at=self._planned_at,
                calendar_stale=self._calendar_stale,
                rejected_signals=self._rejected_signals,
            )
        )

    async def _catch_up(self) -> None:
        """Renew or reload the calendar when due, then mark missed deadlines and send the notices now due."""
        state = self._state()
        if calendar_span.needs_renewal(state.calendar.snapshot, self._now()):
            self._calendar_stale = True
        if self._calendar_stale:
            self._calendar_stale = False
            request = calendar_span.request(self._input, local_date(state.case.received_at), state, self._now())
            state.calendar = WorkingCalendar(await self._look_up("load_calendar", request, CalendarSnapshot))
            dues = {name: d.due for name, d in state.deadlines.items()}
            self._plan()
            moved = sorted(name for name, d in state.deadlines.items() if dues.get(name) != d.due)
            if moved:
                state.record("deadlines_replanned", self._now(), {"moved": ", ".join(moved)})
            await self._project()
        await self._send_due_notices()

    # ---- commands: Updates with validators, and the same commands as Signals -----------------------

    def _update_handler(self, rule: CommandRule) -> Callable[[Any], Awaitable[CaseSummary]]:
        async def handler(command: Any) -> CaseSummary:
            return await self._handle(rule, command)

        handler.__annotations__ = {"command": rule.payload, "return": CaseSummary}
        return handler

    def _validator(self, rule: CommandRule) -> Callable[[Any], None]:
        def validator(command: Any) -> None:
            """Refuse before anything touches history; a repeated command_id is always accepted. A case is set
            up before its first task (a reopened one) or answers `opened` once set up (a new one), so a command
            that finds no case yet was sent too early: refused, never waved through."""
            state = self._case or self._reopening
            if state is None:
                raise NOT_SET_UP.error()
            if command.command_id in state.done_commands:
                return
            refusal = self._refusal(rule, command, state)
            if refusal is not None:
                raise refusal.error()

        validator.__annotations__ = {"command": rule.payload, "return": None}
        return validator

    def _signal_handler(self, rule: CommandRule, name: str) -> Callable[[Any], Awaitable[None]]:
        async def handler(command: Any) -> None:
            try:
                await self._handle(rule, command, signal=name)
            except ApplicationError as err:
                self._rejected_signals.append(f"{rule.name} ({command.command_id}): {err.message}")
                if self._case is not None and side_effects.record_refused_signal(self._case, name, err, self._now()):
                    await self._project()

        handler.__annotations__ = {"command": rule.payload, "return": None}
        return handler

    def _refusal(self, rule: CommandRule, command: Command, state: CaseState) -> Refusal | None:
        """Why the command cannot apply now, or None; an unexpected error is a refusal, never a failed task."""
        try:
            commands.check(rule, state, command, self._now())
        except Refused as refused:
            return refused.refusal
        except Exception as error:  # a bug must refuse the command, not wedge the case
            workflow.logger.exception("checking %s failed", rule.name)
            return Refusal(
                field="action",
                rule="unexpected_error",
                message=f"{rule.name} could not be checked ({type(error).__name__}); nothing was changed",
            )
        return None

    async def _handle(self, rule: CommandRule, command: Command, signal: str | None = None) -> CaseSummary:
        await workflow.wait_condition(lambda: self._case is not None and bool(self._case.events))
        state = self._state()
        if command.command_id in state.done_commands:
            return views.summary(self._state())
        refusal = self._refusal(rule, command, state)
        if refusal is not None:
            raise refusal.error()
        before = state.snapshot()
        try:
            state.done_commands.add(command.command_id)
            commands.apply(rule, state, command, command.occurred_at or self._now(), signal=signal)
            self._plan()
        except Exception as error:  # restore the case: nothing is half-applied
            workflow.logger.exception("applying %s failed", rule.name)
            state.restore(before)
            raise Refusal(
                field="action",
                rule="unexpected_error",
                message=f"{rule.name} could not be applied ({type(error).__name__}); nothing was changed",
            ).error() from None
        self._changed = True
        await self._project()
        await side_effects.after_command(state, command, self._deliveries)
        return views.summary(self._state())

    @workflow.update(name="opened")
    async def opened(self) -> CaseSummary:
        """The new case's first answer, its deadlines, once set up and in the read model: what intake starts
        it with (Update-with-Start, casework/intake.py), so nobody polls for the case to appear."""
        await workflow.wait_condition(lambda: self._opened)
        return views.summary(self._state())

    @workflow.signal(name="calendar_changed")
    def calendar_changed(self, change: CalendarChanged) -> None:
        """A new bank holiday or closure day: reload the calendar and re-plan every open deadline."""
        self._calendar_stale = self._changed = True

    @workflow.query(name="case")
    def case(self) -> CaseView:
        return views.case_view(self._input, self._case, self._rejected_signals)

    @workflow.query(name="clock_offset")
    def clock_offset(self) -> float:
        """Seconds between the business clock and the server clock (0 outside simulations)."""
        return self._offset.total_seconds()

    # ---- planning, sleeping and notices ------------------------------------------------------------

    def _plan(self) -> None:
        self._state().plan()
        self._planned_at = self._now()

    async def _sleep_until_change_or(self, wake: datetime | None) -> None:
        """Sleep until something changes or `wake` (always in the future) comes; the timer is replaced
        only when `wake` moves, so an action that moves no deadline adds no timer to history."""
        if wake != self._wake_timer_at:
            if self._wake_timer is not None:
                self._wake_timer.cancel()
            self._wake_timer_at = wake
            self._wake_timer = None if wake is None else asyncio.create_task(workflow.sleep(wake - self._now()))
        timer = self._wake_timer
        await workflow.wait_condition(lambda: self._changed or (timer is not None and timer.done()))

    def _next_wake(self) -> datetime | None:
        """The ladder's next instant, or the calendar's renewal at the end of the year."""
        state = self._state()
        return ladder.next_wake(state, self._now(), also=(calendar_span.renewal(state.calendar.snapshot),))

    async def _send_due_notices(self) -> None:
        """Mark passed deadlines missed, deliver the notices now due, and log an unresolved concern."""
        state = self._state()
        missed, notices = ladder.mark_missed_and_notify(state, self._now(), self._planned_at)
        if "pre_stage.resolve" in missed:
            self._pre_stage_unresolved(end_of_day(state.deadlines["pre_stage.resolve"].due))
        state.continue_updates(missed, self._now())
        for notice in notices:
            self._deliver(notice)
        if missed or notices:
            await self._project()

    def _pre_stage_unresolved(self, at: datetime) -> None:
        """An informal concern not resolved in time becomes a logged stage-1 complaint where the profile says
        so (Greatwell §2.2); its stage-1 clocks count from that logging."""
        state = self._state()
        pre_stage = state.policy.pre_stage
        if pre_stage is None or pre_stage.when_unresolved != "log_stage1" or "log_stage1" not in state.allowed_actions():
            return
        commands.apply(COMMAND_RULES["log_stage1"], state, LogStage1(command_id="pre-stage-unresolved"), at, automatic=True)

    def _deliver(self, notice: NoticeView) -> None:
        """Deliver a notice beside the deadline loop: a notice that cannot go out never holds up the case."""
        state = self._state()
        delivery = NoticeDelivery(
            reference=state.case.reference, landlord=state.case.landlord, handler=state.handler, notice=notice
        )

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
                workflow.logger.warning("notice %s not delivered; its outbox row says why", delivery.idempotency_key)

        task = asyncio.create_task(deliver())
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    # ---- side effects through activities --------------------------------------------------------

    async def _look_up(self, activity: str, request: Any, result_type: type[T]) -> T:
        """Policy and calendar reads: quick local activities, their results recorded in history."""
        return await workflow.execute_local_activity(
            activity, request, result_type=result_type, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )

    async def _project(self) -> None:
        """Write the case and its new events to the read model (idempotent by reference + sequence), and
        keep the Web UI's search attributes (upserted only when one changes) and current details."""
        state = self._state()
        if self._projected_seq == len(state.events):
            return
        view = views.case_view(self._input, state, self._rejected_signals, events=tuple(state.events[self._projected_seq :]))
        self._projected_seq = len(state.events)
        projection = views.projection(view, state)
        attributes = visibility.search_attributes(projection)
        if attributes != self._search_attributes:
            workflow.upsert_search_attributes(attributes)
            self._search_attributes = attributes
        workflow.set_current_details(visibility.current_details(projection))
        await workflow.execute_local_activity(
            "project_case", projection, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )

    # ---- time and views -------------------------------------------------------------------------

    def _now(self) -> datetime:
        """The business clock: server time, shifted only in simulations anchored at `received_at`."""
        return workflow.now() + self._offset

    def _state(self) -> CaseState:
        assert self._case is not None, "the case is set up before any command or timer is handled"
        return self._case
