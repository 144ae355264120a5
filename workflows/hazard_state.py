"""One hazard's state and its commands' rules: what may happen next, and what each step records.

Pure and deterministic (no Temporal calls), so the workflow (`workflows/hazard.py`), its validators and the
fuzz test share one home for every rule. A refused command raises `Refused` (field, rule, plain words) and
changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.calendar import WorkingCalendar, local_date
from models.case import Command, EventView, NoticeView
from models.hazard import (
    HAZARD_COMMANDS,
    HazardDeadlineView,
    HazardInput,
    LinkCase,
    OfferAccommodation,
    RecordAccessAttempt,
    RecordInvestigation,
    SeekConsent,
    TriageHazard,
)
from models.hazard_rules import HazardRules
from models.refusal import Refusal
from models.case import CLOCK_TOLERANCE
from workflows.command_rule import Refused
from workflows.hazard_clocks import HazardFacts, PlannedClock, owes_notices, plan, rung_instants

ONCE = {
    "hazard_investigated": "investigated",
    "hazard_summary_sent": "summary_sent",
    "hazard_made_safe": "made_safe",
    "hazard_decanted": "decanted",
    "hazard_consent_unobtainable": "consent_unobtainable",
    "hazard_preventative_started": "preventative_started",
    "hazard_preventative_completed": "preventative_completed",
}
"""Steps that happen once, and the fact each records."""


def report_problem(hazard: HazardInput, rules: HazardRules, now: datetime) -> Refusal | None:
    """Why a hazard cannot be recorded: awareness in the future, or a category not in scope on Day 0."""
    recorded = hazard.recorded_at or now
    if recorded > now + CLOCK_TOLERANCE:
        return Refusal(field="recorded_at", rule="not_in_future", message=f"must not be in the future (now {now.isoformat()})")
    if hazard.aware_at > recorded + CLOCK_TOLERANCE:
        return Refusal(
            field="aware_at",
            rule="not_after_recording",
            message=f"the landlord became aware no later than it recorded the hazard ({recorded.isoformat()})",
        )
    category = rules.category(hazard.category)
    if category is None:
        known = ", ".join(sorted(rules.categories))
        return Refusal(
            field="category",
            rule="known_category",
            message=f"{hazard.category!r} is not an HHSRS hazard category; one of {known}",
        )
    day0 = local_date(hazard.aware_at)
    if not category.levels_on(day0):
        return Refusal(
            field="category",
            rule="not_in_scope",
            message=f"{hazard.category} is not in scope of SI 2025/1042 on {day0.isoformat()} (in force {rules.in_force.isoformat()}; "
            "overcrowding never is, reg 2)",
        )
    return None


@dataclass
class HazardState:
    hazard: HazardInput
    rules: HazardRules
    calendar: WorkingCalendar
    facts: HazardFacts
    linked: list[str] = field(default_factory=list)
    closed: bool = False
    events: list[EventView] = field(default_factory=list)
    notices: list[NoticeView] = field(default_factory=list)
    missed: set[str] = field(default_factory=set)
    notified: dict[str, set[str]] = field(default_factory=dict)
    done_commands: set[str] = field(default_factory=set)
    offer_waiting: bool = False
    """An offer of alternative accommodation not yet accepted or declined."""

    @classmethod
    def reported(cls, hazard: HazardInput, rules: HazardRules, calendar: WorkingCalendar, now: datetime) -> "HazardState":
        state = cls(
            hazard, rules, calendar, HazardFacts(category=hazard.category, aware_at=hazard.aware_at), list(hazard.linked_cases)
        )
        state.record("hazard_reported", now, {"category": hazard.category, "aware_at": hazard.aware_at.isoformat()})
        return state

    def record(self, kind: str, at: datetime, details: dict[str, Any] | None = None) -> None:
        state = "closed" if self.closed else "open"
        self.events.append(EventView(seq=len(self.events) + 1, at=at, type=kind, stage=0, state=state, details=details or {}))

    # ---- the rules of each step ---------------------------------------------------------------------

    def check(self, action: str, command: Command, now: datetime) -> None:
        """Refuse a command that cannot apply now: the lifecycle first, then its own fields and time."""
        self.lifecycle_check(action)
        at = command.occurred_at or now
        if at > now + CLOCK_TOLERANCE:
            raise Refused("occurred_at", "not_in_future", f"must not be in the future (now {now.isoformat()})")
        if at < self.facts.aware_at:
            raise Refused(
                "occurred_at",
                "after_awareness",
                f"is before the landlord became aware of the hazard ({self.facts.aware_at.isoformat()}), Day 0 of SI 2025/1042",
            )
        # Each action's payload is its HAZARD_COMMANDS type (the asserts tell the type checker).
        if action == "hazard_triaged":
            assert isinstance(command, TriageHazard)
            if command.level != "not_relevant":
                self._in_scope("level", command.level)
        if action == "hazard_investigated":
            assert isinstance(command, RecordInvestigation)
            if command.found != "none":
                self._in_scope("found", command.found)
            elif command.safety_work or command.preventative_work:
                field_name = "safety_work" if command.safety_work else "preventative_work"
                raise Refused(
                    field_name,
                    "no_hazard_no_work",
                    "an investigation that found no hazard needs no work (SI 2025/1042 reg 11, 13)",
                )
        if action == "hazard_linked":
            assert isinstance(command, LinkCase)
            if command.linked_reference in self.linked:
                raise Refused(
                    "linked_reference", "already_linked", f"{command.linked_reference} is already linked to this hazard"
                )

    def lifecycle_check(self, action: str) -> None:
        """Whether `action` may happen now at all, whatever its fields."""
        if self.closed:
            raise Refused("action", "lifecycle", f"{action}: the hazard is closed")
        facts = self.facts
        if action in ONCE and (ONCE[action] in facts.done or (action == "hazard_investigated" and facts.investigated_at)):
            raise Refused("action", "lifecycle", f"{action}: already recorded for this hazard")
        needs = {
            "hazard_triaged": (
                facts.investigated_at is None,
                "triage comes before the investigation, whose finding now decides the level",
            ),
            "hazard_investigated": (facts.level != "not_relevant", "the hazard was triaged not relevant; triage it again first"),
            "hazard_summary_sent": (
                facts.investigated_at is not None,
                "the written summary follows the investigation (reg 9); record it first",
            ),
            "hazard_made_safe": (
                facts.investigated_at is not None or facts.level == "emergency",
                "record the investigation (or an emergency triage) before the home is made safe",
            ),
            "hazard_preventative_started": (
                facts.preventative_work,
                "the investigation found no preventative work needed (reg 13)",
            ),
            "hazard_preventative_completed": ("preventative_started" in facts.done, "preventative work has not started"),
            "hazard_accommodation_offered": (
                not self.offer_waiting,
                "the last offer of accommodation has no answer yet; record it accepted or declined first",
            ),
            "hazard_accommodation_accepted": (
                self.offer_waiting,
                "no offer of alternative accommodation is waiting for an answer; record the offer first",
            ),
            "hazard_accommodation_declined": (
                self.offer_waiting,
                "no offer of alternative accommodation is waiting for an answer; record the offer first",
            ),
        }
        allowed, reason = needs.get(action, (True, ""))
        if not allowed:
            raise Refused("action", "lifecycle", f"{action}: {reason}")
        if action == "hazard_closed":
            views = self.deadline_views()
            owed = [view.name for view in views if view.met is None and view.ceased is None]
            if owed:
                raise Refused(
                    "action",
                    "open_clocks",
                    f"hazard_closed: still owed: {', '.join(owed)}; close when each is done, missed or ceased",
                )

    def _in_scope(self, field_name: str, level: str) -> None:
        category = self.rules.category(self.facts.category)
        day0 = local_date(self.facts.aware_at)
        if category is None or not category.in_scope(level, day0):  # type: ignore[arg-type]
            raise Refused(
                field_name,
                "not_in_scope",
                f"{self.facts.category} is not in scope of SI 2025/1042 as a {level} hazard on {day0.isoformat()} "
                f"(policies/hazards/awaabs-law.toml)",
            )

    def allowed_actions(self) -> tuple[str, ...]:
        allowed = []
        for action in HAZARD_COMMANDS:
            try:
                self.lifecycle_check(action)
            except Refused:
                continue
            allowed.append(action)
        return tuple(allowed)

    # ---- applying a step ------------------------------------------------------------------------------

    def apply(self, action: str, command: Command, at: datetime) -> None:
        facts = self.facts
        details: dict[str, Any] = {}
        if action == "hazard_triaged":
            assert isinstance(command, TriageHazard)
            if facts.level == "emergency" and command.level != "emergency":
                facts.done["triaged_down"] = at  # the 24-hour clock stays on the record, ceased or missed
            elif command.level == "emergency":
                facts.done.pop("triaged_down", None)
            facts.level = command.level
            facts.done["triaged"] = at
            facts.done.pop("triaged_not_relevant", None)
            if command.level == "not_relevant":
                facts.done["triaged_not_relevant"] = at
            details = {"level": command.level, "vulnerabilities": ",".join(command.vulnerabilities), "actor": command.actor}
        elif action == "hazard_access_attempt":
            assert isinstance(command, RecordAccessAttempt)
            details = {"method": command.method, "outcome": command.outcome}
        elif action == "hazard_investigated":
            assert isinstance(command, RecordInvestigation)
            facts.investigated_at, facts.found = at, command.found
            facts.safety_work, facts.preventative_work = command.safety_work, command.preventative_work
            facts.preventative_practicable = command.preventative_start_practicable
            details = {
                "found": command.found,
                "safety_work": command.safety_work,
                "preventative_work": command.preventative_work,
                "preventative_start_practicable": command.preventative_start_practicable,
            }
        elif action == "hazard_consent_sought":
            assert isinstance(command, SeekConsent)
            details = {"consent_from": command.consent_from, "method": command.method, "consent": command.consent}
        elif action in ("hazard_accommodation_offered", "hazard_accommodation_accepted", "hazard_accommodation_declined"):
            self.offer_waiting = action == "hazard_accommodation_offered"
            details = {"accommodation": command.accommodation} if isinstance(command, OfferAccommodation) else {}
        elif action == "hazard_linked":
            assert isinstance(command, LinkCase)
            self.linked.append(command.linked_reference)
            details = {"linked_reference": command.linked_reference}
        elif action == "hazard_closed":
            self.closed = True
        elif action in ONCE:
            facts.done[ONCE[action]] = at
        self.record(action, at, {key: value for key, value in details.items() if value not in (None, "")})

    # ---- clocks and notices ---------------------------------------------------------------------------

    def clocks(self) -> list[PlannedClock]:
        return plan(self.facts, self.rules, self.calendar)

    def deadline_views(self) -> tuple[HazardDeadlineView, ...]:
        return tuple(clock.view(clock.name in self.missed) for clock in self.clocks())

    def next_wake(self, now: datetime) -> datetime | None:
        """The next future instant a clock runs out or a rung fires, for clocks still owing notices."""
        instants = []
        for clock in self.clocks():
            if owes_notices(clock, clock.name in self.missed):
                instants.append(clock.instant)
                done = self.notified.get(clock.name, set())
                instants.extend(at for at, kind, _ in rung_instants(clock, self.rules, self.calendar) if kind not in done)
        return min((at for at in instants if at > now), default=None)

    def mark_missed_and_notify(self, now: datetime, planned_at: datetime | None) -> list[NoticeView]:
        """Mark clocks run out; raise the rungs now due (only the most serious when several passed at once)."""
        notices = []
        for clock in self.clocks():
            if not owes_notices(clock, clock.name in self.missed):
                continue
            if clock.name not in self.missed and clock.instant <= now:
                self.missed.add(clock.name)
                self.record("deadline_missed", clock.instant, {"deadline": clock.name})
            done = self.notified.setdefault(clock.name, set())
            passed = sorted(
                (r for r in rung_instants(clock, self.rules, self.calendar) if r[1] not in done and r[0] <= now),
                key=lambda r: r[0],
            )
            done.update(kind for _, kind, _ in passed)
            if passed:
                instant, kind, recipients = passed[-1]
                at = instant if planned_at is None or instant >= planned_at else now
                notice = NoticeView(kind=kind, deadline=clock.name, due=clock.due, at=at, recipients=recipients)
                self.notices.append(notice)
                self.record("notice", at, {"kind": kind, "deadline": clock.name})
                notices.append(notice)
        return notices
