"""What the workflow's side effects need in the read model: the command ledger and letter drafts.

A staff command's id is scoped to its case (`CaseCommand`, keyed by reference and command id): a repeat
is the same action with the same details, anything else under that id is a conflict. A letter is
drafted by the process taking the action (`LetterDraft`) before the workflow sees the command, and
issued only by the workflow's `issue_letter` activity once the command has applied (decision 130).
"""

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel


def _utc() -> Column:
    return Column(DateTime(timezone=True))


class CaseCommand(SQLModel, table=True):
    """One staff command taken on a case: its action and a fingerprint of what was typed."""

    reference: str = Field(primary_key=True)
    command_id: str = Field(primary_key=True)
    action: str
    fingerprint: str
    recorded_at: datetime = Field(sa_column=_utc())


class LetterDraft(SQLModel, table=True):
    """The letter a command will issue if the workflow applies it. Personal data: never in history.

    `kind` is `decision` (a response or exclusion letter, complete in `content`) or `acknowledge` /
    `extend` (a notice letter, finished with the dates the workflow set: `content` holds the form,
    the signatory, the stage and the response date before the command)."""

    reference: str = Field(primary_key=True)
    command_id: str = Field(primary_key=True)
    kind: str
    content: dict = Field(default_factory=dict, sa_column=Column(JSON))
    drafted_at: datetime = Field(sa_column=_utc())
    letter_id: str | None = None
    """The issued letter, once the workflow's activity has issued it."""
