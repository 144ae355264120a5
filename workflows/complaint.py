"""ComplaintWorkflow: one durable workflow per complaint, id = case reference.

It reads like the process: the complaint is received, its deadlines are planned in working days,
staff act through validated Updates (or the same commands as Signals), and while nobody acts the
workflow sleeps until the next notice on the policy's ladder is due. Any change re-plans that timer.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.calendar import CalendarSnapshot, WorkingCalendar
    from models.case import (
        OUTSIDE_WINDOW,
        AcceptOutsideWindow,
        Acknowledge,
        AddComplaint,
        Assign,
        CalendarChanged,
        CalendarRequest,
        CaseInput,
        CaseProjection,
        CaseSummary,
        CaseView,
        Close,
        Command,
        CompleteAction,
        DeadlineView,
        EventView,
        Exclude,
        Extend,
        LogStage1,
        NoticeDelivery,
        NoticeView,
        PolicyRequest,
        RecordConsent,
        RecordReview,
        RequestStage2,
        ResidentInput,
        Respond,
        ScheduleReview,
        Withdraw,
    )
    from models.policy import PolicyProfile
    from models.refusal import Refusal
    from workflows import deadlines, visibility
    from workflows.deadlines import StageFacts
    from workflows.lifecycle import (
        FINISHED_STATES,
        STAGE_OF_STATE,
        ActionNotAllowed,
        Conditions,
        allowed_actions,
        is_finished,
        next_state,
    )

T = TypeVar("T")
ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
CLOCK_TOLERANCE = timedelta(minutes=5)
"""How far in the future a command's `occurred_at` may be (clock skew between staff PCs and the server)."""
STAGE2_LISTENING_MONTHS = 12
"""After a stage-1 response the case listens this long for a stage-2 request (Code 2.3's 12 months);
a request later than the profile's window still reaches the case and is flagged, never lost."""
REJECTED = "CommandRejected"
QUICK_LOOKUPS_LOCAL = "policy-and-calendar-as-local-activities"
"""Patch: loading the policy and the calendar became local activities (no server round trips at start)."""
LOCAL_PROJECTION = "projection-as-local-activity"
"""Patch (docs/upgrades.md): the projection became a local activity, saving two server round trips per
staff action. Cases started before it replay their recorded (normal) activities; remove the old branch
once no such case is open."""
REPLAN_RECORDED = "replanned-deadlines-recorded"
"""Patch: a calendar change that moves a deadline is an event on the timeline, so the read model (and
the case page) gets the new due dates at once instead of at the next event."""
FULL_RECORD = "full-case-record"
"""Patch: the full-record rules (a definition with each acknowledgement, stage-2 independence, consent for
representatives, ...). Cases opened before it keep the rules they were opened under, so replaying their
histories accepts exactly what was accepted then."""
QUIET_ACTIONS = "quiet-actions"
"""Patch: the wake-up timer is replaced only when the next wake-up moves, and search attributes are
upserted only when one changes, so an action that moves no deadline (a resident's note) adds no timer
or attribute events to history (bench/update_latency.py); and the policy and the calendar are looked up
together when a case opens (bench/throughput.py). Older cases replay the old loop and lookups."""


@dataclass
class Deadline:
    """One deadline as the workflow tracks it: planned due date and, once decided, the outcome."""

    name: str
    due: date
    provisional: bool = False
    running: bool = False
    met_on: date | None = None
    met: bool | None = None
    extended_by: int = 0
    cancelled: bool = False
    notified: set[str] = field(default_factory=set)
    """Notice kinds already sent (or passed over) for the current due date."""

    @property
    def open(self) -> bool:
        return self.met_on is None and not self.cancelled

    def view(self) -> DeadlineView:
        return DeadlineView(
            name=self.name,
            due=self.due,
            met_on=self.met_on,
            met=self.met,
            provisional=self.provisional,
            extended_by=self.extended_by,
            cancelled=self.cancelled,
        )


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, case: CaseInput) -> None:
        self._case = case
        self._offset = timedelta(0)
        self._policy: PolicyProfile | None = None
        self._calendar: WorkingCalendar | None = None
        self._state = "received"
        self._stage = 1
        self._stages: dict[int, StageFacts] = {}
        self._deadlines: dict[str, Deadline] = {}
        self._events: list[EventView] = []
        self._notices: list[NoticeView] = []
        self._projected_seq = 0
        self._done_commands: set[str] = set()
        self._rejected_signals: list[str] = []
        self._late_stage2 = False
        self._stage1_responded_on: date | None = None
        self._changed = False
        self._calendar_stale = False
        self._planned_at: datetime | None = None
        self._quick_lookups_local = False
        self._full_record = True
        self._quiet_actions = False
        self._wake_timer: asyncio.Task[None] | None = None
        self._wake_timer_at: datetime | None = None
        self._search_attributes: list[Any] | None = None
        self._handler = case.handler
        self._stage1_handlers: list[str] = [case.handler] if case.handler else []
        self._window_accepted = False
        self._consents: dict[str, bool] = {}

    # ---- the process -------------------------------------------------------------------------

    @workflow.run
    async def run(self, case: CaseInput) -> CaseView:
        if case.clock_anchored_to_received:
            self._offset = case.received_at - workflow.now()
        self._quick_lookups_local = workflow.patched(QUICK_LOOKUPS_LOCAL)
        self._full_record = workflow.patched(FULL_RECORD)
        self._quiet_actions = workflow.patched(QUIET_ACTIONS)
        policy = PolicyRequest(policy_id=case.policy_id, version=case.policy_version)
        received_on = deadlines.local_date(case.received_at)
        if self._quiet_actions:
            self._policy, _ = await asyncio.gather(
                self._look_up("load_policy", policy, PolicyProfile), self._load_calendar(received_on.year)
            )
        else:
            self._policy = await self._look_up("load_policy", policy, PolicyProfile)
            await self._load_calendar(received_on.year)
        informal = case.informal
        if informal is None:
            informal = self._policy.pre_stage is not None and self._policy.pre_stage.applies == "always"
        if informal and self._policy.pre_stage is not None:
            self._state, self._stage = "pre_stage", 0
        else:
            self._stages[1] = StageFacts(stage=1, received_on=received_on, logged_on=received_on)
        self._record("received", case.received_at)
        self._plan()
        await self._project()

        while not is_finished(self._state, self._stage) and not self._listening_ended():
            wake = self._next_wake()
            if self._quiet_actions:
                await self._sleep_until_change_or(wake)
            else:
                timeout = None if wake is None else wake - self._now()
                if timeout is None or timeout > timedelta(0):
                    try:
                        await workflow.wait_condition(lambda: self._changed, timeout=timeout)
                    except asyncio.TimeoutError:
                        pass
            self._changed = False
            assert self._calendar is not None
            if deadlines.local_date(self._now()).year + 1 > self._calendar.snapshot.last_year:
                self._calendar_stale = True
            if self._calendar_stale:
                self._calendar_stale = False
                await self._load_calendar(received_on.year)
                dues = {name: d.due for name, d in self._deadlines.items()}
                self._plan()
                moved = sorted(name for name, d in self._deadlines.items() if dues.get(name) != d.due)
                if moved and workflow.patched(REPLAN_RECORDED):
                    self._record("deadlines_replanned", self._now(), {"moved": ", ".join(moved)})
                await self._project()
            await self._send_due_notices()

        if self._wake_timer is not None:
            self._wake_timer.cancel()
        if self._listening_ended() and self._state != "closed":
            self._transition("close", Close(command_id="stage2-listening-ended"), self._now(), auto=True)
            await self._project()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._view()

    # ---- staff actions: Updates with validators, and the same commands as Signals -------------

    @workflow.update(name="acknowledge")
    async def acknowledge(self, command: Acknowledge) -> CaseSummary:
        return await self._handle("acknowledge", command)

    @acknowledge.validator
    def _validate_acknowledge(self, command: Acknowledge) -> None:
        self._validate("acknowledge", command)

    @workflow.update(name="extend")
    async def extend(self, command: Extend) -> CaseSummary:
        return await self._handle("extend", command)

    @extend.validator
    def _validate_extend(self, command: Extend) -> None:
        self._validate("extend", command)

    @workflow.update(name="respond")
    async def respond(self, command: Respond) -> CaseSummary:
        return await self._handle("respond", command)

    @respond.validator
    def _validate_respond(self, command: Respond) -> None:
        self._validate("respond", command)

    @workflow.update(name="request_stage2")
    async def request_stage2(self, command: RequestStage2) -> CaseSummary:
        return await self._handle("request_stage2", command)

    @request_stage2.validator
    def _validate_request_stage2(self, command: RequestStage2) -> None:
        self._validate("request_stage2", command)

    @workflow.update(name="resident_input")
    async def resident_input(self, command: ResidentInput) -> CaseSummary:
        return await self._handle("resident_input", command)

    @resident_input.validator
    def _validate_resident_input(self, command: ResidentInput) -> None:
        self._validate("resident_input", command)

    @workflow.update(name="withdraw")
    async def withdraw(self, command: Withdraw) -> CaseSummary:
        return await self._handle("withdraw", command)

    @withdraw.validator
    def _validate_withdraw(self, command: Withdraw) -> None:
        self._validate("withdraw", command)

    @workflow.update(name="exclude")
    async def exclude(self, command: Exclude) -> CaseSummary:
        return await self._handle("exclude", command)

    @exclude.validator
    def _validate_exclude(self, command: Exclude) -> None:
        self._validate("exclude", command)

    @workflow.update(name="close")
    async def close(self, command: Close) -> CaseSummary:
        return await self._handle("close", command)

    @close.validator
    def _validate_close(self, command: Close) -> None:
        self._validate("close", command)

    @workflow.update(name="log_stage1")
    async def log_stage1(self, command: LogStage1) -> CaseSummary:
        return await self._handle("log_stage1", command)

    @log_stage1.validator
    def _validate_log_stage1(self, command: LogStage1) -> None:
        self._validate("log_stage1", command)

    @workflow.update(name="assign")
    async def assign(self, command: Assign) -> CaseSummary:
        return await self._handle("assign", command)

    @assign.validator
    def _validate_assign(self, command: Assign) -> None:
        self._validate("assign", command)

    @workflow.update(name="add_complaint")
    async def add_complaint(self, command: AddComplaint) -> CaseSummary:
        return await self._handle("add_complaint", command)

    @add_complaint.validator
    def _validate_add_complaint(self, command: AddComplaint) -> None:
        self._validate("add_complaint", command)

    @workflow.update(name="complete_action")
    async def complete_action(self, command: CompleteAction) -> CaseSummary:
        return await self._handle("complete_action", command)

    @complete_action.validator
    def _validate_complete_action(self, command: CompleteAction) -> None:
        self._validate("complete_action", command)

    @workflow.update(name="schedule_review")
    async def schedule_review(self, command: ScheduleReview) -> CaseSummary:
        return await self._handle("schedule_review", command)

    @schedule_review.validator
    def _validate_schedule_review(self, command: ScheduleReview) -> None:
        self._validate("schedule_review", command)

    @workflow.update(name="record_review")
    async def record_review(self, command: RecordReview) -> CaseSummary:
        return await self._handle("record_review", command)

    @record_review.validator
    def _validate_record_review(self, command: RecordReview) -> None:
        self._validate("record_review", command)

    @workflow.update(name="record_consent")
    async def record_consent(self, command: RecordConsent) -> CaseSummary:
        return await self._handle("record_consent", command)

    @record_consent.validator
    def _validate_record_consent(self, command: RecordConsent) -> None:
        self._validate("record_consent", command)

    @workflow.update(name="accept_outside_window")
    async def accept_outside_window(self, command: AcceptOutsideWindow) -> CaseSummary:
        return await self._handle("accept_outside_window", command)

    @accept_outside_window.validator
    def _validate_accept_outside_window(self, command: AcceptOutsideWindow) -> None:
        self._validate("accept_outside_window", command)

    @workflow.signal(name="resident_input")
    async def resident_input_signal(self, command: ResidentInput) -> None:
        await self._handle_signal("resident_input", command)

    @workflow.signal(name="extension_agreed")
    async def extension_agreed_signal(self, command: Extend) -> None:
        await self._handle_signal("extend", command)

    @workflow.signal(name="stage2_requested")
    async def stage2_requested_signal(self, command: RequestStage2) -> None:
        await self._handle_signal("request_stage2", command)

    @workflow.signal(name="acknowledge")
    async def acknowledge_signal(self, command: Acknowledge) -> None:
        await self._handle_signal("acknowledge", command)

    @workflow.signal(name="respond")
    async def respond_signal(self, command: Respond) -> None:
        await self._handle_signal("respond", command)

    @workflow.signal(name="withdraw")
    async def withdraw_signal(self, command: Withdraw) -> None:
        await self._handle_signal("withdraw", command)

    @workflow.signal(name="exclude")
    async def exclude_signal(self, command: Exclude) -> None:
        await self._handle_signal("exclude", command)

    @workflow.signal(name="close")
    async def close_signal(self, command: Close) -> None:
        await self._handle_signal("close", command)

    @workflow.signal(name="log_stage1")
    async def log_stage1_signal(self, command: LogStage1) -> None:
        await self._handle_signal("log_stage1", command)

    @workflow.signal(name="assign")
    async def assign_signal(self, command: Assign) -> None:
        await self._handle_signal("assign", command)

    @workflow.signal(name="add_complaint")
    async def add_complaint_signal(self, command: AddComplaint) -> None:
        await self._handle_signal("add_complaint", command)

    @workflow.signal(name="complete_action")
    async def complete_action_signal(self, command: CompleteAction) -> None:
        await self._handle_signal("complete_action", command)

    @workflow.signal(name="schedule_review")
    async def schedule_review_signal(self, command: ScheduleReview) -> None:
        await self._handle_signal("schedule_review", command)

    @workflow.signal(name="record_review")
    async def record_review_signal(self, command: RecordReview) -> None:
        await self._handle_signal("record_review", command)

    @workflow.signal(name="record_consent")
    async def record_consent_signal(self, command: RecordConsent) -> None:
        await self._handle_signal("record_consent", command)

    @workflow.signal(name="accept_outside_window")
    async def accept_outside_window_signal(self, command: AcceptOutsideWindow) -> None:
        await self._handle_signal("accept_outside_window", command)

    @workflow.signal(name="calendar_changed")
    def calendar_changed(self, change: CalendarChanged) -> None:
        """A new bank holiday or closure day: reload the calendar and re-plan every open deadline."""
        self._calendar_stale = True
        self._changed = True

    @workflow.query(name="case")
    def case(self) -> CaseView:
        return self._view()

    @workflow.query(name="clock_offset")
    def clock_offset(self) -> float:
        """Seconds between the business clock and the server clock (0 outside simulations)."""
        return self._offset.total_seconds()

    # ---- handling a command ---------------------------------------------------------------------

    def _validate(self, action: str, command: Command) -> None:
        """Reject a command before it touches history; a repeated command_id is always accepted."""
        if command.command_id in self._done_commands:
            return
        try:
            self._check(action, command)
        except ActionNotAllowed as err:
            raise Refusal(field="action", rule="lifecycle", message=str(err)).error() from None
        except ValueError as err:
            field, _, rest = str(err).partition(": ")
            if not (rest and field.isidentifier()):
                field, rest = "action", str(err)
            raise Refusal(field=field, rule="invalid", message=rest).error() from None

    async def _handle(self, action: str, command: Command) -> CaseSummary:
        await workflow.wait_condition(lambda: self._calendar is not None and self._events != [])
        if command.command_id in self._done_commands:
            return self._summary_view()
        self._validate(action, command)
        self._done_commands.add(command.command_id)
        self._transition(action, command, command.occurred_at or self._now())
        self._plan()
        self._changed = True
        await self._project()
        return self._summary_view()

    async def _handle_signal(self, action: str, command: Command) -> None:
        try:
            await self._handle(action, command)
        except ApplicationError as err:
            self._rejected_signals.append(f"{action} ({command.command_id}): {err.message}")

    def _check(self, action: str, command: Command) -> None:
        """Every rule a command must pass: the lifecycle first, then time, people and policy."""
        next_state(self._state, self._stage, action, self._conditions())
        if self._full_record:
            self._check_record(action, command)
        if command.occurred_at is not None:
            if command.occurred_at > self._now() + CLOCK_TOLERANCE:
                raise ValueError("occurred_at: must not be in the future")
            if self._events and command.occurred_at < self._events[-1].at:
                raise ValueError(
                    f"occurred_at: must not be before the case's last event ({self._events[-1].at.isoformat()})"
                )
        if self._policy is None:
            return
        if isinstance(command, Extend):
            self._check_extension(command)
        if isinstance(command, Exclude) and command.ground is not None:
            if command.ground not in self._policy.exclusion_grounds:
                grounds = ", ".join(self._policy.exclusion_grounds)
                raise ValueError(f"ground: must be one of this policy's exclusion grounds: {grounds}")

    def _check_record(self, action: str, command: Command) -> None:
        """The full-record rules: definitions, independence, consent, promised actions and reviews."""
        if command.on_behalf_of is not None and not self._consents.get(command.on_behalf_of, False):
            raise ValueError(
                f"on_behalf_of: representative {command.on_behalf_of} has no recorded consent from the resident; "
                "record_consent first"
            )
        if isinstance(command, Acknowledge) and command.definition_ref is None:
            raise ValueError(
                f"definition: record the complaint definition when acknowledging stage {max(self._stage, 1)} (Code 5.6)"
            )
        reviewer = command.handler if isinstance(command, Assign) else command.actor
        reviewing = isinstance(command, (Assign, Acknowledge, Extend, Respond))
        if self._stage == 2 and reviewing and reviewer is not None and reviewer in self._stage1_handlers:
            field = "handler" if isinstance(command, Assign) else "actor"
            raise ValueError(
                f"{field}: {reviewer} considered this complaint at stage 1; the stage-2 reviewer must be "
                "someone else (Code 6.13)"
            )
        if isinstance(command, Respond):
            ids = [a.action_id for a in command.actions]
            taken = sorted({i for i in ids if ids.count(i) > 1 or f"action.{i}" in self._deadlines})
            if taken:
                raise ValueError(f"actions: action ids must be new and unique within the case; repeated: {', '.join(taken)}")
        if isinstance(command, CompleteAction) and command.action_id not in self._open_items("action"):
            outstanding = ", ".join(self._open_items("action")) or "none"
            raise ValueError(f"action_id: no outstanding action {command.action_id!r}; outstanding: {outstanding}")
        if isinstance(command, ScheduleReview):
            if command.review_id in self._open_items("review"):
                raise ValueError(f"review_id: review {command.review_id!r} is already scheduled")
            if command.review_on <= deadlines.local_date(command.occurred_at or self._now()):
                raise ValueError("review_on: must be a date after today")
        if isinstance(command, RecordReview):
            if command.review_id not in self._open_items("review"):
                scheduled = ", ".join(self._open_items("review")) or "none"
                raise ValueError(f"review_id: no review {command.review_id!r} is due; scheduled: {scheduled}")
            if command.next_review_on is not None and command.next_review_on <= deadlines.local_date(
                command.occurred_at or self._now()
            ):
                raise ValueError("next_review_on: must be a date after today")
        if isinstance(command, AcceptOutsideWindow) and self._policy is not None:
            window = self._policy.complaint_window
            if command.exception not in window.exceptions:
                allowed = ", ".join(window.exceptions) or f"none, so the complaint can only be excluded"
                raise ValueError(
                    f"exception: must be one of {self._policy.id}'s reasons to accept an issue older than "
                    f"{window.months} months (Code 2.3): {allowed}"
                )

    def _open_items(self, kind: str) -> list[str]:
        """Ids of open outstanding actions (`action`) or scheduled reviews (`review`)."""
        prefix = f"{kind}."
        return [name.removeprefix(prefix) for name, d in self._deadlines.items() if name.startswith(prefix) and d.open]

    def _conditions(self) -> Conditions:
        return Conditions(
            window_decision_pending=OUTSIDE_WINDOW in self._case.flags and not self._window_accepted,
            actions_outstanding=bool(self._open_items("action")),
            reviews_scheduled=bool(self._open_items("review")),
        )

    def _check_extension(self, command: Extend) -> None:
        """Code 6.4 / 6.15: extensions are limited, explained, and give the Ombudsman's details."""
        assert self._policy is not None
        facts = self._stages[self._stage]
        rules = deadlines.stage_rules(self._policy, self._stage)
        left = deadlines.extension_left(self._policy, facts)
        if command.working_days > left:
            raise ValueError(
                f"working_days: stage {self._stage} extensions may total at most "
                f"{rules.extension_max_working_days} working days under {self._policy.id} "
                f"v{self._policy.version}; {left} left"
            )
        if rules.extension_requires_agreement and not command.agreed_with_resident:
            raise ValueError(f"agreed_with_resident: {self._policy.id} requires the resident's agreement to an extension")
        if rules.extension_ombudsman_details_required and not command.ombudsman_details_given:
            raise ValueError("ombudsman_details_given: the resident must be given the Ombudsman's details with an extension")

    def _transition(self, action: str, command: Command, at: datetime, auto: bool = False) -> None:
        """Apply an accepted action: move the lifecycle, record what happened, settle deadlines."""
        assert self._policy is not None
        day = deadlines.local_date(at)
        previous_state = self._state
        self._state = next_state(self._state, self._stage, action, self._conditions())
        details: dict[str, str | int | bool | None] = {"command_id": command.command_id}
        if command.actor:
            details["actor"] = command.actor
        if command.on_behalf_of:
            details["on_behalf_of"] = command.on_behalf_of
        if auto:
            details["automatic"] = True

        if action in ("log_stage1", "acknowledge") and previous_state == "pre_stage":
            self._settle("pre_stage.resolve", day)
            self._stage = 1
            received_on = deadlines.local_date(self._case.received_at)
            self._stages[1] = StageFacts(stage=1, received_on=received_on, logged_on=day)
            self._plan()
        if action == "acknowledge":
            self._stages[self._stage].acknowledged_on = day
            self._settle(f"stage{self._stage}.acknowledge", day)
            if isinstance(command, Acknowledge) and command.definition_ref:
                details["definition_ref"] = command.definition_ref
        elif isinstance(command, Extend):
            self._stages[self._stage].extended_by += command.working_days
            details.update(working_days=command.working_days, reason=command.reason)
        elif isinstance(command, Respond):
            self._stages[self._stage].responded_on = day
            self._settle(f"stage{self._stage}.respond", day)
            details["outcome"] = command.outcome
            if command.letter_ref:
                details["letter_ref"] = command.letter_ref
            for promised in command.actions:
                self._deadlines[f"action.{promised.action_id}"] = Deadline(
                    f"action.{promised.action_id}", promised.target_on, running=True
                )
            details["actions"] = len(command.actions)
            if self._stage == 1:
                self._stage1_responded_on = day
        elif action == "request_stage2":
            self._late_stage2 = self._stage2_request_is_late(day)
            details["late"] = self._late_stage2
            self._stage = 2
            self._stages[2] = StageFacts(stage=2, received_on=day, logged_on=day)
        elif action == "close" and previous_state == "pre_stage":
            self._settle("pre_stage.resolve", day)
            details["resolved_informally"] = True
        elif isinstance(command, Exclude):
            details.update(reason=command.reason, ground=command.ground)
        elif isinstance(command, ResidentInput):
            details["note_ref"] = command.note_ref
        elif isinstance(command, Assign):
            self._handler = command.handler
            details["handler"] = command.handler
        elif isinstance(command, AddComplaint):
            details["definition_ref"] = command.definition_ref
        elif isinstance(command, CompleteAction):
            self._settle(f"action.{command.action_id}", day)
            details["action_id"] = command.action_id
        elif isinstance(command, ScheduleReview):
            self._deadlines[f"review.{command.review_id}"] = Deadline(
                f"review.{command.review_id}", command.review_on, running=True
            )
            details.update(review_id=command.review_id, kind=command.kind, review_on=command.review_on.isoformat())
        elif isinstance(command, RecordReview):
            self._settle(f"review.{command.review_id}", day)
            details["review_id"] = command.review_id
            if command.next_review_on is not None:
                self._deadlines[f"review.{command.review_id}"] = Deadline(
                    f"review.{command.review_id}", command.next_review_on, running=True
                )
                details["next_review_on"] = command.next_review_on.isoformat()
        elif isinstance(command, RecordConsent):
            self._consents[command.representative_ref] = command.given
            details.update(representative_ref=command.representative_ref, given=command.given)
        elif isinstance(command, AcceptOutsideWindow):
            self._window_accepted = True
            details.update(exception=command.exception, reason=command.reason)
        if self._stage == 1 and (isinstance(command, (Assign, Respond))):
            person = command.handler if isinstance(command, Assign) else command.actor
            if person and person not in self._stage1_handlers:
                self._stage1_handlers.append(person)
        if self._state in FINISHED_STATES:
            for deadline in self._deadlines.values():
                if deadline.open:
                    deadline.cancelled = True
        self._record(action, at, details)

    def _stage2_request_is_late(self, day: date) -> bool:
        assert self._policy is not None and self._calendar is not None
        window = self._policy.stage2_request_window_working_days
        if window is None or self._stage1_responded_on is None:
            return False
        return day > self._calendar.add_working_days(self._stage1_responded_on, window)

    def _settle(self, name: str, day: date) -> None:
        deadline = self._deadlines.get(name)
        if deadline is None or not deadline.open:
            return
        deadline.met_on = day
        deadline.met = day <= deadline.due if deadline.met is None else deadline.met

    # ---- planning and notices -------------------------------------------------------------------

    def _plan(self) -> None:
        """(Re-)plan every open deadline from the facts; decided ones keep their due date."""
        assert self._policy is not None and self._calendar is not None
        planned: list[deadlines.PlannedDeadline] = []
        if self._policy.pre_stage is not None and (self._state == "pre_stage" or "pre_stage.resolve" in self._deadlines):
            planned.append(
                deadlines.plan_pre_stage(self._policy, deadlines.local_date(self._case.received_at), self._calendar)
            )
        for stage in sorted(self._stages):
            planned.extend(deadlines.plan_stage(self._policy, self._stages[stage], self._calendar))
        for plan in planned:
            deadline = self._deadlines.setdefault(plan.name, Deadline(plan.name, plan.due))
            if not deadline.open or deadline.met is False:
                continue
            if deadline.due != plan.due:
                deadline.notified = set()
            deadline.due = plan.due
            deadline.provisional = plan.provisional
            deadline.running = plan.running
            deadline.extended_by = plan.extended_by
        self._planned_at = self._now()

    def _live_deadlines(self) -> list[Deadline]:
        if self._state in FINISHED_STATES:
            return []
        return [d for d in self._deadlines.values() if d.open and d.running]

    async def _sleep_until_change_or(self, wake: datetime | None) -> None:
        """Sleep until something changes or `wake` comes; the timer is replaced only when `wake` moves."""
        if wake is not None and wake <= self._now():
            return
        if wake != self._wake_timer_at:
            if self._wake_timer is not None:
                self._wake_timer.cancel()
            self._wake_timer_at = wake
            self._wake_timer = None if wake is None else asyncio.create_task(workflow.sleep(wake - self._now()))
        timer = self._wake_timer
        await workflow.wait_condition(lambda: self._changed or (timer is not None and timer.done()))

    def _next_wake(self) -> datetime | None:
        assert self._policy is not None and self._calendar is not None
        now = self._now()
        instants: list[datetime] = []
        for deadline in self._live_deadlines():
            if deadline.met is None:
                instants.append(deadlines.end_of_day(deadline.due))
            for rung in self._policy.notice_ladder:
                if rung.kind not in deadline.notified:
                    instants.append(deadlines.notice_instant(rung, deadline.due, self._calendar))
        listening_end = self._listening_end()
        if listening_end is not None:
            instants.append(listening_end)
        return min(instants, default=None)

    async def _send_due_notices(self) -> None:
        """Mark passed deadlines missed and send the ladder's notices now due.

        When several rungs of one deadline are already past (a case logged late, a calendar change),
        only the most serious is sent; the others are passed over so nobody gets a burst of stale mail.
        """
        assert self._policy is not None and self._calendar is not None
        now = self._now()
        due_notices: list[NoticeView] = []
        changed = False
        for deadline in self._live_deadlines():
            if deadline.met is None and deadlines.end_of_day(deadline.due) <= now:
                deadline.met = False
                changed = True
                self._record("deadline_missed", deadlines.end_of_day(deadline.due), {"deadline": deadline.name})
            passed = [
                (deadlines.notice_instant(rung, deadline.due, self._calendar), rung)
                for rung in self._policy.notice_ladder
                if rung.kind not in deadline.notified
            ]
            passed = sorted((pair for pair in passed if pair[0] <= now), key=lambda pair: pair[0])
            for _, rung in passed:
                deadline.notified.add(rung.kind)
            if passed:
                instant, rung = passed[-1]
                at = instant if self._planned_at is None or instant >= self._planned_at else now
                notice = NoticeView(
                    kind=rung.kind, deadline=deadline.name, due=deadline.due, at=at, recipients=rung.recipients
                )
                self._notices.append(notice)
                self._record("notice", at, {"kind": rung.kind, "deadline": deadline.name, "due": deadline.due.isoformat()})
                due_notices.append(notice)
        for notice in due_notices:
            await workflow.execute_activity(
                "deliver_notice",
                NoticeDelivery(
                    reference=self._case.reference,
                    landlord=self._case.landlord,
                    handler=self._handler,
                    notice=notice,
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
            )
        if due_notices or changed:
            await self._project()

    def _listening_end(self) -> datetime | None:
        """When a case responded (or closed) at stage 1 stops listening for a stage-2 request."""
        if self._stage != 1 or self._stage1_responded_on is None or self._state not in ("stage1_responded", "closed"):
            return None
        responded = self._stage1_responded_on
        year = responded.year + STAGE2_LISTENING_MONTHS // 12
        try:
            last_day = responded.replace(year=year)
        except ValueError:
            last_day = responded.replace(year=year, day=28)
        return deadlines.end_of_day(last_day)

    def _listening_ended(self) -> bool:
        """The stage-2 window is over, and no promised action is still outstanding."""
        end = self._listening_end()
        return end is not None and self._now() >= end and not self._open_items("action")

    # ---- side effects through activities --------------------------------------------------------

    async def _load_calendar(self, received_year: int) -> None:
        """The working-day calendar (bank holidays + closures) comes from an activity, so it is in history."""
        first_year = min(received_year, deadlines.local_date(self._now()).year)
        request = CalendarRequest(
            landlord=self._case.landlord,
            region=self._case.region,
            first_year=first_year,
            last_year=max(received_year, deadlines.local_date(self._now()).year) + 3,
        )
        self._calendar = WorkingCalendar(await self._look_up("load_calendar", request, CalendarSnapshot))

    async def _look_up(self, activity: str, request: Any, result_type: type[T]) -> T:
        """Policy and calendar reads: quick, so local activities once the patch is in (docs/upgrades.md)."""
        if self._quick_lookups_local:
            return await workflow.execute_local_activity(
                activity, request, result_type=result_type,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
            )
        return await workflow.execute_activity(
            activity, request, result_type=result_type,
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
        )

    async def _project(self) -> None:
        """Write the case and its new events to the read model (idempotent by reference + sequence)."""
        if self._projected_seq == len(self._events):
            return
        view = self._view(events=tuple(self._events[self._projected_seq :]))
        self._projected_seq = len(self._events)
        live = self._live_deadlines()
        next_deadline = min((deadlines.end_of_day(d.due) for d in live), default=None)
        projection = CaseProjection(
            case=view,
            received_at=self._case.received_at,
            next_deadline=next_deadline,
            overdue=any(d.met is False for d in live),
        )
        if workflow.patched(visibility.PATCH):
            attributes = visibility.search_attributes(projection)
            if not self._quiet_actions or attributes != self._search_attributes:
                workflow.upsert_search_attributes(attributes)
                self._search_attributes = attributes
            workflow.set_current_details(visibility.current_details(projection))
        if workflow.patched(LOCAL_PROJECTION):
            await workflow.execute_local_activity(
                "project_case", projection, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
            )
        else:
            await workflow.execute_activity(
                "project_case", projection, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
            )

    # ---- time and views -------------------------------------------------------------------------

    def _now(self) -> datetime:
        """The business clock: server time, shifted only in simulations anchored at `received_at`."""
        return workflow.now() + self._offset

    def _record(self, kind: str, at: datetime, details: dict[str, str | int | bool | None] | None = None) -> None:
        self._events.append(
            EventView(seq=len(self._events) + 1, at=at, type=kind, stage=self._stage, state=self._state, details=details or {})
        )
        workflow.set_current_details(self._summary())

    def _summary(self) -> str:
        open_deadlines = [d for d in self._live_deadlines()]
        nxt = min(open_deadlines, key=lambda d: d.due, default=None)
        due = f"; next: {nxt.name} due {nxt.due.isoformat()}" if nxt else ""
        return f"{self._case.reference} · {self._policy.id if self._policy else self._case.policy_id} · {self._state}{due}"

    def _summary_view(self) -> CaseSummary:
        return CaseSummary(
            reference=self._case.reference,
            state=self._state,
            stage=self._stage,
            deadlines=tuple(d.view() for d in self._deadlines.values()),
            allowed_actions=tuple(allowed_actions(self._state, self._stage, self._conditions())),
            late_stage2_request=self._late_stage2,
            last_event=self._events[-1] if self._events else None,
        )

    def _view(self, events: tuple[EventView, ...] | None = None) -> CaseView:
        """The whole case; `events` narrows the timeline (the projection sends only new events)."""
        return CaseView(
            reference=self._case.reference,
            landlord=self._case.landlord,
            policy_id=self._case.policy_id,
            policy_version=self._case.policy_version,
            region=self._case.region,
            state=self._state,
            stage=self._stage,
            handler=self._handler,
            deadlines=tuple(d.view() for d in self._deadlines.values()),
            notices=tuple(self._notices),
            stage1_handlers=tuple(self._stage1_handlers),
            events=tuple(self._events) if events is None else events,
            allowed_actions=tuple(allowed_actions(self._state, self._stage, self._conditions())),
            late_stage2_request=self._late_stage2,
            rejected_signals=tuple(self._rejected_signals),
        )
