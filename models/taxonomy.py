"""Why complaints happen: the service area a complaint is about and the root causes found when it is
answered, as short codes with plain names (issue 19; Code 8.1 and 9.x ask landlords to learn from themes).

Codes, never free text, travel in the case's workflow (`CaseInput.category`, DESIGN.md principle 5); the
names are for people. Categories recorded before the taxonomy (free text in the read model) are read as
the code they plainly mean, or `other` (decision 90).
"""

from typing import Literal, get_args

ServiceArea = Literal[
    "repairs",
    "damp_and_mould",
    "anti_social_behaviour",
    "staff_conduct",
    "communication",
    "rent_and_charges",
    "estate_services",
    "other",
]
SERVICE_AREAS: dict[str, str] = {
    "repairs": "Repairs",
    "damp_and_mould": "Damp and mould",
    "anti_social_behaviour": "Anti-social behaviour",
    "staff_conduct": "Staff conduct",
    "communication": "Communication",
    "rent_and_charges": "Rent and charges",
    "estate_services": "Estate services",
    "other": "Other",
}

RootCause = Literal[
    "repair_not_done",
    "repair_delayed",
    "appointment_missed",
    "not_kept_informed",
    "policy_not_followed",
    "policy_unclear",
    "staff_attitude",
    "contractor_failure",
    "wrong_information",
    "needs_not_considered",
    "no_failing_found",
]
ROOT_CAUSES: dict[str, str] = {
    "repair_not_done": "Repair not done, or not done right first time",
    "repair_delayed": "Work took longer than our own timescale",
    "appointment_missed": "An appointment was missed or cancelled late",
    "not_kept_informed": "We did not keep the resident informed",
    "policy_not_followed": "We did not follow our own policy or procedure",
    "policy_unclear": "Our policy or procedure was unclear or did not cover the case",
    "staff_attitude": "A member of staff's attitude or behaviour",
    "contractor_failure": "A contractor let the resident down",
    "wrong_information": "We gave wrong information or our records were wrong",
    "needs_not_considered": "We did not take the resident's needs into account",
    "no_failing_found": "No failing found on our part",
}
assert set(SERVICE_AREAS) == set(get_args(ServiceArea)) and set(ROOT_CAUSES) == set(get_args(RootCause))

LEGACY_CATEGORIES: dict[str, str] = {
    "damp and mould": "damp_and_mould",
    "damp": "damp_and_mould",
    "mould": "damp_and_mould",
    "anti-social behaviour": "anti_social_behaviour",
    "antisocial behaviour": "anti_social_behaviour",
    "asb": "anti_social_behaviour",
    "staff conduct": "staff_conduct",
    "rent and service charges": "rent_and_charges",
    "rent and charges": "rent_and_charges",
    "rent": "rent_and_charges",
    "service charges": "rent_and_charges",
    "estate services": "estate_services",
    "repair": "repairs",
}
"""Free-text categories from before the taxonomy, as the generated years and early intakes wrote them."""


def service_area_of(category: str | None) -> str | None:
    """The service-area code a recorded category means: a code as it is, an old free-text name by
    `LEGACY_CATEGORIES`, anything else `other`; None when none was recorded."""
    if category is None or not category.strip():
        return None
    text = category.strip().lower()
    if text in SERVICE_AREAS:
        return text
    return LEGACY_CATEGORIES.get(text, "other")


def area_name(code: str | None) -> str:
    return SERVICE_AREAS.get(code or "", "Not recorded")


def cause_name(code: str | None) -> str:
    return ROOT_CAUSES.get(code or "", "Not recorded")
