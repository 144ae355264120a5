"""The written summary to the tenant after a hazard investigation (SI 2025/1042 reg 9): what was investigated,
what was found, the safety and preventative work with their dates, alternative accommodation where relevant,
and how to complain and reach the Housing Ombudsman. Drawn from the hazard's read model and the resident of
the complaint or service request that reported it; previewed on the hazard's page before it is sent."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.hazards import CLOCK_WORDS, hazard_record
from models.hazard_rules import load_hazard_rules
from models.letters import HOUSING_OMBUDSMAN, OmbudsmanContact
from models.record import Complaint, Resident, ServiceRequest

FOUND_WORDS = {
    "emergency": "an emergency hazard: a risk to your health or safety that we must make safe within 24 hours",
    "significant": "a significant hazard: a risk to your health or safety that we must deal with urgently",
    "none": "no hazard that puts your health or safety at significant risk",
}

ACCOMMODATION_WORDS = {
    "hazard_accommodation_offered": "Until your home is safe, we have offered you suitable alternative accommodation at our cost.",
    "hazard_accommodation_accepted": "You accepted the suitable alternative accommodation we offered at our cost until your home is safe.",
    "hazard_accommodation_declined": "We offered you suitable alternative accommodation at our cost until your home is safe, and you "
                                     "declined it. You can ask us for it again at any time.",
    "hazard_decanted": "You have moved to suitable alternative accommodation at our cost until your home is safe.",
}


@dataclass(frozen=True)
class HazardSummary:
    reference: str
    resident_name: str | None
    resident_address: str | None
    category: str
    investigated_on: date | None
    found: str | None
    work: list[tuple[str, date]]
    """Each duty still to do or done, with its statutory date (safety work, beginning preventative work)."""
    accommodation: str | None
    """What happened to the offer of alternative accommodation, in the tenant's words (the latest step), if any."""
    linked: list[str]
    ombudsman: OmbudsmanContact

    @property
    def ready(self) -> bool:
        """Reg 9's summary follows the investigation: there is nothing to summarise before it."""
        return self.investigated_on is not None


def hazard_summary(engine: Engine, reference: str) -> HazardSummary:
    hazard, clocks, events = hazard_record(engine, reference)
    investigated = next((e for e in events if e.type == "hazard_investigated"), None)
    linked = [ref for ref in hazard.linked.split(",") if ref]
    name = address = None
    with Session(engine) as session:
        for ref in linked:
            row = session.get(Complaint, ref) or session.get(ServiceRequest, ref)
            resident = session.get(Resident, row.resident_id) if row is not None and row.resident_id else None
            if resident is not None:
                name, address = resident.name, resident.address
                break
    category = load_hazard_rules().categories.get(hazard.category)
    return HazardSummary(
        reference=reference, resident_name=name, resident_address=address,
        category=category.name if category else hazard.category,
        investigated_on=investigated.at.date() if investigated else None, found=hazard.found,
        work=[(CLOCK_WORDS[c.name], c.due) for c in clocks if c.name in ("safety_work", "preventative_start") and not c.ceased],
        accommodation=next((ACCOMMODATION_WORDS[e.type] for e in reversed(events) if e.type in ACCOMMODATION_WORDS), None),
        linked=linked, ombudsman=HOUSING_OMBUDSMAN,
    )
