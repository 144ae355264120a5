"""The written summary to the tenant after a hazard investigation (SI 2025/1042 reg 9): what was investigated,
what was found, the safety and preventative work with their dates, alternative accommodation where relevant,
and how to complain and reach the Housing Ombudsman. Drawn from the hazard's read model and the resident of
the complaint or service request that reported it; previewed on the hazard's page before it is sent.

Recording `hazard_summary_sent` issues it (`issue_summary`, decisions 205 and 207: the hazard's workflow runs it
as an activity once the step applied, then mails it) through the complaint letters' one path (`letters.store_letter`): stored with the linked complaint, rendered to PDF, and queued to the resident and
a consented representative by their channel, keyed by the hazard-scoped command id so a repeated command
issues it once. A hazard with no linked complaint has no resident contact on file: nothing is sent, and the
page and the CLI say so."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from casework import letters
from casework.access import Actor
from casework.command_ids import scoped_id
from casework.forms import policy_profile
from casework.hazards import CLOCK_WORDS, hazard_record
from models.clock import london_today
from models.hazard_rules import load_hazard_rules
from accounts.users import get_user
from models.letters import HOUSING_OMBUDSMAN, HazardSummaryLetter, Landlord, OmbudsmanContact, SummaryWork
from models.record import Complaint, Letter, Resident, ServiceRequest

NO_CONTACT = (
    "No letter was sent: this hazard is not linked to a complaint, so there is no resident contact on file "
    "to send the written summary to. Send it yourself and keep a copy, or link the complaint first."
)

UNSIGNED = "The complaints team"
"""Who signs a summary recorded by no staff account (a Signal with no actor)."""

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
    complaint: str | None = None
    """The linked complaint the letter is filed with and sent through; None: no resident contact on file."""

    @property
    def ready(self) -> bool:
        """Reg 9's summary follows the investigation: there is nothing to summarise before it."""
        return self.investigated_on is not None


def hazard_summary(engine: Engine, reference: str) -> HazardSummary:
    hazard, clocks, events = hazard_record(engine, reference)
    investigated = next((e for e in events if e.type == "hazard_investigated"), None)
    linked = [ref for ref in hazard.linked.split(",") if ref]
    name = address = complaint = None
    with Session(engine) as session:
        complaint = next((ref for ref in linked if session.get(Complaint, ref) is not None), None)
        for ref in linked:
            row = session.get(Complaint, ref) or session.get(ServiceRequest, ref)
            resident = session.get(Resident, row.resident_id) if row is not None and row.resident_id else None
            if resident is not None:
                name, address = resident.name, resident.address
                break
    category = load_hazard_rules().categories.get(hazard.category)
    return HazardSummary(
        reference=reference,
        resident_name=name,
        resident_address=address,
        category=category.name if category else hazard.category,
        investigated_on=investigated.at.date() if investigated else None,
        found=hazard.found,
        work=[(CLOCK_WORDS[c.name], c.due) for c in clocks if c.name in ("safety_work", "preventative_start") and not c.ceased],
        accommodation=next((ACCOMMODATION_WORDS[e.type] for e in reversed(events) if e.type in ACCOMMODATION_WORDS), None),
        linked=linked,
        ombudsman=HOUSING_OMBUDSMAN,
        complaint=complaint,
    )


def summary_letter(engine: Engine, summary: HazardSummary, signed_by: str) -> HazardSummaryLetter | None:
    """The reg 9 letter to the tenant of the linked complaint, as it will be issued; None without a complaint."""
    if summary.complaint is None:
        return None
    with Session(engine) as session:
        policy_id = session.get_one(Complaint, summary.complaint).policy_id
    return HazardSummaryLetter(
        reference=summary.complaint,
        landlord=Landlord.from_profile(policy_profile(policy_id)),
        addressee=letters.addressee_of(engine, summary.complaint),
        issued_on=london_today(),
        signed_by=signed_by,
        hazard=summary.reference,
        category=summary.category,
        investigated_on=summary.investigated_on,
        found=FOUND_WORDS.get(summary.found or "", ""),
        work=[SummaryWork(what=w, due=d) for w, d in summary.work],
        accommodation=summary.accommodation or "",
        ombudsman=summary.ombudsman,
    )


def issue_summary(engine: Engine, reference: str, command_id: str, username: str | None) -> Letter | None:
    """Issue the written summary once the hazard's workflow applied `hazard_summary_sent`: stored, rendered and
    queued to the resident (and a consented representative) exactly once per command; None without a complaint.
    Signed by whoever recorded the step (`username`), with the name and role their account gives."""
    account = get_user(engine, username) if username else None
    signed_by = letters.signatory(engine, Actor(username=account.username, role=account.role)) if account else UNSIGNED
    letter = summary_letter(engine, hazard_summary(engine, reference), signed_by)
    if letter is None:
        return None
    return letters.store_letter(engine, letter.reference, scoped_id("letter", reference, command_id), letter)


def summary_sent_words(engine: Engine, reference: str) -> str:
    """What became of the written summary, for the page and the CLI: to whom it goes and how far it got, or why
    nobody could be sent it."""
    from casework.delivery import CHANNEL_WORDS, STATUS_WORDS, messages_of

    complaint = hazard_summary(engine, reference).complaint
    if complaint is None:
        return NO_CONTACT
    with Session(engine) as session:
        issued = [
            row.id
            for row in session.exec(select(Letter).where(Letter.reference == complaint, Letter.kind == "hazard_summary"))
            if row.content.get("hazard") == reference
        ]
    owed = [m for m in messages_of(engine, complaint) if m.letter_id in issued]
    if not owed:
        return NO_CONTACT
    return (
        f"The written summary was issued with {complaint}, to "
        + "; ".join(f"the {m.recipient} by {CHANNEL_WORDS[m.channel]} ({STATUS_WORDS.get(m.status, m.status)})" for m in owed)
        + "."
    )
