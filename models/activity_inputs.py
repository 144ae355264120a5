"""What the workflows hand their activities: which policy version or calendar years to load, which letter
to issue, which notice to deliver. References, dates and staff usernames only (DESIGN.md principle 5)."""

from datetime import date

from models.case import NoticeView, Payload, Region, StaffName


class PolicyRequest(Payload):
    policy_id: str
    version: int


class CalendarRequest(Payload):
    landlord: str
    region: Region
    first_year: int
    last_year: int


class IssueLetter(Payload):
    """Issue the letter drafted for a command the workflow has just applied (workflows/side_effects.py):
    which case and command, the event that applied it, and the dates the letter states. No personal data."""

    reference: str
    command_id: str
    seq: int
    stage: int
    response_due: date | None = None


class IssueHazardSummary(Payload):
    """Issue the reg 9 written summary once the hazard's workflow applied `hazard_summary_sent`
    (workflows/hazard.py): which hazard and command, and the username of who recorded it (who signs it)."""

    reference: str
    command_id: str
    actor: StaffName | None = None


class NoticeDelivery(Payload):
    reference: str
    landlord: str
    handler: StaffName | None
    notice: NoticeView

    @property
    def idempotency_key(self) -> str:
        """Case, deadline, kind and due date: a retry or a replay never sends twice (DESIGN.md)."""
        n = self.notice
        return f"{self.reference}|{n.deadline}|{n.kind}|{n.due.isoformat()}"
