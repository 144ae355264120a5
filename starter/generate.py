"""`complaints simulate --generate`: a realistic year of complaints for a policy profile, run through the
real workflow on the time-skipping server, turned into the same report facts as the read model.

A landlord sets how many complaints arrive in the year, how many escalate, and how handlers behave
(how often they answer within the policy's own deadline, how often they agree an extension, how often
they acknowledge late); the handlers aim at the profile's deadlines, so a policy change (say, counting
the response from receipt) changes what the Code's CH02 shows. Everything is drawn from one seeded
random generator, so a run can be repeated exactly.
"""

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import date, datetime, time as clock, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from models.calendar import WorkingCalendar, uk_calendar_snapshot
from models.case import Region
from models.policy import DEFAULT_PROFILE_ID, load_profile, PolicyError, PolicyProfile
from models.policy_rules import StageRules
from reports.report_facts import CauseFact, LearningFact, RemedyFact
from models.remedies_guidance import remedies_guidance
from reports.reporting import ReportingYear
from starter.scenario import Scenario

if TYPE_CHECKING:
    pass

LONDON = ZoneInfo("Europe/London")
CATEGORIES = (
    ("repairs", 40),
    ("damp_and_mould", 15),
    ("anti_social_behaviour", 10),
    ("staff_conduct", 10),
    ("communication", 10),
    ("rent_and_charges", 10),
    ("estate_services", 5),
)
"""Service areas (models/taxonomy.py) and their weights, roughly the shape of a housing association's year."""
ROOT_CAUSE_WEIGHTS = {
    "repairs": (("repair_not_done", 4), ("repair_delayed", 4), ("appointment_missed", 2), ("contractor_failure", 2)),
    "damp_and_mould": (("repair_not_done", 3), ("repair_delayed", 3), ("needs_not_considered", 1)),
    "anti_social_behaviour": (("not_kept_informed", 3), ("policy_not_followed", 2)),
    "staff_conduct": (("staff_attitude", 4), ("not_kept_informed", 1)),
    "communication": (("not_kept_informed", 4), ("wrong_information", 2)),
    "rent_and_charges": (("wrong_information", 3), ("policy_unclear", 2)),
    "estate_services": (("contractor_failure", 3), ("policy_not_followed", 1)),
}
"""The root causes a response in each service area finds when the complaint is (partly) upheld."""
ADVERSE_FINDINGS = ("maladministration", "maladministration", "service_failure", "severe_maladministration")
FAIR_FINDINGS = ("no_maladministration", "reasonable_redress", "outside_jurisdiction")
LEARNING = {
    "repairs": "Repairs appointments now confirmed by text the day before",
    "damp_and_mould": "Damp and mould reports get a surveyor's visit within 10 working days",
    "anti_social_behaviour": "ASB case officers update residents every 10 working days",
    "staff_conduct": "Customer care refresher training for front-line staff",
    "communication": "Call-backs promised by the contact centre are logged and tracked",
    "rent_and_charges": "Service charge letters explain each charge in plain language",
    "estate_services": "Estate inspection results published for each block",
}


class GeneratorSettings(BaseModel):
    """The parameters of a generated year; every rate is a share of cases, 0 to 1."""

    model_config = ConfigDict(extra="forbid")

    policy: str = DEFAULT_PROFILE_ID
    year: str = "2025-26"
    region: Region = "ENG"
    cases: int = Field(default=649, ge=1, le=20000)
    """Stage-1 complaints arriving in the year (Wrekin 2023-24: 649)."""
    escalation_rate: float = Field(default=0.055, ge=0, le=1)
    """Share escalated to stage 2 (Wrekin 2023-24: 36 of 649, 5.5%)."""
    on_time_rate: float = Field(default=0.92, ge=0, le=1)
    """Share answered within the policy's own deadline without an extension."""
    extension_rate: float = Field(default=0.035, ge=0, le=1)
    """Share given an extension before the deadline and answered within it (Wrekin: 23 of 649); the
    rest (1 - on_time_rate - extension_rate) are answered late."""
    late_acknowledgement_rate: float = Field(default=0.002, ge=0, le=1)
    late_letter_rate: float = Field(default=0.05, ge=0, le=1)
    """Share of response letters sent 1-3 working days after the response was decided (Wrekin 2023-24:
    95.7% resolved in time but 90.4% of letters)."""
    informal_resolution_rate: float = Field(default=0.5, ge=0, le=1)
    """Profiles with an informal pre-stage: the share resolved there."""
    referral_rate: float = Field(default=0.25, ge=0, le=1)
    """Share of final (stage 2) responses the resident takes to the Ombudsman, 1 to 6 months later."""
    determination_rate: float = Field(default=0.8, ge=0, le=1)
    """Share of referrals the Ombudsman determines (3 to 9 months on); it asks for evidence on every referral."""
    adverse_finding_rate: float = Field(default=0.7, ge=0, le=1)
    """Share of determined elements found against the landlord (maladministration, service failure, severe);
    each such element brings an order due 20 working days later."""
    late_compliance_rate: float = Field(default=0.1, ge=0, le=1)
    """Share of evidence requests answered and orders complied with after their due date."""
    failure_order_rate: float = Field(default=0.01, ge=0, le=1)
    """Share of cases on which the Ombudsman issues a Complaint Handling Failure Order during stage 1."""
    late_payment_rate: float = Field(default=0.1, ge=0, le=0.5)
    """Share of compensation payments made after the date promised."""
    unpaid_rate: float = Field(default=0.05, ge=0, le=0.5)
    """Share of compensation payments not yet made (overdue once their date passes)."""
    seed: int = 2024

    @field_validator("extension_rate")
    @classmethod
    def _rates_add_up(cls, rate: float, info: ValidationInfo) -> float:
        on_time = info.data.get("on_time_rate", 0)
        if on_time + rate > 1:
            raise ValueError(f"on_time_rate + extension_rate must be at most 1, got {on_time} + {rate}")
        return rate

    @field_validator("year")
    @classmethod
    def _year(cls, year: str) -> str:
        ReportingYear.parse(year)
        return year

    @field_validator("policy")
    @classmethod
    def _policy(cls, policy: str) -> str:
        try:
            load_profile(policy)
        except PolicyError as error:
            raise ValueError(str(error)) from None
        return policy


@dataclass
class GeneratedCase:
    reference: str
    scenario: Scenario
    category: str
    remedies: tuple[RemedyFact, ...]
    learning: tuple[LearningFact, ...]
    root_causes: tuple[CauseFact, ...]
    letters: dict[int, date]
    """The day each stage's response letter went out."""


def generate(settings: GeneratorSettings) -> list[GeneratedCase]:
    """The year's cases as scenarios, in order of arrival; the same settings give the same cases."""
    rng = random.Random(settings.seed)
    profile = load_profile(settings.policy)
    year = ReportingYear.parse(settings.year)
    calendar = WorkingCalendar(uk_calendar_snapshot(settings.region, range(year.first.year, year.first.year + 3)))
    days = [year.first + timedelta(days=n) for n in range((year.last - year.first).days + 1)]
    working = [d for d in days if calendar.is_working_day(d)]
    arrivals = sorted(rng.choice(working) for _ in range(settings.cases))
    names, weights = zip(*CATEGORIES)
    cases = []
    for number, received_on in enumerate(arrivals, start=1):
        reference = f"GEN-{year.first.year}-{number:06d}"
        handler = _Handler(rng, calendar, settings, profile, number)
        received = _at(received_on, 9 + rng.randrange(8), rng.randrange(60))
        steps, informal, outcomes = handler.case(received_on)
        category = rng.choices(names, weights)[0]
        remedies, learning, causes, letters = [], [], [], {}
        for stage, outcome, responded_on in outcomes:
            late = rng.random() < settings.late_letter_rate
            letters[stage] = calendar.add_working_days(responded_on, rng.randint(1, 3)) if late else responded_on
            cause = "no_failing_found" if outcome == "not_upheld" else _weighted(rng, ROOT_CAUSE_WEIGHTS[category])
            causes.append(CauseFact(stage=stage, code=cause, recorded_on=responded_on))
            if outcome != "not_upheld" and rng.random() < 0.6:
                remedies.append(_payment(rng, calendar, settings, stage, responded_on))
            if outcome == "upheld" and rng.random() < 0.3:
                learning.append(LearningFact(text=LEARNING[category], recorded_on=responded_on, root_cause=cause))
        scenario = Scenario.model_validate(
            {
                "policy": profile.id,
                "region": settings.region,
                "received": received.isoformat(),
                "informal": informal,
                "category": category,
                "steps": steps,
            }
        )
        cases.append(GeneratedCase(reference, scenario, category, tuple(remedies), tuple(learning), tuple(causes), letters))
    return cases


def _weighted(rng: random.Random, weights: tuple[tuple[str, int], ...]) -> str:
    names, shares = zip(*weights)
    return rng.choices(names, shares)[0]


def _payment(
    rng: random.Random, calendar: WorkingCalendar, settings: "GeneratorSettings", stage: int, responded_on: date
) -> RemedyFact:
    """Compensation offered in the remedies-guidance band its amount falls in, promised within 10 working
    days; paid on time, late (`late_payment_rate`) or, for a few, not yet (`unpaid_rate`)."""
    amount = rng.choice((5000, 7500, 10000, 15000, 25000, 50000, 75000, 120000))
    band = next(b.id for b in remedies_guidance().bands if b.min_pence <= amount <= b.max_pence)
    due = calendar.add_working_days(responded_on, 10)
    draw = rng.random()
    paid = (
        None
        if draw < settings.unpaid_rate
        else (
            calendar.add_working_days(due, rng.randint(1, 10))
            if draw < settings.unpaid_rate + settings.late_payment_rate
            else calendar.add_working_days(responded_on, rng.randint(1, 10))
        )
    )
    kind = rng.choice(("time_and_trouble", "discretionary", "distress_and_inconvenience"))
    return RemedyFact(
        stage=stage, kind="compensation", amount_pence=amount, compensation_type=kind, band=band, due_on=due, paid_on=paid
    )


class _Handler:
    """How one case is handled: acknowledgement, response or extension, escalation, as scenario steps."""

    def __init__(
        self, rng: random.Random, calendar: WorkingCalendar, settings: GeneratorSettings, profile: PolicyProfile, number: int
    ):
        self.rng, self.calendar, self.settings, self.profile = rng, calendar, settings, profile
        self.ombudsman_rng = random.Random(f"ombudsman-{settings.seed}-{number}")
        """The Ombudsman stage's own draws, so adding it left the rest of a seeded year as it was."""
        self.handler = f"handler-{number % 12 + 1}"
        self.reviewer = f"reviewer-{number % 4 + 1}"
        self.steps: list[dict] = []

    def case(self, received_on: date) -> tuple[list[dict], bool, list[tuple[int, str, date]]]:
        rng, pre = self.rng, self.profile.pre_stage
        informal = pre is not None and (pre.applies == "always" or rng.random() < 0.5)
        outcomes: list[tuple[int, str, date]] = []
        logged_on, acknowledged = received_on, False
        if informal and pre is not None:
            day = self.calendar.add_working_days(received_on, rng.randint(1, pre.resolve_working_days))
            if rng.random() < self.settings.informal_resolution_rate:
                self._step(day, 11, "close")
                return self.steps, True, outcomes
            self._step(day, 11, "acknowledge")  # logs the complaint at stage 1 and acknowledges it
            logged_on, acknowledged = day, True
        responded_on, outcome = self._stage(1, received_on, logged_on, acknowledged, self.handler)
        outcomes.append((1, outcome, responded_on))
        if self.ombudsman_rng.random() < self.settings.failure_order_rate:  # recorded the working day after the response
            issued = self.calendar.add_working_days(responded_on, 1)
            self._step(
                issued,
                9,
                "complaint_handling_failure_order",
                minute=self.ombudsman_rng.randrange(60),
                reason="not_progressed",
                issued_on=issued.isoformat(),
            )
        if rng.random() < self.settings.escalation_rate:
            requested = self.calendar.add_working_days(responded_on, rng.randint(1, 15))
            self._step(requested, 10, "request_stage2")
            self._step(requested, 12, "assign", handler=self.reviewer)
            responded_on, outcome = self._stage(2, requested, requested, False, self.reviewer)
            outcomes.append((2, outcome, responded_on))
            self._step(self.calendar.add_working_days(responded_on, 10), 16, "close")
            if self.ombudsman_rng.random() < self.settings.referral_rate:
                self._ombudsman(responded_on)
            return self.steps, informal, outcomes
        self._step(self.calendar.add_working_days(responded_on, 10), 16, "close")
        return self.steps, informal, outcomes

    def _ombudsman(self, final_response_on: date) -> None:
        """Referred 1-6 months after the final response; evidence asked for at once, due in 15 working days;
        determined 3-9 months on, an order per adverse finding, due 20 working days after it."""
        rng, settings, add = self.ombudsman_rng, self.settings, self.calendar.add_working_days
        referred = add(final_response_on, rng.randint(20, 125))
        self._step(
            referred,
            10,
            "ombudsman_referral",
            minute=rng.randrange(60),
            ombudsman_ref=f"{referred.year}{rng.randrange(10**5):05d}",
        )
        asked = add(referred, rng.randint(1, 5))
        due = add(asked, 15)
        self._step(asked, 11, "ombudsman_evidence_requested", minute=rng.randrange(60), due_on=due.isoformat())
        self._step(self._compliance(asked, due), 12, "ombudsman_evidence_sent", minute=rng.randrange(60))
        if rng.random() >= settings.determination_rate:
            return
        determined = add(due, rng.randint(60, 190))
        elements = rng.sample(("complaint_handling", "repairs", "communication", "record_keeping"), rng.randint(1, 3))
        findings: list[dict[str, str]] = []
        orders: list[dict[str, str]] = []
        for element in elements:
            adverse = rng.random() < settings.adverse_finding_rate
            finding = rng.choice(ADVERSE_FINDINGS if adverse else FAIR_FINDINGS)
            findings.append({"element": element, "finding": finding})
            if adverse:
                kind = rng.choice(("apology", "compensation", "action", "review"))
                orders.append({"order_id": f"{kind}-{len(orders) + 1}", "kind": kind, "due_on": add(determined, 20).isoformat()})
        self._step(determined, 10, "ombudsman_determination", minute=rng.randrange(60), findings=findings, orders=orders)
        complied = sorted((self._compliance(determined, date.fromisoformat(o["due_on"])), o["order_id"]) for o in orders)
        for number, (day, order_id) in enumerate(complied):
            self._step(day, 15, "ombudsman_order_complied", order_id=order_id, minute=number)

    def _compliance(self, asked: date, due: date) -> date:
        """The day a request or order is met: by its due date, or 1-15 working days late."""
        rng = self.ombudsman_rng
        if rng.random() < self.settings.late_compliance_rate:
            return self.calendar.add_working_days(due, rng.randint(1, 15))
        return max(asked, self.calendar.add_working_days(due, -rng.randint(0, 5)))

    def _stage(self, stage: int, received_on: date, logged_on: date, acknowledged: bool, actor: str) -> tuple[date, str]:
        rng, settings = self.rng, self.settings
        rules: StageRules = getattr(self.profile, f"stage{stage}")
        ack_on = logged_on
        if not acknowledged:
            days = rng.randint(1, rules.acknowledge_working_days)
            if rng.random() < settings.late_acknowledgement_rate:
                days = rules.acknowledge_working_days + rng.randint(1, 3)
            ack_on = self.calendar.add_working_days(logged_on, days)
            self._step(ack_on, 10, "acknowledge")
        start = {"receipt": received_on, "logging": logged_on, "acknowledgement": ack_on}[rules.respond_from]
        due = self.calendar.add_working_days(start, rules.respond_working_days)
        draw = rng.random()
        if draw < settings.on_time_rate:
            respond_on = self.calendar.add_working_days(start, rng.randint(1, rules.respond_working_days))
        elif draw < settings.on_time_rate + settings.extension_rate and rules.extension_max_working_days:
            extra = rng.randint(1, rules.extension_max_working_days)
            self._step(
                max(ack_on, self.calendar.add_working_days(due, -1)),
                12,
                "extend",
                working_days=extra,
                reason="needs an inspection",
            )
            respond_on = self.calendar.add_working_days(start, rules.respond_working_days + rng.randint(1, extra))
        else:
            respond_on = self.calendar.add_working_days(due, rng.randint(1, 10))
        respond_on = max(respond_on, ack_on)
        outcome = rng.choices(("upheld", "partly_upheld", "not_upheld"), (35, 25, 40))[0]
        self._step(respond_on, 14, "respond", outcome=outcome, actor=actor)
        return respond_on, outcome

    def _step(self, day: date, hour: int, action: str, minute: int | None = None, **fields) -> None:
        minute = self.rng.randrange(60) if minute is None else minute
        self.steps.append({"at": _at(day, hour, minute).isoformat(), "action": action, **fields})


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, clock(hour, minute), tzinfo=LONDON)
