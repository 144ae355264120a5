"""The statutory clocks of one hazard (SI 2025/1042), as pure functions of its facts and the calendar.

Every clock is derived afresh from what has happened (`HazardFacts`), the rules file recorded in history
and the statutory calendar (weekends and England's bank holidays only: a landlord's closure days never move
a statutory deadline). Working-day clocks count from the day after Day 0 (`nth_working_day_after`); the
24-hour clock runs in hours through nights, weekends and bank holidays.

- `emergency`: made safe within 24 hours of awareness (of the emergency triage's awareness, or of the
  investigation that found it). Ceases on a decant before it expires, consent that cannot be had, an
  investigation that finds no hazard (or a significant, not an emergency, one) or a triage revised down
  before it expires; revised after it expired, it stays missed.
- `investigate`: reg 6, 10 working days, for a hazard that can be significant in its category on Day 0.
- `summary`: reg 9, 3 working days from the day the investigation ended, whatever it found (except an
  emergency triage the investigation confirmed: that investigation is inside the 24 hours).
- `safety_work`: reg 11(2)(a), 5 working days from the investigation, where it found a significant hazard
  needing safety work; ceases on a decant or consent that cannot be had.
- `preventative_start`: reg 13(2), 5 working days, or reg 13(3)(b), 84 days where not reasonably
  practicable; ceases when consent cannot be had.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from models.calendar import WorkingCalendar, end_of_day, local_date
from models.hazard import CeasedReason, Finding, HazardDeadlineView, TriageLevel
from models.hazard_rules import HazardRules
from workflows.deadlines import notice_instant


@dataclass
class HazardFacts:
    """What has happened to the hazard: each step's instant, and the choices recorded with it."""

    category: str
    aware_at: datetime
    level: TriageLevel | None = None
    investigated_at: datetime | None = None
    found: Finding | None = None
    safety_work: bool = False
    preventative_work: bool = False
    preventative_practicable: bool = True
    done: dict[str, datetime] = field(default_factory=dict)
    """Step name (without `hazard_`) to when it happened: summary_sent, made_safe, decanted, ..."""


@dataclass(frozen=True)
class PlannedClock:
    name: str
    due: date
    due_at: datetime | None
    done_at: datetime | None
    ceased_at: datetime | None
    ceased: CeasedReason | None

    @property
    def instant(self) -> datetime:
        """When the clock runs out: the 24-hour instant, or the end of the due date in London."""
        return self.due_at if self.due_at is not None else end_of_day(self.due)

    def view(self, missed: bool) -> HazardDeadlineView:
        """Met when done by the instant; ceased when stopped before it was done or missed; else open or missed."""
        if self.done_at is not None and (self.ceased_at is None or self.done_at <= self.ceased_at):
            met = self.done_at <= self.due_at if self.due_at is not None else local_date(self.done_at) <= self.due
            return HazardDeadlineView(name=self.name, due=self.due, due_at=self.due_at, met=met, met_on=local_date(self.done_at))
        if self.ceased_at is not None and self.ceased_at < self.instant:
            return HazardDeadlineView(name=self.name, due=self.due, due_at=self.due_at, ceased=self.ceased)
        return HazardDeadlineView(name=self.name, due=self.due, due_at=self.due_at, met=False if missed else None)


def plan(facts: HazardFacts, rules: HazardRules, calendar: WorkingCalendar) -> list[PlannedClock]:
    """Every clock that applies now, in the order the law sets them."""
    clocks = [clock for clock in (_emergency(facts, rules), _investigate(facts, rules, calendar)) if clock]
    if facts.investigated_at is not None:
        clocks.extend(_after_investigation(facts, rules, calendar))
    return clocks


def _emergency(facts: HazardFacts, rules: HazardRules) -> PlannedClock | None:
    triaged_down = None
    if facts.level == "emergency":
        start = facts.aware_at
    elif facts.found == "emergency" and facts.investigated_at is not None:
        start = facts.investigated_at  # the landlord became aware of an emergency when its investigation found it
    elif "triaged_down" in facts.done:
        start, triaged_down = facts.aware_at, facts.done["triaged_down"]  # a clock once running stays on the record
    else:
        return None
    due_at = start + timedelta(hours=rules.timescales.emergency_hours)
    ceased_at, reason = _first_of(
        (facts.done.get("decanted"), "decanted"),
        (facts.done.get("consent_unobtainable"), "consent_unobtainable"),
        (facts.investigated_at if facts.found == "none" else None, "no_hazard"),
        (facts.investigated_at if facts.found == "significant" else None, "not_an_emergency"),
        (triaged_down, "not_an_emergency"),
    )
    return PlannedClock("emergency", local_date(due_at), due_at, facts.done.get("made_safe"), ceased_at, reason)


def _investigate(facts: HazardFacts, rules: HazardRules, calendar: WorkingCalendar) -> PlannedClock | None:
    category = rules.category(facts.category)
    day0 = local_date(facts.aware_at)
    if category is None or not category.in_scope("significant", day0):
        return None
    due = calendar.nth_working_day_after(day0, rules.timescales.investigate_working_days)
    if facts.level == "emergency" and facts.done["triaged"] < end_of_day(due):
        return None  # an emergency's investigation is inside its 24 hours; a clock already missed stays missed
    ceased_at = facts.done.get("triaged_not_relevant") if facts.level == "not_relevant" else None
    return PlannedClock("investigate", due, None, facts.investigated_at, ceased_at, "not_relevant" if ceased_at else None)


def _after_investigation(facts: HazardFacts, rules: HazardRules, calendar: WorkingCalendar) -> list[PlannedClock]:
    assert facts.investigated_at is not None
    ended = local_date(facts.investigated_at)
    scales = rules.timescales
    done = facts.done
    clocks = []
    if not (facts.level == "emergency" and facts.found == "emergency"):  # a confirmed emergency is inside its 24 hours
        due = calendar.nth_working_day_after(ended, scales.summary_working_days)
        clocks.append(PlannedClock("summary", due, None, done.get("summary_sent"), None, None))
    if facts.found == "significant" and facts.safety_work:
        due = calendar.nth_working_day_after(ended, scales.safety_work_working_days)
        ceased_at, reason = _first_of(
            (done.get("decanted"), "decanted"), (done.get("consent_unobtainable"), "consent_unobtainable")
        )
        clocks.append(PlannedClock("safety_work", due, None, done.get("made_safe"), ceased_at, reason))
    if facts.found in ("significant", "emergency") and facts.preventative_work:
        if facts.preventative_practicable:
            due = calendar.nth_working_day_after(ended, scales.preventative_start_working_days)
        else:
            due = ended + timedelta(days=scales.preventative_backstop_days)
        consent = done.get("consent_unobtainable")
        reason = "consent_unobtainable" if consent else None
        clocks.append(PlannedClock("preventative_start", due, None, done.get("preventative_started"), consent, reason))
    return clocks


def _first_of(*candidates: tuple[datetime | None, CeasedReason]) -> tuple[datetime | None, CeasedReason | None]:
    """The earliest of the events that would end a duty, and its reason; (None, None) when none happened."""
    happened = [(at, reason) for at, reason in candidates if at is not None]
    return min(happened, key=lambda pair: pair[0]) if happened else (None, None)


def owes_notices(clock: PlannedClock, missed: bool) -> bool:
    """Not yet done and not ceased: its ladder goes on (an escalation follows a missed clock); a clock met or
    ceased fires no more notices."""
    view = clock.view(missed)
    return view.met_on is None and view.ceased is None


def rung_instants(
    clock: PlannedClock, rules: HazardRules, calendar: WorkingCalendar
) -> list[tuple[datetime, str, tuple[str, ...]]]:
    """When each rung of the clock's ladder fires: by the hour for the 24-hour clock, by working day otherwise."""
    if clock.due_at is not None:
        return [(clock.due_at + timedelta(hours=rung.hours), rung.kind, rung.recipients) for rung in rules.emergency_ladder]
    return [(notice_instant(rung, clock.due, calendar), rung.kind, rung.recipients) for rung in rules.working_day_ladder]
