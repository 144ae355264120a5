"""What a resident is told of the hazards their complaint reported (Awaab's Law, SI 2025/1042): each hazard's
steps and dates in plain words, read from the hazard read model the workflow projects (its clocks are
computed once, in `workflows/hazard_clocks.py`, never again here)."""

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy.engine import Engine

from casework.hazards import hazards_linked_to
from models.calendar import LONDON
from models.hazard_rules import load_hazard_rules
from models.hazard_tables import HazardDeadline

STEP_WORDS = {
    "emergency": "Make your home safe, within {emergency_hours} hours as it is an emergency",
    "investigate": "Look into it, within {investigate_working_days} working days",
    "summary": "Write to you with what we found, within {summary_working_days} working days of looking",
    "safety_work": "Do the work to make your home safe, within {safety_work_working_days} working days of looking",
    "preventative_start": "Start the work to stop it coming back",
}
"""The statutory clocks in a resident's words (regs 6, 9, 11 and 13), their numbers from the rules file."""
LEVEL_WORDS = {
    None: "We are deciding how urgent it is.",
    "emergency": "We decided it is an emergency.",
    "significant": "We decided it is a significant hazard, which we must deal with quickly.",
    "not_relevant": "We decided it is not a hazard Awaab's Law covers. We will still deal with your complaint.",
}
CEASED_WORDS = {
    "decanted": "no longer needed: you moved to other accommodation",
    "consent_unobtainable": "no longer needed: we could not get the consent the work needs",
    "no_hazard": "no longer needed: we found no hazard",
    "not_relevant": "no longer needed: it is not a hazard Awaab's Law covers",
    "not_an_emergency": "no longer needed: it is not an emergency",
}


@dataclass(frozen=True)
class ResidentStep:
    what: str
    by: str
    """The date, or for the 24-hour clock the time and date, in words."""
    status: str
    """`done on ...`, `late`, `no longer needed: ...`, or empty while it is still to come."""


@dataclass(frozen=True)
class ResidentHazard:
    reference: str
    what: str
    level: str
    steps: tuple[ResidentStep, ...]


def hazards_for_resident(engine: Engine, complaint: str, today: date) -> list[ResidentHazard]:
    """The hazards the complaint reported, each with its statutory steps in the order they fall due."""
    rules = load_hazard_rules()
    told = []
    for hazard, clocks in hazards_linked_to(engine, complaint):
        category = rules.category(hazard.category)
        steps = tuple(_step(clock, today, rules.timescales.model_dump()) for clock in clocks if clock.name in STEP_WORDS)
        told.append(
            ResidentHazard(
                reference=hazard.reference,
                what=category.name if category else hazard.category,
                level=LEVEL_WORDS.get(hazard.level, ""),
                steps=steps,
            )
        )
    return told


def _step(clock: HazardDeadline, today: date, timescales: dict) -> ResidentStep:
    if clock.due_at is not None:
        at = (clock.due_at if clock.due_at.tzinfo else clock.due_at.replace(tzinfo=timezone.utc)).astimezone(LONDON)
        by = f"{at:%H:%M} on {_long(at.date())}"
    else:
        by = _long(clock.due)
    if clock.ceased:
        status = CEASED_WORDS.get(clock.ceased, "no longer needed")
    elif clock.met_on is not None:
        status = f"done on {_long(clock.met_on)}" + ("" if clock.met else ", late")
    elif clock.met is False or clock.due < today:
        status = "late"
    else:
        status = ""
    return ResidentStep(what=STEP_WORDS[clock.name].format(**timescales), by=by, status=status)


def _long(day: date | datetime) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"
