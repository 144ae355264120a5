"""Payloads that travel through Temporal: the case input, staff and resident commands, and the case view.

No personal data travels here (DESIGN.md principle 5): names, contact details, complaint text,
residents' notes and staff's reasons live in the read model; the workflow carries references, dates,
categories and flags.
"""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from models.refusal import Refusal
from models.taxonomy import ServiceArea

Region = Literal["ENG", "WLS", "SCT", "NIR"]
Outcome = Literal["upheld", "partly_upheld", "not_upheld"]
NoticeKind = Literal["due_soon", "overdue", "escalated", "resident_added"]
"""The ladder's kinds, and `resident_added`: what a resident added from their tracking page (casework/notices.py)."""


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must include a time zone, e.g. 2026-12-18T10:00:00+00:00")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


STAFF_NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,31}$"
"""A staff account's username (accounts/users.py): the only way a person is named in a workflow."""
StaffName = Annotated[str, Field(pattern=STAFF_NAME_PATTERN)]
EARLIEST_RECEIPT = date(2000, 1, 1)
"""No complaint is entered as received before this (the bank-holiday data and the Code are about later years)."""
CLOCK_TOLERANCE = timedelta(minutes=5)
"""How far in the future a receipt, a command's `occurred_at` or a hazard's report may be (clock skew
between staff PCs and the server)."""
PLANNING_HORIZON = timedelta(days=731)
"""How far ahead a promised action or a review may be planned (two years): the calendar always covers it."""


def received_problem(received_at: datetime, now: datetime) -> "Refusal | None":
    """Why a case cannot start from this receipt time: it is in the future or before `EARLIEST_RECEIPT`."""
    earliest = EARLIEST_RECEIPT
    if received_at > now + CLOCK_TOLERANCE:
        return Refusal(
            field="received_at", rule="not_in_future", message="the date the complaint was received must not be in the future"
        )
    if received_at.date() < earliest:
        return Refusal(
            field="received_at",
            rule="received_bounds",
            message=f"the date the complaint was received must be on or after {earliest.isoformat()}",
        )
    return None


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


OUTSIDE_WINDOW = "outside_window"


class CaseInput(Payload):
    """What a ComplaintWorkflow starts from: references, dates, the pinned policy and flags."""

    reference: str = Field(pattern=r"^[A-Z]{2,5}-\d{4}-\d{6}$")
    landlord: str = Field(min_length=1, max_length=64)
    policy_id: str
    policy_version: int = Field(ge=1)
    region: Region = "ENG"
    received_at: AwareDatetime
    category: ServiceArea | None = None
    """The service area complained about, a code of models/taxonomy.py (never free text: principle 5)."""
    flags: tuple[str, ...] = ()
    """`outside_window`: the issue is older than the profile's window; a decision is needed (Code 2.3)."""
    handler: StaffName | None = None
    informal: bool | None = None
    """Start in the profile's informal pre-stage; None follows the profile (THA triages every complaint)."""
    clock_anchored_to_received: bool = False
    """Simulation only: the workflow's business clock reads `received_at` at start (or `reopened_at`)."""
    reopened_from: "CaseView | None" = None
    """The case as its ended run left it, when a late stage-2 request reopens it as a new run of the same
    workflow id (Code 6.10 sets no time limit; DESIGN.md): the new run carries on from it."""
    reopened_at: AwareDatetime | None = None
    """When the request that reopened the case arrived (the business clock of a simulation starts there)."""
    history_events_limit: int | None = Field(default=None, ge=30)
    """Continue as new past this many history events instead of `HISTORY_EVENTS_LIMIT` (never above it: it can
    only lower the bound). None in production; the workflow fuzz sets a small one so that cases continue as
    new in the middle of a command sequence (workflows/continuation.py). In the input, so replay agrees."""


class Command(Payload):
    """Fields every staff or resident command carries.

    `command_id` makes a repeat a no-op (safe retries from the UI). `occurred_at` records when the action
    really happened (a phone acknowledgement logged an hour later); it may not be in the future.
    """

    command_id: str = Field(min_length=1, max_length=100)
    occurred_at: AwareDatetime | None = None
    actor: StaffName | None = None
    on_behalf_of: str | None = Field(default=None, max_length=100)
    """A representative acting for the resident (their reference); only with recorded consent."""


RowRef = Annotated[str, Field(min_length=1, max_length=100)]
"""A key of a case-record row (a definition, a letter) written before the command was sent."""
ItemId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
"""A short id of an outstanding action or a review, unique within the case; used in deadline names."""
ExtensionDays = Annotated[int, Field(ge=1, le=60)]
"""An extension, in working days (the profile's limits then apply: `extension_max_days`)."""
UpdateIntervalDays = Annotated[int, Field(ge=1, le=20)]
"""How often, in working days, the resident hears from us while a response is late (Code 5.9)."""


class Acknowledge(Command):
    definition_ref: RowRef | None = None
    """The complaint definition recorded with the acknowledgement (Code 5.6: required at each stage)."""
    letter_ref: RowRef | None = None
    """A letter drafted for this command (`LetterDraft`): the workflow issues it once the command applies."""


class Extend(Command):
    working_days: ExtensionDays
    reason_ref: RowRef
    """The `StaffReason` row saying why more time is needed; its text never enters history."""
    good_reason_ref: RowRef | None = None
    """Why the response needs longer than the profile's normal limit (Code 6.4 / 6.15: "without good reason")."""
    letter_ref: RowRef | None = None
    agreed_with_resident: bool = False
    """The resident agreed to the extension (Code 6.4 / 6.15). The Ombudsman's details need no flag: the
    extension letter the system writes always gives them (Code 6.5 / 6.16)."""


class PromisedAction(Payload):
    """An action promised in a response, tracked to its target date (Code 6.6)."""

    action_id: ItemId
    target_on: date


class Respond(Command):
    outcome: Outcome
    actions: tuple[PromisedAction, ...] = ()
    letter_ref: RowRef | None = None


class RequestStage2(Command):
    pass


class ResidentInput(Command):
    note_ref: str | None = Field(default=None, max_length=100)
    """Reference to the note held in the read model; the note's text never enters history."""


class Withdraw(Command):
    pass


class Exclude(Command):
    reason_ref: RowRef
    letter_ref: RowRef | None = None
    ground: str | None = Field(default=None, max_length=64)


class Close(Command):
    pass


class LogStage1(Command):
    pass


class Assign(Command):
    """Give the case to a handler; at stage 2, to the reviewer (never the stage-1 handler, Code 6.13)."""

    handler: StaffName


class AddComplaint(Command):
    """A related additional complaint raised before the response joins this case (Code 6.8)."""

    definition_ref: RowRef


class CompleteAction(Command):
    action_id: ItemId


class ScheduleReview(Command):
    """A reasonable adjustment or an unacceptable-behaviour restriction gets a review date (Code 5.14)."""

    review_id: ItemId
    kind: Literal["adjustment", "restriction"]
    review_on: date


class RecordReview(Command):
    review_id: ItemId
    next_review_on: date | None = None


class RecordConsent(Command):
    """The resident's consent for a representative to act for them (Code 1.x, 5.x), or its withdrawal."""

    representative_ref: RowRef
    given: bool = True


class AcceptOutsideWindow(Command):
    """Accept a complaint about an issue older than the policy's window, on a ground it names (Code 2.3)."""

    exception: str = Field(min_length=1, max_length=64)
    reason_ref: RowRef


class AgreeUpdateInterval(Command):
    """How often the resident is kept informed while the response is late (Code 5.9): the first update
    falls due this many working days from today, and each later one as many after the last."""

    working_days: UpdateIntervalDays


class RecordUpdate(Command):
    """The handler has given the resident the update now due (by phone, email or letter)."""


class CalendarChanged(Payload):
    """A closure day or bank holiday changed: the case reloads its calendar. What changed is a kind and
    the days, never the closure's typed reason (that stays on the `ClosureDay` row)."""

    change: Literal["closure_added", "closure_removed", "bank_holidays", "retry"] = "bank_holidays"
    """`retry`: a change an earlier signal could not deliver (Temporal was down), sent again."""
    days: tuple[date, ...] = Field(default=(), max_length=400)


"""Every lifecycle action and its payload type; the Update of the same name takes it."""


class DeadlineView(Payload):
    name: str
    due: date
    met_on: date | None = None
    met: bool | None = None
    provisional: bool = False
    """Shown from the acknowledgement due date until the acknowledgement happens (DESIGN.md)."""
    extended_by: int = 0
    cancelled: bool = False


class NoticeView(Payload):
    kind: NoticeKind
    deadline: str
    due: date
    at: datetime
    recipients: tuple[str, ...]


class EventView(Payload):
    seq: int
    at: datetime
    type: str
    stage: int
    state: str
    details: dict[str, str | int | bool | None] = {}


class CaseView(Payload):
    """The case as the workflow knows it; what the `case` query returns."""

    reference: str
    landlord: str
    policy_id: str
    policy_version: int
    region: Region
    state: str
    stage: int
    handler: str | None
    deadlines: tuple[DeadlineView, ...]
    notices: tuple[NoticeView, ...]
    stage1_handlers: tuple[str, ...] = ()
    """Everyone who handled stage 1 (assigned or responded): none of them may review stage 2."""
    events: tuple[EventView, ...]
    allowed_actions: tuple[str, ...]
    late_stage2_request: bool = False
    rejected_signals: tuple[str, ...] = ()


class CaseSummary(Payload):
    """What a staff action returns: the case after it, without the whole timeline (kept small and fast)."""

    reference: str
    state: str
    stage: int
    deadlines: tuple[DeadlineView, ...]
    allowed_actions: tuple[str, ...]
    late_stage2_request: bool
    last_event: EventView | None


class CaseProjection(Payload):
    """The case summary plus the events not yet written to the read model."""

    case: CaseView
    received_at: datetime
    next_deadline: datetime | None
    overdue: bool


CaseInput.model_rebuild()
