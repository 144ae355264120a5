"""The intake form: the Intake model's fields (starter/web/fields.py) with the labels people know them by,
pickers where a choice belongs (landlord, nation, handler, service area), and the fields printed in
every letter marked."""

from models.taxonomy import SERVICE_AREAS
from starter.web.fields import chosen, form_fields

NATIONS = [("ENG", "England"), ("WLS", "Wales"), ("SCT", "Scotland"), ("NIR", "Northern Ireland")]
INTAKE_LABELS = {
    "policy": "Landlord and complaints policy",
    "region": "Nation (for bank holidays)",
    "channel": "How the complaint was made",
    "text": "What the complaint is about",
    "desired_outcome": "What the resident wants to happen",
    "category": "Service area it is about",
    "issue_date": "When the problem happened",
    "received_at": "Date the complaint was received",
    "handler": "Handler",
    "linked_to": "Linked case reference",
    "service_request_id": "Service request it came from",
    "resident.preferred_contact": "Resident's preferred way to be contacted",
    "representative.consent_given": "The resident has given consent for this representative to act for them",
}
INTAKE_HINTS = {
    "received_at": "For example, 27 3 2026. Leave empty for today. It cannot be in the future.",
    "issue_date": "For example, 27 3 2026. Used to check the landlord's complaint window.",
    "linked_to": "An existing case reference, like CMP-2026-000123.",
    "service_request_id": "The id of an existing service request, shown on the service requests page.",
}


def intake_fields(engine) -> list:
    """The intake form: the Intake model's fields with pickers for the landlord, nation and handler."""
    from casework.intake import Intake
    from casework.staff import case_staff

    return chosen(
        form_fields(Intake),
        choices={
            "policy": landlord_choices(),
            "region": NATIONS,
            "handler": [(s.username, s.label) for s in case_staff(engine)],
            "category": list(SERVICE_AREAS.items()),
        },
        labels=INTAKE_LABELS,
        hints=INTAKE_HINTS,
        printed=INTAKE_PRINTED,
    )


def landlord_choices() -> list[tuple[str, str]]:
    """The landlords (policy profiles) by name, the Code's own profile first: a complaint's and a service
    request's policy is chosen, never typed."""
    from models.policy import DEFAULT_PROFILE_ID, all_profiles

    profiles = sorted(all_profiles().values(), key=lambda p: (p.id != DEFAULT_PROFILE_ID, p.landlord))
    return [
        (
            p.id,
            p.landlord if p.id != DEFAULT_PROFILE_ID else "No landlord profile: the Complaint Handling Code (2024) as it stands",
        )
        for p in profiles
    ]


INTAKE_PRINTED = frozenset({"resident.name", "resident.address", "desired_outcome"})
"""Every letter is addressed to the resident by these, and the stage-1 letters state the outcome sought."""
