"""What a complaint's workflow knows: its facts, its deadlines and its timeline, and what follows from them.

Plain data and pure derivations (no Temporal calls), so the commands (`workflows/commands.py`) can check
and apply against it and the workflow (`workflows/complaint.py`) can plan, project and sleep on it.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from models.calendar import WorkingCalendar, end_of_day, local_date
from models.case import OUTSIDE_WINDOW, CaseInput, CaseView, DeadlineView, EventView, NoticeView
from models.policy import PolicyProfile
from workflows import deadlines
from workflows.deadlines import PlannedDeadline, StageFacts
from workflows.lifecycle import (
    AWAITING_REFERRAL,
    AWAITING_STAGE2_REQUEST,
    CLOSED_WHEN_LISTENING_ENDS,
    FINISHED_STATES,
    Conditions,
    allowed_actions,
    is_finished,
)

Details = dict[str, str | int | bool | None]
STAGE2_LISTENING_MONTHS = 12
"""After a stage-1 response the case listens this long for a stage-2 request (Code 2.3's 12 months);
a request later than the profile's window still reaches the case and is flagged, never lost."""
REFERRAL_LISTENING_MONTHS = 12
"""After the final response or an exclusion the case listens this long for a referral to the Ombudsman (its
Scheme's 12 months); a later referral still reaches the case (reopened) and is flagged late."""
EVIDENCE, ORDER = "ombudsman.evidence", "ombudsman.order"
"""The Ombudsman stage's deadline names: `ombudsman.evidence` (then `.2`, ...) and `ombudsman.order.<id>`."""


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


@dataclass
class CaseState:
    """Everything the workflow decides from. Built once the policy and calendar are loaded."""

    case: CaseInput
    policy: PolicyProfile
    calendar: WorkingCalendar
    state: str = "received"
    stage: int = 1
    stages: dict[int, StageFacts] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    events: list[EventView] = field(default_factory=list)
    notices: list[NoticeView] = field(default_factory=list)
    done_commands: set[str] = field(default_factory=set)
    handler: str | None = None
    stage1_people: list[str] = field(default_factory=list)
    """Everyone who took a stage-1 decision or was given stage 1: none of them may review stage 2 (Code 6.13)."""
    consents: dict[str, bool] = field(default_factory=dict)
    window_accepted: bool = False
    late_stage2: bool = False
    stage1_responded_on: date | None = None
    reopened: bool = False
    """This run was started by a request after the case's workflow had ended (any such request is late)."""
    review_rounds: dict[str, int] = field(default_factory=dict)
    """How many times each review has been scheduled; the n-th (n >= 2) is deadline `review.<id>.<n>`."""
    update_interval: int | None = None
    """Working days between updates to the resident while the response is late (Code 5.9), once agreed."""
    update_rounds: int = 0
    """How many updates have been scheduled; the n-th is deadline `update.<n>`."""
    update_counted_from: dict[str, date] = field(default_factory=dict)
    """The day each `update.<n>` counts its working days from, so a calendar change re-plans it like any other."""
    uncarried_events: int = 0
    """Events on the timeline but not in `events`: resident notes a long case left behind when it continued
    as new (workflows/continuation.py); they are in the read model, and the sequence carries on past them."""

    @classmethod
    def resumed(cls, case: CaseInput, policy: PolicyProfile, calendar: WorkingCalendar, previous: CaseView) -> "CaseState":
        """The case as its ended run left it, for a new run that a late request reopens: the same timeline
        (its sequence numbers carry on in the read model), decided deadlines and people; nothing re-notified."""
        deadlines = {
            d.name: Deadline(
                d.name,
                d.due,
                provisional=d.provisional,
                met_on=d.met_on,
                met=d.met,
                extended_by=d.extended_by,
                cancelled=d.cancelled or d.met_on is None,
                notified={"due_soon", "overdue", "escalated"},
            )
            for d in previous.deadlines
        }
        received_on = local_date(case.received_at)
        stages: dict[int, StageFacts] = {}
        for stage in (1, 2):
            acknowledged, responded = deadlines.get(f"stage{stage}.acknowledge"), deadlines.get(f"stage{stage}.respond")
            if acknowledged is None:
                continue
            started = received_on if stage == 1 else next(local_date(e.at) for e in previous.events if e.type == "request_stage2")
            stages[stage] = StageFacts(
                stage=stage,
                received_on=started,
                logged_on=started,
                acknowledged_on=acknowledged.met_on,
                responded_on=responded.met_on if responded else None,
                extended_by=responded.extended_by if responded else 0,
            )
        consents = {
            str(e.details["representative_ref"]): bool(e.details.get("given", True))
            for e in previous.events
            if e.type == "record_consent"
        }
        return cls(
            case=case,
            policy=policy,
            calendar=calendar,
            state=previous.state,
            stage=previous.stage,
            stages=stages,
            deadlines=deadlines,
            events=list(previous.events),
            notices=list(previous.notices),
            done_commands={str(e.details["command_id"]) for e in previous.events if "command_id" in e.details},
            handler=previous.handler,
            stage1_people=list(previous.stage1_handlers),
            consents=consents,
            late_stage2=previous.late_stage2_request,
            reopened=True,
            uncarried_events=previous.events[-1].seq - len(previous.events) if previous.events else 0,
            stage1_responded_on=stages[1].responded_on if 1 in stages else None,
        )

    def start(self) -> None:
        """A new complaint starts at stage 1, or in the profile's informal pre-stage where it applies."""
        pre_stage = self.policy.pre_stage
        informal = self.case.informal
        if informal is None:
            informal = pre_stage is not None and pre_stage.applies == "always"
        if informal and pre_stage is not None:
            self.state, self.stage = "pre_stage", 0
        else:
            received_on = local_date(self.case.received_at)
            self.stages[1] = StageFacts(stage=1, received_on=received_on, logged_on=received_on)

    def snapshot(self) -> "CaseState":
        """A copy deep enough to restore if applying a command fails half way (nothing is half-applied)."""
        return replace(
            self,
            stages={n: replace(facts) for n, facts in self.stages.items()},
            deadlines={name: replace(d, notified=set(d.notified)) for name, d in self.deadlines.items()},
            events=list(self.events),
            notices=list(self.notices),
            done_commands=set(self.done_commands),
            stage1_people=list(self.stage1_people),
            consents=dict(self.consents),
            review_rounds=dict(self.review_rounds),
            update_counted_from=dict(self.update_counted_from),
        )

    def restore(self, snapshot: "CaseState") -> None:
        """Put back what `snapshot` held, in place (the workflow's loop holds this same object)."""
        vars(self).update(vars(snapshot))

    # ---- facts the lifecycle and the commands read ----------------------------------------------

    def open_items(self, kind: str) -> list[str]:
        """Ids of open outstanding actions (`action`) or scheduled reviews (`review`)."""
        prefix = f"{kind}."
        return [
            name.removeprefix(prefix).split(".")[0] for name, d in self.deadlines.items() if name.startswith(prefix) and d.open
        ]

    def review_deadline(self, review_id: str) -> str:
        """The name of the current round of a review: `review.<id>`, then `review.<id>.2`, ..."""
        rounds = self.review_rounds.get(review_id, 1)
        return f"review.{review_id}" if rounds <= 1 else f"review.{review_id}.{rounds}"

    def conditions(self) -> Conditions:
        return Conditions(
            window_decision_pending=OUTSIDE_WINDOW in self.case.flags and not self.window_accepted,
            actions_outstanding=bool(self.open_items("action")),
            reviews_scheduled=bool(self.open_items("review")),
            update_due=bool(self.open_items("update")),
            response_late=self.response_late(),
            evidence_pending=self.open_evidence() is not None,
            orders_outstanding=bool(self.open_items(ORDER)),
        )

    def open_evidence(self) -> str | None:
        """The Ombudsman's request for evidence still to be answered, if any."""
        return next(
            (name for name, d in self.deadlines.items() if (name == EVIDENCE or name.startswith(f"{EVIDENCE}.")) and d.open),
            None,
        )

    def response_late(self) -> bool:
        """The current stage's response will fall outside the timescales: extended, or already overdue."""
        facts, respond = self.stages.get(self.stage), self.deadlines.get(f"stage{self.stage}.respond")
        return facts is not None and respond is not None and (facts.extended_by > 0 or respond.met is False)

    def allowed_actions(self) -> tuple[str, ...]:
        return tuple(allowed_actions(self.state, self.stage, self.conditions()))

    def live_deadlines(self) -> list[Deadline]:
        """Deadlines whose clocks run now (a withdrawn or excluded case has none)."""
        if self.state in FINISHED_STATES:
            return []
        return [d for d in self.deadlines.values() if d.open and d.running]

    def finished(self, now: datetime) -> bool:
        """Nothing further can happen: the lifecycle is over (or its listening window has passed) and no
        promised action, scheduled review or Ombudsman order is still open, so the workflow may end."""
        if self.open_items("action") or self.open_items("review") or self.open_items(ORDER):
            return False
        end = self.listening_end()
        if end is not None:
            return now >= end
        return is_finished(self.state, self.stage)

    # ---- the stage-2 listening window -------------------------------------------------------------

    def listening_end(self) -> datetime | None:
        """When a case stops listening: for a stage-2 request after a stage-1 response (or close), or for a
        referral to the Ombudsman after the final response or an exclusion."""
        final = self.final_response_on()
        if final is not None and self.state in AWAITING_REFERRAL:
            return end_of_day(_months_after(final, REFERRAL_LISTENING_MONTHS))
        if self.stage != 1 or self.stage1_responded_on is None or self.state not in AWAITING_STAGE2_REQUEST:
            return None
        return end_of_day(_months_after(self.stage1_responded_on, STAGE2_LISTENING_MONTHS))

    def final_response_on(self) -> date | None:
        """The landlord's last word the resident may take to the Ombudsman: the stage-2 response or an
        exclusion (which covers a refused escalation), the latest on the timeline."""
        return next(
            (local_date(e.at) for e in reversed(self.events) if e.type == "exclude" or (e.type == "respond" and e.stage == 2)),
            None,
        )

    def referral_is_late(self, day: date) -> bool:
        """More than 12 months after the final response or exclusion (the Ombudsman may still accept it)."""
        final = self.final_response_on()
        return final is not None and day > _months_after(final, REFERRAL_LISTENING_MONTHS)

    def closed_unanswered(self, now: datetime) -> str | None:
        """What the case listened for in vain ("stage2" or "referral") when it stopped listening in a responded
        state, so the workflow closes it as it ends; None when it is not to be closed."""
        return CLOSED_WHEN_LISTENING_ENDS.get(self.state) if self.listening_ended(now) else None

    def listening_ended(self, now: datetime) -> bool:
        end = self.listening_end()
        return end is not None and now >= end

    def stage2_request_is_late(self, day: date) -> bool:
        """After the profile's window for escalating, or after the case had stopped listening (reopened)."""
        if self.reopened:
            return True
        window = self.policy.stage2_request_window_working_days
        if window is None or self.stage1_responded_on is None:
            return False
        return day > self.calendar.add_working_days(self.stage1_responded_on, window)

    # ---- changing it ------------------------------------------------------------------------------

    def settle(self, name: str, day: date) -> None:
        deadline = self.deadlines.get(name)
        if deadline is None or not deadline.open:
            return
        deadline.met_on = day
        deadline.met = day <= deadline.due if deadline.met is None else deadline.met

    def add_deadline(self, name: str, due: date) -> None:
        self.deadlines[name] = Deadline(name, due, running=True)

    def record(self, kind: str, at: datetime, details: Details | None = None) -> None:
        self.events.append(
            EventView(
                seq=self.uncarried_events + len(self.events) + 1,
                at=at,
                type=kind,
                stage=self.stage,
                state=self.state,
                details=details or {},
            )
        )

    def schedule_update(self, from_day: date) -> date:
        """The next update at the agreed interval: deadline `update.<n>`, that many working days on."""
        assert self.update_interval is not None
        self.update_rounds += 1
        due = self.calendar.add_working_days(from_day, self.update_interval)
        self.add_deadline(f"update.{self.update_rounds}", due)
        self.update_counted_from[f"update.{self.update_rounds}"] = from_day
        return due

    def end_updates(self) -> None:
        """The response is issued: no more updates are owed at the agreed interval (Code 5.9)."""
        self.update_interval = None
        for name in self.open_items("update"):
            self.deadlines[f"update.{name}"].cancelled = True

    def continue_updates(self, missed: list[str], now: datetime) -> None:
        """A missed update stays on the record as missed, and the next one takes over its reminders: it falls
        due an interval after the missed one (or from today, if that too has passed), so the resident is
        owed updates for as long as the response is late and staff are reminded of each, not of every
        missed one for ever."""
        latest = f"update.{self.update_rounds}"
        if self.update_interval is None or latest not in missed:
            return
        self.deadlines[latest].cancelled = True
        due = self.calendar.add_working_days(self.deadlines[latest].due, self.update_interval)
        self.schedule_update(self.deadlines[latest].due if end_of_day(due) > now else local_date(now))

    def plan(self) -> None:
        """(Re-)plan every open stage deadline from the facts; decided ones keep their due date."""
        planned: list[deadlines.PlannedDeadline] = []
        if self.policy.pre_stage is not None and (self.state == "pre_stage" or "pre_stage.resolve" in self.deadlines):
            planned.append(deadlines.plan_pre_stage(self.policy, local_date(self.case.received_at), self.calendar))
        for stage in sorted(self.stages):
            planned.extend(deadlines.plan_stage(self.policy, self.stages[stage], self.calendar))
        planned.extend(self._planned_updates())
        for plan in planned:
            deadline = self.deadlines.setdefault(plan.name, Deadline(plan.name, plan.due))
            if not deadline.open or deadline.met is False:
                continue
            if deadline.due != plan.due:
                deadline.notified = set()
            deadline.due = plan.due
            deadline.provisional = plan.provisional
            deadline.running = plan.running
            deadline.extended_by = plan.extended_by

    def _planned_updates(self) -> list[PlannedDeadline]:
        """The open `update.<n>` at the agreed interval from the day each counts from (Code 5.9)."""
        if self.update_interval is None:
            return []
        return [
            deadlines.PlannedDeadline(name, self.calendar.add_working_days(start, self.update_interval), False, running=True)
            for name, start in self.update_counted_from.items()
            if self.deadlines[name].open
        ]

    def latest_date(self) -> date:
        """The latest date the case plans for: the calendar must reach past it (with room for the ladder)."""
        return max([local_date(self.case.received_at), *(d.due for d in self.deadlines.values())])


def _months_after(day: date, months: int) -> date:
    """The same day `months` (whole years) later; 29 February becomes the 28th."""
    year = day.year + months // 12
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)
