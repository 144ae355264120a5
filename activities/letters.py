"""The workflow's letter activities: issue the letter a command drafted, then mail it (decision 130).

`issue_letter` runs inside the command's Update, so staff see the letter when the action returns; it is
idempotent (the draft remembers its letter, the letter is keyed by the case-scoped command id, its
deliveries by the outbox key). `mail_letter` runs beside the deadline loop: it mails the letter's queued
emails and fails (so Temporal retries it) while the mail server says "later". The residents' outbox
dispatcher (casework/resident_mail.py) still sends what the events owe and anything left waiting.
"""

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from casework.resident_mail import ResidentMailer
from casework import letter_issue
from models.activity_inputs import IssueLetter
from models.settings import Settings


class LetterActivities:
    def __init__(self, engine: Engine, settings: Settings | None):
        self._engine = engine
        self._mailer = ResidentMailer(engine, settings) if settings is not None else None

    @activity.defn(name="issue_letter")
    def issue_letter(self, request: IssueLetter) -> str | None:
        return letter_issue.issue(self._engine, request)

    @activity.defn(name="mail_letter")
    def mail_letter(self, letter_id: str) -> None:
        if self._mailer is None:  # a simulation: nothing is mailed
            return
        waiting = self._mailer.deliver_letter(letter_id)
        if waiting:
            raise ApplicationError(f"{waiting} message(s) of letter {letter_id} not accepted by the mail server yet")
