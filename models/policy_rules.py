"""The rules a policy profile is made of: notice rungs, each stage's timescales and extensions, the informal
pre-stage, the complaint window, exclusion grounds, scope, other bodies, Ombudsman access and remedies.

Frozen pydantic models that refuse unknown keys and travel in Temporal payloads (see `models/policy.py`,
which assembles them into a `PolicyProfile` and loads the files); each docstring cites the Code section it
encodes or departs from.
"""

import re
from calendar import monthrange
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

NoticeRecipient = Literal["handler", "complaints_manager", "head_of_service", "stage2_reviewer"]
"""Who a notice ladder can name: the case's handler, and teams by their role (the head of service has no
account role: `NOTICE_ADDRESSES` gives each team's address). Account roles are `accounts.users.Role`."""
NoticeKind = Literal["due_soon", "overdue", "escalated"]
ClockStart = Literal["receipt", "logging", "acknowledgement"]
ExtensionBeyondLimit = Literal[
    "never",
    "good_reason",
    "resident_agreement",
    "good_reason_and_agreement",
    "good_reason_and_agreement_or_ombudsman_details",
]
"""What lets an extension go past a stage's normal limit (`extension_max_working_days`):

- `never`: nothing; the limit is a hard one (Wolverhampton Homes §7.1/§7.2: "Any extension will not be longer
  than 10 working days").
- `good_reason`: a good reason, explained to the resident (Code 6.4/6.15: "no more than 10 [20] working days
  without good reason, and the reason(s) must be clearly explained to the resident").
- `resident_agreement`: the resident's agreement, no reason asked (Together Housing §5.5/§5.6: "or longer only
  with the resident's agreement").
- `good_reason_and_agreement`: both (Wrekin §7.5: "only ... in exceptional circumstances and with the express
  agreement of the complainant").
- `good_reason_and_agreement_or_ombudsman_details`: a good reason, and the resident's agreement or, where it
  cannot be reached, the Ombudsman's contact details so they can challenge the plan (Greatwell §2.3/§2.4).
"""
OmbudsmanDetailsOnExtension = Literal["every_extension", "when_agreement_not_reached"]
"""When the landlord's document gives the Ombudsman's contact details with an extension: with every one
(Code 6.5/6.16), or only where agreement over the extension cannot be reached (Greatwell §2.3/§2.4)."""
CodeGround = Literal["older_than_window", "legal_proceedings", "previously_considered"]
"""The three exclusions Code 2.2 names as acceptable, by the slug every profile uses for them."""
CODE_GROUNDS: tuple[str, ...] = ("older_than_window", "legal_proceedings", "previously_considered")
WindowCount = Literal["issue_or_awareness", "issue"]
"""What the complaint window is counted from: the later of the issue occurring and the resident becoming aware
of it (Code 2.3), or the issue (event) only."""
OtherBodyName = Literal["local_government_and_social_care_ombudsman", "financial_ombudsman_service"]
ResponseLetter = Literal["stage1_response", "stage2_response"]
DayKind = Literal["working_days", "calendar_days"]
"""How a count of days is read: working days (the Code's unit throughout) or calendar days."""

TAG = r"^[a-z][a-z0-9_]*$"
"""An exclusion ground or window exception: a lowercase snake_case slug (`legal_proceedings`)."""


def unique_values(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"must not repeat an entry: {', '.join(repeated)}")
    return values


Recipients = Annotated[tuple[NoticeRecipient, ...], Field(min_length=1), AfterValidator(unique_values)]
"""A rung's recipients (working-day and hourly ladders alike): at least one, each named once."""


def tag_values(values: tuple[str, ...]) -> tuple[str, ...]:
    bad = [value for value in values if not re.fullmatch(TAG, value)]
    if bad:
        raise ValueError(f"entries must be lowercase snake_case slugs (e.g. 'legal_proceedings'), got {bad[0]!r}")
    return unique_values(values)


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NoticeRung(Rule):
    """One rung of the notice ladder: who hears about an open deadline, and when."""

    kind: NoticeKind
    working_days: int = Field(ge=-20, le=20)
    """Negative: working days before the due date; 0: on it; positive: after it."""
    at: Literal["start_of_day", "end_of_day"]
    """start_of_day: 09:00 Europe/London on that working day; end_of_day: the deadline instant (end of that
    date, Europe/London)."""
    recipients: Recipients

    @model_validator(mode="after")
    def _kind_matches_timing(self) -> "NoticeRung":
        if self.kind == "due_soon" and self.working_days >= 0:
            raise ValueError(f"a due_soon rung fires before the due date: working_days must be negative, got {self.working_days}")
        if self.kind == "overdue" and (self.working_days, self.at) != (0, "end_of_day"):
            raise ValueError("the overdue rung fires at the deadline: working_days = 0 and at = 'end_of_day'")
        if self.kind == "escalated" and self.working_days <= 0:
            raise ValueError(
                f"an escalated rung fires after the due date: working_days must be positive, got {self.working_days}"
            )
        return self


class StageRules(Rule):
    """The timescales of one formal stage (Code 6.2-6.5 for stage 1, 6.11-6.16 for stage 2).

    Extensions: up to `extension_max_working_days` in all, an extension needs a reason (always), the resident's
    agreement where `extension_requires_agreement`, and a good reason where `extension_requires_good_reason`.
    Past that limit, `extension_beyond_limit` says what permits it; `extension_absolute_max_working_days` caps
    even that. `extension_missing` applies all of it in one place."""

    acknowledge_working_days: int = Field(ge=1, le=30)
    respond_working_days: int = Field(ge=1, le=60)
    respond_from: ClockStart
    """What the response clock counts from: the complaint's (or stage-2 request's) receipt, its logging,
    or its acknowledgement (the Code's choice)."""
    extension_max_working_days: int = Field(ge=0, le=60)
    """The normal limit: total extension allowed at this stage without what `extension_beyond_limit` asks
    (Code 6.4: 10 working days at stage 1; 6.15: 20 at stage 2)."""
    extension_requires_agreement: bool
    """The resident must agree to any extension, even within the normal limit (the Code only requires them to be
    informed, 6.4/6.15)."""
    extension_requires_good_reason: bool = False
    """Any extension, even within the normal limit, needs a good reason (Wrekin §7.5: "only ... in exceptional
    circumstances"); the Code asks for one only past the limit (6.4/6.15)."""
    extension_beyond_limit: ExtensionBeyondLimit = "never"
    """What permits an extension past the normal limit (see `ExtensionBeyondLimit`); the Code's is `good_reason`
    (6.4/6.15). Default `never`: the rule every profile had before this field existed."""
    extension_absolute_max_working_days: int | None = Field(default=None, ge=1, le=120)
    """A cap on the total extension even past the normal limit; None = no cap (the Code sets none)."""
    extension_ombudsman_details: OmbudsmanDetailsOnExtension = "every_extension"
    """When the landlord's document gives the Ombudsman's contact details with an extension (Code 6.5/6.16:
    with every one). `policy check` reports a document that gives them less often."""
    extension_ombudsman_details_required: bool = True
    """What the system enforces: the Ombudsman's details go with every extension (Code 6.5/6.16), whatever
    the document says (the Code wins; `extension_ombudsman_details` records the document). Always true."""
    extension_contact_days: int | None = Field(default=None, ge=1, le=60)
    """The resident must be contacted about an extension (reasons, agreement, new date) within this many days
    (`extension_contact_day_kind`) of `extension_contact_from` (Wolverhampton Homes §7.1: "within 10 days of the
    complaint being received", §7.2: 20); None = no deadline of its own (the Code's: decide and inform the
    resident before the response is due, 6.4/6.15)."""
    extension_contact_day_kind: DayKind = "working_days"
    """How `extension_contact_days` counts: working days, or calendar days where the document says "days" beside
    "working days" elsewhere (Wolverhampton §7.1/§7.2)."""
    extension_contact_from: ClockStart = "receipt"
    """What `extension_contact_days` counts from."""

    @field_validator("extension_ombudsman_details_required")
    @classmethod
    def _details_always_given(cls, required: bool) -> bool:
        if not required:
            raise ValueError(
                "must be true: the Ombudsman's details go with every extension (Code 6.5/6.16 win over the policy); "
                "record what the document says in extension_ombudsman_details"
            )
        return required

    @model_validator(mode="after")
    def _extension_rules_agree(self) -> "StageRules":
        cap = self.extension_absolute_max_working_days
        if cap is not None and self.extension_beyond_limit == "never":
            raise ValueError("extension_absolute_max_working_days: set only when extension_beyond_limit is not 'never'")
        if cap is not None and cap <= self.extension_max_working_days:
            raise ValueError(
                f"extension_absolute_max_working_days: must be more than extension_max_working_days "
                f"({self.extension_max_working_days}), got {cap}"
            )
        if self.extension_contact_days is None and (
            self.extension_contact_day_kind != "working_days" or self.extension_contact_from != "receipt"
        ):
            raise ValueError("extension_contact_day_kind and extension_contact_from: set only with extension_contact_days")
        if self.extension_beyond_limit == "good_reason_and_agreement_or_ombudsman_details" and (
            self.extension_ombudsman_details != "when_agreement_not_reached"
        ):
            raise ValueError(
                "extension_ombudsman_details: must be 'when_agreement_not_reached' with extension_beyond_limit "
                "'good_reason_and_agreement_or_ombudsman_details' (the details stand in for the agreement)"
            )
        return self

    def extension_missing(
        self,
        total_working_days: int,
        *,
        agreed_with_resident: bool,
        good_reason: str | None,
        ombudsman_details_given: bool,
    ) -> list[str]:
        """What an extension bringing this stage's total to `total_working_days` still needs under this profile,
        in words for a refusal (empty: allowed). Pure, so the workflow may call it."""
        reason = bool(good_reason and good_reason.strip())
        limit, cap = self.extension_max_working_days, self.extension_absolute_max_working_days
        missing = []
        if not ombudsman_details_given:
            missing.append("the Ombudsman's contact details given to the resident (Code 6.5/6.16)")
        if self.extension_requires_agreement and not agreed_with_resident:
            missing.append("the resident's agreement")
        if self.extension_requires_good_reason and not reason:
            missing.append("a good reason")
        if total_working_days <= limit:
            return missing
        if self.extension_beyond_limit == "never":
            return [f"nothing permits more than {limit} working days in all at this stage"]
        if cap is not None and total_working_days > cap:
            return [f"nothing permits more than {cap} working days in all at this stage"]
        beyond = self.extension_beyond_limit
        if "good_reason" in beyond and not reason and "a good reason" not in missing:
            missing.append(f"a good reason to go past {limit} working days")
        if beyond == "good_reason_and_agreement_or_ombudsman_details":
            if not (agreed_with_resident or ombudsman_details_given):
                missing.append("the resident's agreement or, failing it, the Ombudsman's contact details")
        elif beyond in ("resident_agreement", "good_reason_and_agreement") and not agreed_with_resident:
            if "the resident's agreement" not in missing:
                missing.append(f"the resident's agreement to go past {limit} working days")
        return missing


class PreStage(Rule):
    """An informal stage before stage 1 (non-compliant with Code 5.2, but in some landlords' policies)."""

    name: str = Field(min_length=1, max_length=60)
    resolve_working_days: int = Field(ge=1, le=30)
    applies: Literal["always", "optional"]
    """always: every complaint starts there (THA triages all through Get It Sorted); optional: only when
    the matter can be resolved quickly (Greatwell's "concern")."""
    when_unresolved: Literal["log_stage1", "notify"] = "notify"
    """What happens when `resolve_working_days` pass unresolved. `log_stage1`: the concern becomes a logged
    stage-1 complaint by itself, its stage-1 clocks counted from that logging (Greatwell §2.2: "they must
    advise the Complaints Resolution Officer who will formally log and acknowledge ... as a formal stage 1
    complaint"). `notify`: the notice ladder's overdue notices go out and the case waits (Together's Get It
    Sorted says no more). Either way Code 5.2 wants no such stage, so `policy check` flags it."""


class ComplaintWindow(Rule):
    months: int = Field(ge=1, le=120)
    """Complaints about issues older than this are flagged for an exclusion decision."""
    exceptions: tuple[str, ...] = ()
    """Reasons the policy names for accepting an older issue anyway (`safeguarding`, `recurring_issue`)."""

    counted_from: WindowCount = "issue_or_awareness"
    """Code 2.3 counts the window from "the issue occurring or the resident becoming aware of the issue"
    (`issue_or_awareness`); a policy counting from the event only (`issue`: Together §2.4, Wolverhampton §4.1)
    is narrower and `policy check` reports it."""
    older_reports_as_background: bool = False
    """Where a problem recurs, older reports are considered as background to an in-window complaint (Wrekin
    §3.3, Greatwell §2.3 note). Background, not an exception: it admits no complaint older than the window."""

    @field_validator("exceptions")
    @classmethod
    def _exceptions_are_tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tag_values(values)

    def is_outside(self, issue_date: date, received_on: date, aware_on: date | None = None) -> bool:
        """Whether an issue from `issue_date` is older than the window when complained of on `received_on`.
        Under `issue_or_awareness` (Code 2.3) the window runs from the later of `issue_date` and `aware_on`
        (when the resident became aware of it); under `issue` from `issue_date` only."""
        months = received_on.year * 12 + received_on.month - 1 - self.months
        year, month = divmod(months, 12)
        earliest = date(year, month + 1, min(received_on.day, monthrange(year, month + 1)[1]))
        start = issue_date
        if self.counted_from == "issue_or_awareness" and aware_on is not None:
            start = max(issue_date, aware_on)
        return start < earliest


class ExclusionRule(Rule):
    """What an exclusion ground says beyond its name (`[exclusion_rules.<ground>]` in a profile)."""

    widens: CodeGround | None = None
    """The Code 2.2 exclusion this ground stretches past the Code's definition (Wrekin's `insurance_claim` and
    Wolverhampton's `pre_action_protocol` widen `legal_proceedings`, which Code 2.2 defines as the claim
    "having been filed at court"). `policy check` reports it as broader than Code 2.2."""
    exceptions: tuple[str, ...] = ()
    """When the ground does not apply, as slugs (Wrekin §3.3 `previously_considered`: "unless there is new
    evidence" is `new_evidence`)."""
    refuses_escalation: bool = False
    """The ground refuses to escalate the complaint to the next stage rather than refusing the complaint
    (Together §5.4); Code 5.11 allows that only for valid reasons under section 2."""
    restricts_contact: bool = False
    """The ground is a restriction for unacceptable behaviour: the complaint may be suspended or its escalation
    refused (Together §8.4: "the complaint may be suspended, or escalation refused"). Code 5.14/5.15 allow
    restrictions only with evidenced reasons, proportionate, and kept under regular review."""

    @field_validator("exceptions")
    @classmethod
    def _exceptions_are_tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tag_values(values)

    @model_validator(mode="after")
    def _says_something(self) -> "ExclusionRule":
        if self.widens is None and not self.exceptions and not self.refuses_escalation and not self.restricts_contact:
            raise ValueError(
                "must set widens, exceptions, refuses_escalation or restricts_contact (otherwise leave the ground out)"
            )
        return self


class Scope(Rule):
    """Who may use the complaints policy, where the document limits it (Code 1.2 sets no such limit)."""

    former_residents_within_months: int | None = Field(default=None, ge=1, le=120)
    """Former residents may complain only within this many months of their tenancy or service ending (Wrekin
    §3.1: 12); None = no limit."""


class OtherBody(Rule):
    """Another body a resident is told of (`[[other_bodies]]`): letters are someone else's; this says who,
    for which complaints, and in which letters."""

    body: OtherBodyName
    applies_to: str = Field(pattern=TAG)
    """Which complaints, as a slug (`adult_social_care`, `debt_advice`, `where_appropriate`)."""
    told_in: tuple[ResponseLetter, ...] = Field(min_length=1)
    """The letters that give its details."""

    @field_validator("told_in")
    @classmethod
    def _told_in_unique(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return unique_values(values)


class OmbudsmanAccess(Rule):
    designated_person_route: bool
    """The policy still sends residents via a designated person (MP, councillor, tenant panel): out of
    date since the Building Safety Act 2022 removed the 'democratic filter' (from 1 October 2023)."""
    wait_weeks_after_final_response: int = Field(ge=0, le=52)
    """Weeks the policy tells residents to wait after the final response; 0 = straight to the Ombudsman."""


class Remedies(Rule):
    """The landlord's compensation approach (Code 7.1-7.4): which kinds of financial remedy its policy names,
    and whether compensation may be offset against money the resident owes."""

    compensation_types: tuple[str, ...] = ("financial_loss", "distress_and_inconvenience", "time_and_trouble")
    """The compensation a response may offer under this policy, as slugs; the default is the Code's (7.1
    "providing a financial remedy", weighed by the Ombudsman's remedies guidance, 7.4)."""
    offset_against_arrears: bool = False
    """Compensation may be set against rent arrears or other balances owed (Wolverhampton Homes §13.3)."""

    @field_validator("compensation_types")
    @classmethod
    def _types_are_tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if not values:
            raise ValueError("must name at least one kind of compensation")
        return tag_values(values)
