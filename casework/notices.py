"""Which deadline notices a person should see where they look (the dashboard's "Notices for you"), and
what residents added from their tracking page ("New from residents")."""

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.record import Complaint, Resident
from models.settings import Settings
from models.tables import Case, Notice, ResidentNote

log = logging.getLogger("complaints.notices")
PANEL_ROWS = 10
ROLE_RECIPIENT = {"complaints_manager": "complaints_manager"}
"""Managers see what the ladder sent to the complaints manager; everyone else what went to the
handler of a case assigned to them."""


def notices_for(engine: Engine, username: str, role: str, limit: int = PANEL_ROWS) -> list[Notice]:
    """The newest notices addressed to this person (by role on the ladder), newest first."""
    query = select(Notice).join(Case, col(Case.reference) == Notice.reference)
    if role in ROLE_RECIPIENT:
        query = query.where(col(Notice.recipients).contains(ROLE_RECIPIENT[role]))
    else:
        query = query.where(Case.handler == username, col(Notice.recipients).contains("handler"))
    with Session(engine) as session:
        rows = list(session.exec(query.order_by(col(Notice.at).desc()).limit(limit)))
        session.expunge_all()
    return rows


RESIDENT_NOTE = "note-resident-"
"""The id prefix of what a resident added from their tracking page (`casework.residents.add_information`)."""


def resident_news(engine: Engine, username: str, role: str, limit: int = PANEL_ROWS) -> list[tuple[ResidentNote, str]]:
    """What residents added from their tracking page, newest first, with the resident's name: to a
    handler on their own cases, to a complaints manager on the unassigned ones (issue 26: nobody is told
    otherwise until they open the case)."""
    query = (
        select(ResidentNote, Resident.name)
        .join(Case, col(Case.reference) == ResidentNote.reference)
        .join(Complaint, col(Complaint.reference) == ResidentNote.reference)
        .outerjoin(Resident, col(Resident.id) == Complaint.resident_id)
        .where(col(ResidentNote.id).startswith(RESIDENT_NOTE))
    )
    query = query.where(col(Case.handler).is_(None)) if role == "complaints_manager" else query.where(Case.handler == username)
    with Session(engine) as session:
        rows = [
            (note, name or "An anonymous resident")
            for note, name in session.exec(query.order_by(col(ResidentNote.at).desc()).limit(limit))
        ]
        session.expunge_all()
    return rows


def tell_of_resident_note(engine: Engine, settings: Settings, note: ResidentNote, handler: str | None) -> None:
    """Email the handler (the complaints manager for an unassigned case or a leaver's, by the ladder's one
    recipient rule: `Settings.mailbox`, `activities.notices.active_handler`) that a resident added
    information, through the notices' outbox: one row per note, mailed once. Mail that cannot go now stays
    queued with its reason on the notices page; the resident's note is kept either way."""
    from temporalio.exceptions import ApplicationError

    from activities.notices import NoticeActivities
    from models.calendar import local_date
    from models.activity_inputs import NoticeDelivery
    from models.case import NoticeView

    with Session(engine) as session:
        complaint = session.get(Complaint, note.reference)
    notice = NoticeView(
        kind="resident_added", deadline=f"resident_input.{note.id}", due=local_date(note.at), at=note.at, recipients=("handler",)
    )
    delivery = NoticeDelivery(
        reference=note.reference, landlord=complaint.landlord if complaint else "", handler=handler, notice=notice
    )
    try:
        NoticeActivities(engine, settings).deliver_notice(delivery)
    except ApplicationError as later:  # SMTP down or busy: the row stays queued, saying why
        log.warning("resident note notice for %s not mailed yet: %s", note.reference, later)
