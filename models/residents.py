"""The residents' side of the read model: what is sent to residents (the residents' outbox), the personal
links to the tracking page, photos sent with an online complaint, and the public form's rate limits.

Personal data lives only here and in models/record.py (DESIGN.md principle 5): none of it travels in a
workflow payload. Every row is keyed so that writing it twice writes it once:

- `ResidentMessage` is the residents' outbox. A letter's rows are written in the same transaction as
  the letter (casework/letters.py `store_letter`), keyed (letter, recipient); an update told because
  the workflow recorded an event (a promised action done or missed) is written by the projection
  activity keyed (case, event seq, recipient); the confirmation and link emails by (case, purpose,
  recipient). Its id is the email's Message-ID, so even a message sent again after a crash is the same
  message (casework/resident_mail.py).
- `PrintBatch` is one day's post: one PDF for the post room; its messages are marked printed when it
  is downloaded.
"""

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel


def _utc() -> Column:
    return Column(DateTime(timezone=True))


class ResidentMessage(SQLModel, table=True):
    """One message to one person (the resident, or a representative with consent) by one channel."""

    __table_args__ = (Index("ix_residentmessage_status_channel", "status", "channel"),)

    id: str = Field(primary_key=True, max_length=200)
    """Deterministic: the same letter, event or purpose for the same recipient is the same row."""
    reference: str = Field(index=True, foreign_key="complaint.reference")
    purpose: str
    """letter, confirmation, link, action_done, action_missed, response_late."""
    letter_id: str | None = Field(default=None, foreign_key="letter.id")
    recipient: str
    """resident or representative."""
    recipient_id: str
    name: str = ""
    channel: str
    """email, post, or none (no_contact)."""
    address: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The email address, or the postal address, as it was when the message was queued."""
    subject: str = ""
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    large_print: bool = False
    status: str = "queued"
    """queued: in the outbox (email not yet accepted by the mail server, or post not yet printed);
    sending: a dispatcher has claimed it; sent: the mail server accepted it; failed: refused for good
    (`last_error` says why); printed: in a downloaded print batch; no_contact: the resident has neither an
    email address nor a postal address on file - flagged to the handler on the case page, never skipped."""
    created_at: datetime = Field(sa_column=_utc())
    claimed_at: datetime | None = Field(default=None, sa_column=_utc())
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc())
    sent_at: datetime | None = Field(default=None, sa_column=_utc())
    attempts: int = 0
    last_error: str = ""
    batch_id: str | None = Field(default=None, foreign_key="printbatch.id")


class PrintBatch(SQLModel, table=True):
    """The post room's batch: every letter queued for post until it was made, in one PDF."""

    id: str = Field(primary_key=True)
    created_at: datetime = Field(sa_column=_utc())
    created_by: str
    items: int
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ResidentLink(SQLModel, table=True):
    """A personal link to the tracking page: one case, one person (resident or representative), expiring.

    The link's token (signed with WEB_SECRET, casework/tracking.py) carries this row's id; the row says
    whether it still works. A link is used up when it expires or when the person asks for a new one."""

    id: str = Field(primary_key=True)
    reference: str = Field(index=True, foreign_key="complaint.reference")
    person: str
    """resident or representative."""
    person_id: str = Field(index=True)
    created_at: datetime = Field(sa_column=_utc())
    expires_at: datetime = Field(sa_column=_utc())
    revoked_at: datetime | None = Field(default=None, sa_column=_utc())
    code_hash: str | None = Field(default=None, index=True)
    """A printed link (decision 170): the hash of the short code posted with the reference, so that a
    resident who has letters by post opens the tracking page at /track with the reference and the code."""


class AttachmentContent(SQLModel, table=True):
    """The bytes of an attachment (a photo sent with an online complaint), kept with the record."""

    attachment_id: str = Field(primary_key=True, foreign_key="attachment.id")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PublicRateLimit(SQLModel, table=True):
    """Requests from the public pages per key (client address or email address) in a fixed window."""

    key: str = Field(primary_key=True, max_length=200)
    window_start: datetime = Field(sa_column=_utc())
    count: int = 0
