"""The header's search: a resident's cases by reference, name, postcode, phone or email (models/search.py
normalises both sides), newest first. Staff who read cases may search; every case reader reads every case
(casework/access.py), so the results are not filtered further. Intake uses the same search to show the
resident's earlier cases before a new one is filed."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.record import Complaint, Resident
from models.search import ResidentSearchKey, query_keys, reference_number, reference_typed, resident_keys, sounds_like_keys
from models.tables import Case

LIMIT = 50


@dataclass(frozen=True)
class Found:
    reference: str
    resident: str
    landlord: str
    state: str
    received_at: datetime
    address: str = ""
    """Tells two residents of the same name apart in the results."""
    stage: int = 1


def _found(session: Session, query) -> list[Found]:
    rows = session.exec(query.order_by(col(Complaint.received_at).desc(), col(Complaint.reference)).limit(LIMIT)).all()
    return [
        Found(
            c.reference,
            r.name if r else "",
            c.landlord,
            case.state if case else "received",
            c.received_at,
            (r.address or "") if r else "",
            case.stage if case else 1,
        )
        for c, r, case in rows
    ]


def _cases():
    return (
        select(Complaint, Resident, Case)
        .join(Resident, col(Resident.id) == col(Complaint.resident_id), isouter=True)
        .join(Case, col(Case.reference) == col(Complaint.reference), isouter=True)
    )


def cases_matching_keys(engine: Engine, keys: set[str]) -> list[Found]:
    if not keys:
        return []
    residents = select(ResidentSearchKey.resident_id).where(col(ResidentSearchKey.key).in_(sorted(keys)))
    with Session(engine) as session:
        return _found(session, _cases().where(col(Complaint.resident_id).in_(residents)))


def search_cases(engine: Engine, typed: str) -> list[Found]:
    """The cases what was typed finds: the one case of a reference, the cases whose number a partial
    reference gives ("000002"), else every case of each resident whose name (a word of it, or the whole),
    street, postcode, phone or email matches; failing those, names that sound like it ("Kahn": Khan)."""
    reference = reference_typed(typed)
    if reference is not None:
        with Session(engine) as session:
            return _found(session, _cases().where(Complaint.reference == reference))
    if (number := reference_number(typed)) is not None:
        with Session(engine) as session:
            found = _found(session, _cases().where(col(Complaint.reference).endswith(f"-{number}")))
        if found:
            return found
    return cases_matching_keys(engine, query_keys(typed)) or cases_matching_keys(engine, sounds_like_keys(typed))


def earlier_cases(engine: Engine, name: str, address: str, phone: str, email: str) -> list[Found]:
    """Cases of a resident recorded before, found by the phone, email or postcode with the same full name
    (a first name alone, or a postcode alone, finds too many people to warn about)."""
    keys = resident_keys(name, address, phone, email)
    strong = {k for k in keys if k.startswith(("phone:", "email:"))}
    full = {k for k in keys if k.startswith("name:") and " " in k}
    found = cases_matching_keys(engine, strong)
    if full and (codes := {k for k in keys if k.startswith("postcode:")}):
        same_name = {f.reference for f in cases_matching_keys(engine, full)}
        found += [f for f in cases_matching_keys(engine, codes) if f.reference in same_name and f not in found]
    return found
