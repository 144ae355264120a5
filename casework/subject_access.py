"""Subject access and retention (UK GDPR arts. 15 and 5(1)(e); issue 18 item 9): everything held about a
resident, exported as JSON and PDF within the one-month duty, and their personal data anonymised once
the landlord's retention period after their last case closed has passed.

Both read and write only the read model: the workflow histories hold no personal data (DESIGN.md
principle 5, tests/test_no_personal_data.py), so Temporal's retention needs nothing anonymised, and
the case's timeline lives on in `caseevent` after the history has gone. Each export and anonymisation
is an audit entry (who, whom; never what).
"""

import html
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, delete, select

from casework.case_record import case_record
from casework.letters import pdf_of_pages
from accounts.audit import audit
from models.side_effects import LetterDraft
from models.record import (
    Adjustment,
    Attachment,
    Complaint,
    Definition,
    Letter,
    OutstandingAction,
    Remedy,
    Representative,
    Resident,
    Restriction,
    ServiceRequest,
    StaffReason,
)
from models.residents import AttachmentContent, ResidentLink, ResidentMessage
from models.tables import Case, CaseEvent, ResidentNote
from workflows.lifecycle import DONE_STATES

REMOVED = "[anonymised]"


class UnknownResident(LookupError):
    def __init__(self, resident_id: str):
        super().__init__(f"no resident {resident_id!r}")


def _rows(items: list) -> list[dict]:
    return [item.model_dump(exclude={"pdf", "html", "data"}) if isinstance(item, SQLModel) else item for item in items]


def subject_access(engine: Engine, resident_id: str, actor: str) -> dict[str, Any]:
    """Everything held about the resident: their details, representatives, service requests and, for
    each of their cases, the whole record (complaint, timeline with reasons in words, letters, notes,
    messages sent). Audited as `subject_access_export`."""
    with Session(engine) as session:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise UnknownResident(resident_id)
        representatives = session.exec(select(Representative).where(Representative.resident_id == resident_id)).all()
        requests = session.exec(select(ServiceRequest).where(ServiceRequest.resident_id == resident_id)).all()
        references = session.exec(
            select(Complaint.reference).where(Complaint.resident_id == resident_id).order_by(Complaint.reference)
        ).all()
        export: dict[str, Any] = {
            "resident": resident.model_dump(),
            "representatives": _rows(list(representatives)),
            "service_requests": _rows(list(requests)),
        }
    cases = []
    for reference in references:
        record = case_record(engine, reference)
        cases.append(
            {
                name: _rows(value)
                if isinstance(value, list)
                else (value.model_dump(exclude={"pdf", "html"}) if isinstance(value, SQLModel) else value)
                for name, value in ((n, getattr(record, n)) for n in type(record).model_fields)
            }
        )
    export["cases"] = cases
    export["exported_at"] = datetime.now(timezone.utc)
    audit(engine, "subject_access_export", username=resident_id, actor=actor, detail=f"{len(cases)} case(s)")
    return export


def as_json(export: dict[str, Any]) -> str:
    return json.dumps(export, indent=2, default=lambda v: v.isoformat() if isinstance(v, (date, datetime)) else str(v))


def as_pdf(export: dict[str, Any]) -> bytes:
    """The export as a plain PDF: each section a heading and its fields, for a resident to read."""
    parts = [
        f"<h1>Information we hold about {html.escape(export['resident']['name'])}</h1>",
        f"<p>Exported {html.escape(str(export['exported_at']))[:19]}</p>",
    ]

    def section(title: str, value: Any) -> None:
        parts.append(
            f"<h2>{html.escape(title)}</h2><pre style='white-space: pre-wrap; font-size: 9pt'>{html.escape(as_json(value))}</pre>"
        )

    section("Your details", export["resident"])
    section("People acting for you", export["representatives"])
    section("Service requests", export["service_requests"])
    for case in export["cases"]:
        section(f"Complaint {case['complaint']['reference']}", case)
    return pdf_of_pages(["<html><body>" + "".join(parts) + "</body></html>"])


def due_for_anonymisation(engine: Engine, retention_years: int, today: date) -> list[str]:
    """Residents whose every case has closed, the last more than `retention_years` ago (and who have no
    open service request): the ones the retention policy says to anonymise now."""
    cutoff = datetime.combine(today - timedelta(days=round(365.25 * retention_years)), datetime.min.time(), timezone.utc)
    due = []
    with Session(engine) as session:
        for resident in session.exec(select(Resident).where(Resident.name != REMOVED)).all():
            references = session.exec(select(Complaint.reference).where(Complaint.resident_id == resident.id)).all()
            cases = [session.get(Case, reference) for reference in references]
            if not references or any(case is None or case.state not in DONE_STATES for case in cases):
                continue
            if session.exec(
                select(ServiceRequest).where(ServiceRequest.resident_id == resident.id, ServiceRequest.status == "open")
            ).first():
                continue
            last = session.exec(
                select(CaseEvent.at).where(col(CaseEvent.reference).in_(references)).order_by(col(CaseEvent.at).desc())
            ).first()
            if last is not None and (last if last.tzinfo else last.replace(tzinfo=timezone.utc)) < cutoff:
                due.append(resident.id)
    return due


def anonymise(engine: Engine, resident_id: str, actor: str) -> int:
    """Remove the resident's personal data from every row that holds it, keeping the case's facts
    (dates, deadlines, outcomes) for the landlord's figures. Returns the cases it touched; audited."""
    with Session(engine) as session:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise UnknownResident(resident_id)
        resident.name, resident.address, resident.phone, resident.email = REMOVED, "", "", ""
        session.add(resident)
        for representative in session.exec(select(Representative).where(Representative.resident_id == resident_id)):
            representative.name, representative.contact, representative.consent_evidence = REMOVED, "", ""
            session.add(representative)
        for request in session.exec(select(ServiceRequest).where(ServiceRequest.resident_id == resident_id)):
            request.text, request.review_note = REMOVED, ""
            session.add(request)
        references = list(session.exec(select(Complaint.reference).where(Complaint.resident_id == resident_id)))
        for complaint in session.exec(select(Complaint).where(col(Complaint.reference).in_(references))):
            complaint.text, complaint.desired_outcome = REMOVED, ""
            session.add(complaint)
        _blank(session, references)
        session.commit()
    audit(engine, "resident_anonymised", username=resident_id, actor=actor, detail=f"{len(references)} case(s)")
    return len(references)


def _blank(session: Session, references: list[str]) -> None:
    """Every free-text row of these cases: words replaced, photos and personal links removed."""

    def of(model):
        return session.exec(select(model).where(col(model.reference).in_(references)))

    for model, fields in (
        (ResidentNote, ("text",)),
        (StaffReason, ("text",)),
        (Adjustment, ("details",)),
        (Restriction, ("reasons", "scope")),
        (OutstandingAction, ("description",)),
        (Remedy, ("description",)),
    ):
        for row in of(model):
            for name in fields:
                setattr(row, name, REMOVED)
            session.add(row)
    for definition in of(Definition):
        definition.points = [REMOVED for _ in definition.points]
        session.add(definition)
    for letter in of(Letter):
        letter.content, letter.html, letter.pdf = {}, REMOVED, None
        session.add(letter)
    for draft in of(LetterDraft):  # a letter drafted for a command the workflow never applied
        draft.content = {}
        session.add(draft)
    for message in of(ResidentMessage):
        message.name, message.address, message.body = REMOVED, "", ""
        session.add(message)
    attachments = [a.id for a in of(Attachment)]
    if attachments:
        session.exec(delete(AttachmentContent).where(col(AttachmentContent.attachment_id).in_(attachments)))
        for attachment in of(Attachment):
            attachment.filename = REMOVED
            session.add(attachment)
    session.exec(delete(ResidentLink).where(col(ResidentLink.reference).in_(references)))
