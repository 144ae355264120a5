"""Payloads of the HazardWorkflow (Awaab's Law, SI 2025/1042): its input, commands and views.

No personal data: a hazard carries its category code, dates, levels, flags and the references of the
complaints and service requests that reported it; who lives there and what they said stay in the database.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from models.case import AwareDatetime, Command, EventView, NoticeView, Payload, StaffName

HAZARD_REFERENCE = r"^HZD-\d{4}-\d{6}$"
CASE_REFERENCE = r"^[A-Z]{2,5}-\d{4}-[0-9a-z]{6,8}$"
TriageLevel = Literal["emergency", "significant", "not_relevant"]
Finding = Literal["emergency", "significant", "none"]
AccessMethod = Literal["phone", "letter", "email", "visit", "text"]
AccessOutcome = Literal["no_answer", "refused", "booked", "access"]
Vulnerability = Literal["children", "respiratory", "age", "disability", "pregnancy", "other"]
"""The household's vulnerabilities a triage records (Ombudsman guidance on hazards: the criteria used)."""
ConsentFrom = Literal["tenant", "household", "leaseholder", "freeholder", "neighbour", "other"]
"""Whose consent the work needs (reg 3: a duty ceases only when consent cannot be had after all reasonable steps)."""
ConsentAnswer = Literal["given", "refused", "no_reply"]
Accommodation = Literal["temporary", "permanent"]
CeasedReason = Literal["decanted", "consent_unobtainable", "no_hazard", "not_relevant", "not_an_emergency"]


class HazardInput(Payload):
    """What starts a hazard: Day 0 is `aware_at`, which may be earlier than the recording."""

    reference: str = Field(pattern=HAZARD_REFERENCE)
    landlord: str = Field(min_length=1, max_length=100)
    category: str = Field(min_length=1, max_length=41)
    aware_at: AwareDatetime
    recorded_at: AwareDatetime | None = None
    """When it was recorded (default: when the workflow started); Day 0 may be earlier, never later."""
    reported_by: StaffName | None = None
    linked_cases: tuple[str, ...] = Field(default=(), max_length=20)
    """References of the complaints (`CMP-...`) and service requests that reported it; may be empty."""
    clock_offset_seconds: float = 0
    """Simulation only: the business clock's offset from the server clock, as its complaint fixed it."""


class TriageHazard(Command):
    level: TriageLevel
    criteria_ref: str | None = Field(default=None, min_length=1, max_length=100)
    """The row holding the criteria applied (their words stay in the database)."""
    vulnerabilities: tuple[Vulnerability, ...] = Field(default=(), max_length=6)


class RecordAccessAttempt(Command):
    method: AccessMethod
    outcome: AccessOutcome


class RecordInvestigation(Command):
    found: Finding
    safety_work: bool = False
    preventative_work: bool = False
    preventative_start_practicable: bool = True
    """False: beginning preventative work in 5 working days is not reasonably practicable (reg 13(3))."""


class SeekConsent(Command):
    """Consent sought for the work: from whom, how, and the answer (the evidence of all reasonable endeavours)."""

    consent_from: ConsentFrom
    method: AccessMethod
    consent: ConsentAnswer


class OfferAccommodation(Command):
    """Suitable alternative accommodation offered at the landlord's cost, when the home cannot be made safe in time."""

    accommodation: Accommodation


class HazardStep(Command):
    """A step with nothing but its time: summary sent, made safe, decanted, consent unobtainable,
    preventative work started or completed, closed."""


class LinkCase(Command):
    linked_reference: str = Field(pattern=CASE_REFERENCE)


HAZARD_COMMANDS: dict[str, type[Command]] = {
    "hazard_triaged": TriageHazard,
    "hazard_access_attempt": RecordAccessAttempt,
    "hazard_investigated": RecordInvestigation,
    "hazard_summary_sent": HazardStep,
    "hazard_made_safe": HazardStep,
    "hazard_decanted": HazardStep,
    "hazard_consent_sought": SeekConsent,
    "hazard_consent_unobtainable": HazardStep,
    "hazard_accommodation_offered": OfferAccommodation,
    "hazard_accommodation_accepted": HazardStep,
    "hazard_accommodation_declined": HazardStep,
    "hazard_preventative_started": HazardStep,
    "hazard_preventative_completed": HazardStep,
    "hazard_closed": HazardStep,
    "hazard_linked": LinkCase,
}
"""Every command after `hazard_reported` (which starts the workflow), by its Update name."""


class HazardDeadlineView(Payload):
    name: str
    """`emergency`, `investigate`, `summary`, `safety_work`, `preventative_start`."""
    due: date
    due_at: datetime | None = None
    """The 24-hour clock's instant; the working-day clocks end at the end of `due`, London time."""
    met: bool | None = None
    met_on: date | None = None
    ceased: CeasedReason | None = None


class HazardView(Payload):
    reference: str
    landlord: str
    category: str
    aware_at: datetime
    level: TriageLevel | None
    found: Finding | None
    state: Literal["open", "closed"]
    linked_cases: tuple[str, ...]
    deadlines: tuple[HazardDeadlineView, ...]
    notices: tuple[NoticeView, ...]
    events: tuple[EventView, ...]
    allowed_actions: tuple[str, ...]
    rejected_signals: tuple[str, ...] = ()
