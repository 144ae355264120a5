"""Delivering deadline notices: an outbox row keyed by (case, deadline, kind, due date), then email.

Exactly once per notice: the row is written once (a retried activity or a replayed workflow finds it),
mail goes out only while the row is not yet marked sent, and the idempotency key is the message's
Message-ID, so even the one unavoidable gap (SMTP accepted the message, the worker died before
marking the row) shows up as the same message twice, which mail clients fold into one.

While the SMTP server is down or answers "try later" (4xx), the activity raises and Temporal retries
it with backoff; the case's other work goes on (the workflow delivers notices beside its deadline
loop). A permanent refusal (5xx), or a message that cannot be written at all, marks the row `failed`
with the reason for the runbook (docs/operations.md, "A deadline notice did not arrive") and is never retried.

Notices go only to active staff accounts and the configured role mailboxes: a case's handler that is
not an active account (a leaver, or a name no account has) is replaced by the complaints manager, and
the row says so.
"""

import logging
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.activity_inputs import NoticeDelivery
from models.due import deadline_words
from models.presentation import date_and_time, long_date
from models.record import Complaint, Resident
from models.settings import Settings
from models.tables import Notice
from accounts.users import StaffUser

log = logging.getLogger("complaints.notices")


class NoticeActivities:
    def __init__(self, engine: Engine, settings: Settings | None = None):
        """`settings` with an SMTP_HOST turns mail on; without, notices stay in the outbox table."""
        self._engine = engine
        self._settings = settings if settings is not None and settings.smtp_host else None

    @activity.defn(name="deliver_notice")
    def deliver_notice(self, delivery: NoticeDelivery) -> bool:
        """Queue the notice once and mail it once; returns False when an earlier attempt had done it."""
        queued_now = self._queue(delivery)
        if self._settings is None:
            self._log(delivery, "queued" if queued_now else "already queued")
            return queued_now
        with Session(self._engine) as session:
            row = session.get_one(Notice, delivery.idempotency_key)  # _queue wrote it
            if row.status in ("sent", "failed"):
                return False
            row.attempts += 1
            try:
                handler = active_handler(session, delivery.handler)
                account = session.get(StaffUser, handler) if handler else None
                message = notice_email(
                    self._settings,
                    delivery,
                    handler,
                    resident_name(session, delivery.reference),
                    account.email if account is not None else "",
                )
            except (ValueError, KeyError, TypeError) as error:  # a message that can never be written
                row.status, row.last_error = "failed", f"the message could not be written: {error}"[:500]
                session.add(row)
                session.commit()
                log.error("notice %s failed for good: %s", delivery.idempotency_key, row.last_error)
                return False
            try:
                send_mail(self._settings, message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as refusal:
                code = smtp_code(refusal)
                row.last_error = f"SMTP {code}: {refusal}"[:500]
                if code is not None and code >= 500:
                    row.status = "failed"
                    session.add(row)
                    session.commit()
                    log.error("notice %s refused for good: %s", delivery.idempotency_key, row.last_error)
                    return False
                session.add(row)
                session.commit()
                raise ApplicationError(f"SMTP refused for now, will retry: {row.last_error}", type="SmtpTemporary") from None
            except OSError as error:
                row.last_error = f"SMTP {self._settings.smtp_host}:{self._settings.smtp_port} unreachable: {error}"[:500]
                session.add(row)
                session.commit()
                raise ApplicationError(row.last_error, type="SmtpUnavailable") from None
            row.status, row.sent_at, row.last_error = "sent", datetime.now(timezone.utc), ""
            session.add(row)
            session.commit()
        self._log(delivery, "mailed")
        return True

    def _queue(self, delivery: NoticeDelivery) -> bool:
        """Write the outbox row unless it is there (a concurrent attempt may win); True when this call wrote it."""
        notice = delivery.notice
        with Session(self._engine) as session:
            if session.get(Notice, delivery.idempotency_key) is not None:
                return False
            session.add(
                Notice(
                    idempotency_key=delivery.idempotency_key,
                    reference=delivery.reference,
                    landlord=delivery.landlord,
                    deadline=notice.deadline,
                    kind=notice.kind,
                    due=notice.due,
                    at=notice.at,
                    recipients=",".join(notice.recipients),
                )
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                if session.get(Notice, delivery.idempotency_key) is None:
                    raise
                return False
        return True

    @staticmethod
    def _log(delivery: NoticeDelivery, what: str) -> None:
        notice = delivery.notice
        log.info(
            "notice %s for %s %s (due %s) to %s: %s",
            notice.kind,
            delivery.reference,
            notice.deadline,
            notice.due.isoformat(),
            ", ".join(notice.recipients),
            what,
        )


def active_handler(session: Session, handler: str | None) -> str | None:
    """The case's handler if it names an active staff account, else None (the complaints manager is told)."""
    if handler is None:
        return None
    account = session.get(StaffUser, handler)
    return handler if account is not None and account.active else None


KIND_TITLES = {
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "escalated": "Escalated, overdue",
    "resident_added": "New from the resident",
}
RECIPIENT_WORDS = {
    "handler": "the case's handler",
    "complaints_manager": "the complaints manager",
    "head_of_service": "the head of service",
    "stage2_reviewer": "the stage 2 reviewers",
}


def resident_name(session: Session, reference: str) -> str:
    """Whose complaint it is, as the team knows it (the name stays out of the workflow: read here)."""
    complaint = session.get(Complaint, reference)
    resident = session.get(Resident, complaint.resident_id) if complaint is not None and complaint.resident_id else None
    return resident.name if resident is not None else "an anonymous resident"


def notice_email(
    settings: Settings, delivery: NoticeDelivery, handler: str | None, resident: str = "", handler_email: str = ""
) -> EmailMessage:
    """The staff email for one notice, in the team's words: whose complaint, which step at which stage,
    and the dates as people write them (models/presentation.py); a link to the case page.

    `handler` is the case's handler when it is an active staff account (see `active_handler`); their
    account's email address, when given, is used instead of username@STAFF_EMAIL_DOMAIN."""
    notice = delivery.notice
    whose = resident or "an anonymous resident"
    message = EmailMessage(policy=SMTP.clone(max_line_length=998))  # keeps the Message-ID on one line
    message["From"] = settings.notice_from
    message["To"] = ", ".join(
        dict.fromkeys(
            handler_email if role == "handler" and handler and handler_email else settings.mailbox(role, handler)
            for role in notice.recipients
        )
    )
    message["Message-ID"] = f"<{delivery.idempotency_key}@{settings.notice_from.rpartition('@')[2]}>"
    message["X-Complaint-Reference"] = delivery.reference
    if notice.kind == "resident_added":  # not a deadline: the resident's words stay on the case page
        message["Subject"] = f"{KIND_TITLES[notice.kind]}: {whose} added information ({delivery.reference})"
        message.set_content(
            f"{whose[0].upper()}{whose[1:]} added information to complaint {delivery.reference} from their tracking page "
            f"on {date_and_time(notice.at)}.\n\nRead it on the case: {settings.web_base_url}/cases/{delivery.reference}\n"
        )
        return message
    step = deadline_words(notice.deadline)
    message["Subject"] = (
        f"{KIND_TITLES[notice.kind]}: {step[0].lower()}{step[1:]} for {whose}, "
        f"due {long_date(notice.due, weekday=True)} ({delivery.reference})"
    )
    told = [RECIPIENT_WORDS.get(role, role.replace("_", " ")) for role in notice.recipients]
    message.set_content(
        f"{whose[0].upper()}{whose[1:]}'s complaint {delivery.reference} is "
        f"{KIND_TITLES[notice.kind].lower()}.\n\n"
        f"{step} {'was' if notice.kind != 'due_soon' else 'is'} due by the end of {long_date(notice.due, weekday=True)}.\n"
        f"This notice was raised on {date_and_time(notice.at)} for {', '.join(told[:-1]) + ' and ' if len(told) > 1 else ''}{told[-1]}.\n\n"
        f"Open the case: {settings.web_base_url}/cases/{delivery.reference}\n"
    )
    return message


def send_mail(settings: Settings, message: EmailMessage) -> None:
    """One message over SMTP as the settings say (STARTTLS and login when configured); notices and residents'
    letters both go this way."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def smtp_code(refusal: smtplib.SMTPException) -> int | None:
    """The SMTP reply code of a refusal (the lowest, when recipients were refused): 5xx is for good."""
    if isinstance(refusal, smtplib.SMTPRecipientsRefused):
        return min(code for code, _ in refusal.recipients.values())
    return getattr(refusal, "smtp_code", None)
