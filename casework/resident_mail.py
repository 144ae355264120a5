"""Sending the residents' outbox: letters (the PDF attached) and updates by email, exactly once.

A letter's email is first mailed by the workflow's `mail_letter` activity (`deliver_letter`, decision 130);
this small dispatcher in the worker process (decision 49) mails the updates events owe the resident
(`casework.delivery.tell_of_events`) and anything an activity left waiting. The outbox row
(models/residents.py `ResidentMessage`) is written in the same transaction as the letter, so a stored
letter always has its deliveries owed; both paths claim a row before mailing it.

Exactly once: a row is claimed by a conditional update (one dispatcher wins, however many workers run),
mailed, then marked sent; a sent row is never mailed again. The row's id is the Message-ID, so the one
unavoidable gap (the mail server accepted it, the worker died before marking the row; the claim goes
stale after CLAIM_STALE and the row is mailed again) is the same message twice, which mail clients fold
into one - the notices' rule (activities/notices.py). A letter's message waits until the workflow has
accepted the command that issued it (`casework.delivery.accepted`); letters are issued only then anyway.

While the mail server is down or says "try later" (4xx) the row goes back to the queue with a growing
wait; a permanent refusal (5xx) marks it failed with the reason, shown on the case page. Without
SMTP_HOST nothing is mailed and the rows stay queued (shown as waiting on the case page).
"""

import asyncio
import hashlib
import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from casework import delivery, next_steps, tracking
from activities.notices import send_mail, smtp_code
from models.letterhead import resident_facing_name
from models.record import Complaint, Letter
from models.residents import ResidentMessage
from models.settings import Settings

log = logging.getLogger("complaints.resident_mail")

CLAIM_STALE = timedelta(minutes=10)
"""A claim older than this belongs to a dispatcher that died: the row may be taken again."""
MAX_WAIT = timedelta(hours=1)


class ResidentMailer:
    def __init__(self, engine: Engine, settings: Settings):
        self._engine = engine
        self._settings = settings

    def deliver_due(self, limit: int = 50, now: datetime | None = None) -> int:
        """Mail every queued email message whose time has come; returns how many were sent now."""
        if not self._settings.smtp_host:
            return 0
        now = now or datetime.now(UTC)
        with Session(self._engine) as session:
            due = session.exec(
                select(ResidentMessage)
                .where(ResidentMessage.channel == "email", col(ResidentMessage.status).in_(("queued", "sending")))
                .order_by(col(ResidentMessage.created_at))
                .limit(limit * 4)
            ).all()
            ready = [row.id for row in due if delivery.accepted(session, row)][:limit]
        return sum(1 for row_id in ready if self._deliver(row_id, now))

    def deliver_letter(self, letter_id: str, now: datetime | None = None) -> int:
        """Mail a letter's queued email messages now (the workflow's `mail_letter` activity); returns how many
        are still waiting (the mail server said "later"), so that Temporal retries the activity."""
        if not self._settings.smtp_host:
            return 0
        now = now or datetime.now(UTC)
        for row_id in self._waiting(letter_id):
            self._deliver(row_id, now)
        return len(self._waiting(letter_id))

    def _waiting(self, letter_id: str) -> list[str]:
        """The letter's email messages not yet sent (queued, or claimed by a delivery that has not finished)."""
        with Session(self._engine) as session:
            return list(
                session.exec(
                    select(ResidentMessage.id).where(
                        ResidentMessage.letter_id == letter_id,
                        ResidentMessage.channel == "email",
                        col(ResidentMessage.status).in_(("queued", "sending")),
                    )
                ).all()
            )

    def _claim(self, row_id: str, now: datetime) -> bool:
        with self._engine.begin() as connection:
            claimed = connection.execute(
                update(ResidentMessage)
                .where(
                    col(ResidentMessage.id) == row_id,
                    or_(
                        (col(ResidentMessage.status) == "queued")
                        & or_(col(ResidentMessage.next_attempt_at).is_(None), col(ResidentMessage.next_attempt_at) <= now),
                        (col(ResidentMessage.status) == "sending") & (col(ResidentMessage.claimed_at) < now - CLAIM_STALE),
                    ),
                )
                .values(status="sending", claimed_at=now, attempts=ResidentMessage.attempts + 1)
            )
            return claimed.rowcount == 1

    def _deliver(self, row_id: str, now: datetime) -> bool:
        if not self._claim(row_id, now):
            return False
        settings = self._settings
        with Session(self._engine) as session:
            row = session.get_one(ResidentMessage, row_id)  # just claimed
            try:
                message = resident_email(session, settings, row)
                session.commit()  # the link the message carries
            except (ValueError, KeyError, TypeError, LookupError) as error:
                self._settle(session, row, "failed", f"the message could not be written: {error}")
                return False
            try:
                send_mail(settings, message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as refusal:
                code = smtp_code(refusal)
                if code is not None and code >= 500:
                    self._settle(session, row, "failed", f"SMTP {code}: {refusal}")
                    return False
                self._retry(session, row, now, f"SMTP refused for now, will retry: {refusal}")
                return False
            except (OSError, smtplib.SMTPException) as error:
                self._retry(session, row, now, f"SMTP {settings.smtp_host}:{settings.smtp_port} unreachable: {error}")
                return False
            row.sent_at = datetime.now(UTC)
            self._settle(session, row, "sent", "")
        log.info("resident message %s mailed", row_id)
        return True

    @staticmethod
    def _settle(session: Session, row: ResidentMessage, status: str, error: str) -> None:
        row.status, row.last_error, row.claimed_at = status, error[:500], None
        session.add(row)
        session.commit()
        if status == "failed":
            log.error("resident message %s failed for good: %s", row.id, row.last_error)

    @staticmethod
    def _retry(session: Session, row: ResidentMessage, now: datetime, error: str) -> None:
        wait = min(timedelta(seconds=30 * 2 ** min(row.attempts, 10)), MAX_WAIT)
        row.next_attempt_at = now + wait
        ResidentMailer._settle(session, row, "queued", error)
        log.warning("resident message %s will be retried in %s: %s", row.id, wait, error)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver forever (every RESIDENT_MAIL_INTERVAL_SECONDS) until `stop` is set; never raises."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.deliver_due)
            except Exception:  # a database hiccup: log it and try again next round
                log.exception("resident mail dispatch failed; trying again")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self._settings.resident_mail_interval_seconds)
            except TimeoutError:
                pass


def tracking_url(session: Session, settings: Settings, row: ResidentMessage) -> str:
    """The personal link this message carries (its own link row, reused if the message is sent again)."""
    link_id = hashlib.sha256(f"link|{row.id}".encode()).hexdigest()[:32]
    token = tracking.issue_link(
        session,
        settings.web_secret,
        row.reference,
        row.recipient,
        row.recipient_id,
        days=settings.resident_link_days,
        link_id=link_id,
    )
    return f"{settings.web_base_url.rstrip('/')}/track/{token}"


def resident_email(session: Session, settings: Settings, row: ResidentMessage) -> EmailMessage:
    """The email to a resident or representative: plain words, the personal link, the letter attached."""
    complaint = session.get_one(Complaint, row.reference)
    landlord = resident_facing_name(complaint.policy_id)
    message = EmailMessage(policy=SMTP.clone(max_line_length=998))
    message["From"] = formataddr((f"{landlord} complaints", settings.notice_from))
    message["To"] = formataddr((row.name, row.address))
    message["Subject"] = f"Your complaint {row.reference}: {row.subject}"
    message["Message-ID"] = f"<{row.id}@{settings.notice_from.rpartition('@')[2]}>"
    message["X-Complaint-Reference"] = row.reference
    url = tracking_url(session, settings, row)
    whose = "your complaint" if row.recipient == "resident" else "the complaint you are helping with"
    message.set_content(
        f"Dear {row.name},\n\n{row.body}\n\n"
        f"{next_steps.link_sentence(session, row.reference, whose, row.body)}\n{url}\n\n"
        f"The link is only for you: please do not share it. It works for {settings.resident_link_days} days. "
        f"If it has stopped working, you can ask for a new one on the same page.\n\n"
        f"Your reference is {row.reference}. Please quote it if you contact us.\n\n"
        f"{landlord} complaints team\n"
    )
    if row.letter_id is not None:
        letter = session.get(Letter, row.letter_id)
        if letter is None or letter.pdf is None:
            raise LookupError(f"letter {row.letter_id} has no PDF")
        message.add_attachment(
            letter.pdf, maintype="application", subtype="pdf", filename=f"{row.reference}-{letter.kind.replace('_', '-')}.pdf"
        )
    return message
