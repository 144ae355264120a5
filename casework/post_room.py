"""The post room's daily batch: every letter and update owed by post, in one PDF to print and send.

Making a batch takes every post message that is ready (queued, and for a letter, its command accepted
by the workflow: `casework.delivery.accepted`), puts their pages in one PDF (each item on new pages, in
large print where the case asks for it) and marks them printed, in one transaction; a message is never
in two batches. A batch already made can be downloaded again without changing anything.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from casework import delivery, letters
from models.letters import Addressee, Landlord
from models.record import Complaint, Letter
from models.residents import PrintBatch, ResidentMessage
from models.policy_versions import load_profile_version


class NothingToPrint(Exception):
    """No post is waiting."""


@dataclass
class BatchSummary:
    id: str
    created_at: datetime
    created_by: str
    items: int


def waiting(engine: Engine) -> list[ResidentMessage]:
    """The post messages the next batch will print, oldest first."""
    with Session(engine) as session:
        rows = session.exec(
            select(ResidentMessage)
            .where(ResidentMessage.channel == "post", ResidentMessage.status == "queued")
            .order_by(col(ResidentMessage.created_at), col(ResidentMessage.id))
        ).all()
        ready = [row for row in rows if delivery.accepted(session, row)]
        session.expunge_all()
    return ready


def _printed_link_slip(session: Session, row: ResidentMessage, letter: Letter, site: str, link_days: int) -> list[str]:
    """After a posted stage-1 acknowledgement, a page with the resident's printed link (the short address,
    reference and a code: decision 170), so that a resident who has letters by post can follow the case."""
    if not site or letter.kind != "acknowledgement" or letter.stage != 1:
        return []
    from casework.residents import printed_link

    words = printed_link(session, row.reference, row.recipient, row.recipient_id, site, link_days)
    return [
        letters.render_update(
            row.reference,
            _landlord(session, row),
            Addressee(name=row.name, address=row.address),
            "Follow your complaint online",
            words,
            row.large_print,
        )
    ]


def _documents(session: Session, row: ResidentMessage, site: str = "", link_days: int = 28) -> list[str]:
    """The documents (HTML) one post message prints: a letter, a representative's covering note and the
    letter, or an update."""
    to = Addressee(name=row.name, address=row.address)
    if row.letter_id is not None:
        letter = session.get_one(Letter, row.letter_id)
        if row.recipient == "resident":
            return [letter.html] + _printed_link_slip(session, row, letter, site, link_days)
        cover = letters.render_update(
            row.reference,
            _landlord(session, row),
            to,
            "A copy of our letter to the resident you represent",
            "The letter that follows is a copy of our letter to the resident you are helping "
            f"with their complaint {row.reference}.",
            row.large_print,
        )
        return [cover, letter.html]
    return [letters.render_update(row.reference, _landlord(session, row), to, row.subject, row.body, row.large_print)]


def _landlord(session: Session, row: ResidentMessage) -> Landlord:
    complaint = session.get_one(Complaint, row.reference)
    return Landlord.from_profile(load_profile_version(complaint.policy_id, complaint.policy_version))


def make_batch(engine: Engine, made_by: str, site: str = "", link_days: int = 28) -> BatchSummary:
    """Print everything waiting into one PDF, mark it printed, and return the batch (NothingToPrint if none).
    With `site` (WEB_BASE_URL), a stage-1 acknowledgement is followed by the resident's printed link."""
    rows = waiting(engine)
    if not rows:
        raise NothingToPrint()
    now = datetime.now(UTC)
    with Session(engine) as session:
        htmls = []
        for row in rows:
            htmls.extend(_documents(session, row, site, link_days))
        batch = PrintBatch(
            id=f"batch-{now:%Y%m%d-%H%M%S}-{uuid4().hex[:6]}",
            created_at=now,
            created_by=made_by,
            items=len(rows),
            pdf=letters.pdf_of_pages(htmls),
        )
        session.add(batch)
        session.flush()
        for row in rows:
            fresh = session.get_one(ResidentMessage, row.id)
            if fresh.status != "queued":  # another batch took it meanwhile: start again
                session.rollback()
                return make_batch(engine, made_by, site, link_days)
            fresh.status, fresh.batch_id, fresh.sent_at = "printed", batch.id, now
            session.add(fresh)
        session.commit()
        return BatchSummary(batch.id, now, made_by, len(rows))


def batches(engine: Engine, limit: int = 30) -> list[BatchSummary]:
    with Session(engine) as session:
        rows = session.exec(
            select(PrintBatch.id, PrintBatch.created_at, PrintBatch.created_by, PrintBatch.items)
            .order_by(col(PrintBatch.created_at).desc())
            .limit(limit)
        ).all()
    return [BatchSummary(*row) for row in rows]


def batch_pdf(engine: Engine, batch_id: str) -> bytes | None:
    with Session(engine) as session:
        batch = session.get(PrintBatch, batch_id)
        return batch.pdf if batch is not None else None
