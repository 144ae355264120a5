"""Hazard steps in a `complaints simulate` scenario (DESIGN.md, "CLI contract": Awaab's Law steps).

Each hazard step names its `hazard_id` (a short code such as `h1`); `hazard_reported` starts that hazard's
workflow, the others act on it. The fields live here, mixed into `starter/scenario.py`'s `Step`, so the
complaint's steps and the hazard's run in one `steps` list.
"""

from typing import Literal

from pydantic import BaseModel, Field

from models.case import AwareDatetime, ItemId
from models.hazard import AccessMethod, Accommodation, ConsentAnswer, ConsentFrom, Finding, TriageLevel

HazardAction = Literal[
    "hazard_reported",
    "hazard_triaged",
    "hazard_access_attempt",
    "hazard_investigated",
    "hazard_summary_sent",
    "hazard_made_safe",
    "hazard_decanted",
    "hazard_consent_sought",
    "hazard_consent_unobtainable",
    "hazard_accommodation_offered",
    "hazard_accommodation_accepted",
    "hazard_accommodation_declined",
    "hazard_preventative_started",
    "hazard_preventative_completed",
    "hazard_closed",
    "hazard_linked",
]

_EXTRA_FIELDS = {
    "hazard_reported": ("category",),
    "hazard_triaged": ("level",),
    "hazard_access_attempt": ("method", "outcome"),
    "hazard_investigated": ("found",),
    "hazard_linked": ("linked_reference",),
    "hazard_consent_sought": ("consent_from", "method", "consent"),
    "hazard_accommodation_offered": ("accommodation",),
}
HAZARD_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    action: ("hazard_id", *_EXTRA_FIELDS.get(action, ()))
    for action in HazardAction.__args__  # type: ignore[attr-defined]
}


class HazardStepFields(BaseModel):
    """The fields of hazard steps; a value the hazard's rules refuse is a rejected step, not a bad file."""

    hazard_id: ItemId | None = None
    category: str | None = Field(default=None, min_length=1, max_length=41)
    """hazard_reported: an HHSRS category of policies/hazards/awaabs-law.toml, e.g. `damp_and_mould`."""
    aware_at: AwareDatetime | None = None
    """hazard_reported: Day 0, when the landlord became aware; default the step's `at`."""
    level: TriageLevel | None = None
    method: AccessMethod | None = None
    consent_from: ConsentFrom | None = None
    consent: ConsentAnswer | None = None
    accommodation: Accommodation | None = None
    found: Finding | None = None
    safety_work: bool | None = None
    preventative_work: bool | None = None
    preventative_start_practicable: bool | None = None
    linked_reference: str | None = Field(default=None, max_length=30)
