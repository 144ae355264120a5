"""The forms staff fill in: one pydantic model per action, checked before anything is written.

The web UI renders a form per allowed action from `ACTION_FORMS`, and the CLI's `act REF ACTION
KEY=VALUE...` is validated by the same models, so a bad value is refused with the same field and rule
wherever it was typed.
"""

import re
from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from casework.errors import CommandRejected
from models.case import PLANNING_HORIZON, ExtensionDays, ItemId, Outcome, UpdateIntervalDays
from models.ombudsman_commands import ChfoReason, ElementCode, OmbudsmanFinding, OrderKind
from models.taxonomy import ROOT_CAUSES, RootCause
from models.policy import PolicyError, PolicyProfile, load_profile
from models.input_text import PlainText
from models.refusal import validation_message
from models.clock import london_today
from models.policy_versions import load_profile_version

Channel = Literal["phone", "email", "letter", "web", "in_person", "via_representative"]
ShortText = Field(min_length=1, max_length=200)
LongText = Field(min_length=1, max_length=10_000)


class Form(PlainText):
    """Every form: unknown fields are refused (a typo is not silently dropped), text is stripped and
    plain (`models/input_text.py`: no control characters, no line break in a one-line field)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AcknowledgeForm(Form):
    points: list[str] = Field(min_length=1, max_length=20, description="The complaint definition: one point per line (Code 5.6).")
    outcomes_sought: str = Field(default="", max_length=2000, description="The outcomes the resident is seeking.")

    @field_validator("points")
    @classmethod
    def _points_said(cls, points: list[str]) -> list[str]:
        points = [p.strip() for p in points if p.strip()]
        if not points:
            raise ValueError("give at least one point of complaint")
        if any(len(p) > 500 for p in points):
            raise ValueError("each point must be at most 500 characters")
        return points


class ExtendForm(Form):
    working_days: ExtensionDays
    reason: str = ShortText
    agreed_with_resident: bool = False
    good_reason: str | None = Field(
        default=None, max_length=500, description="Why more than the policy's normal limit is needed."
    )


class DecisionInput(Form):
    point: int = Field(ge=1, le=40, description="The number of the point in the complaint definition.")
    upheld: bool
    reasons: str = Field(min_length=1, max_length=5000)


class RemedyInput(Form):
    kind: Literal["apology", "action", "compensation"]
    description: str = Field(default="", max_length=1000)
    band: str = Field(default="", max_length=40, validate_default=True)
    """Compensation: the band of the Ombudsman's remedies guidance it is offered in (Code 7.4)."""
    amount_pence: int = Field(default=0, ge=0, le=10_000_000)
    compensation_type: str = Field(default="", max_length=64)
    offset_against_arrears: bool = False
    due_on: date | None = Field(default=None, validate_default=True)
    """By when an action remedy will be done, or compensation paid (Code 7.3): from today and within the
    planning horizon. A compensation offer is a promised payment, tracked like any promised action."""

    @field_validator("band")
    @classmethod
    def _band_chosen(cls, band: str, info: ValidationInfo) -> str:
        from models.remedies_guidance import remedies_guidance

        guidance = remedies_guidance()
        if info.data.get("kind") != "compensation":
            if band:
                raise ValueError("only a compensation remedy has a band")
            return band
        if guidance.band(band) is None:
            raise ValueError(
                "choose the band of the Ombudsman's remedies guidance that fits the impact on the resident: "
                + ", ".join(b.id for b in guidance.bands)
            )
        return band

    @field_validator("amount_pence")
    @classmethod
    def _within_band(cls, amount: int, info: ValidationInfo) -> int:
        from models.remedies_guidance import remedies_guidance

        band = info.data.get("band")
        if info.data.get("kind") != "compensation" or not band:
            return amount
        problem = remedies_guidance().amount_problem(band, amount)
        if problem:
            raise ValueError(problem)
        return amount

    @field_validator("due_on")
    @classmethod
    def _due_bounded(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None and info.data.get("kind") == "compensation":
            raise ValueError("compensation needs the date it will be paid by (Code 7.3: remedies say by when)")
        if value is None:
            return value

        today = london_today()
        if value < today:
            raise ValueError("must be today or later")
        if value > today + PLANNING_HORIZON:
            raise ValueError(f"must be within two years, by {(today + PLANNING_HORIZON):%d %B %Y}")
        return value


class ActionInput(Form):
    description: str = Field(min_length=1, max_length=1000)
    owner: str = Field(min_length=1, max_length=64)
    target_on: date


class RespondForm(Form):
    """The response letter's contents; the letter is checked against Code 6.7/6.9/6.19 before it is sent."""

    outcome: Outcome
    decisions: list[DecisionInput] = Field(default=[], max_length=40)
    remedies: list[RemedyInput] = Field(default=[], max_length=20)
    actions: list[ActionInput] = Field(default=[], max_length=20)
    root_causes: list[RootCause] = Field(default=[], max_length=len(ROOT_CAUSES))
    """Why the complaint happened, as codes (models/taxonomy.py), for the reports' themes (Code 9.x)."""
    learning: str = Field(default="", max_length=5000)
    learning_root_cause: RootCause | None = None
    """The root cause the learning point answers: one of this response's root causes."""

    @field_validator("root_causes")
    @classmethod
    def _causes_once(cls, causes: list[str]) -> list[str]:
        if len(set(causes)) != len(causes):
            raise ValueError("name each root cause once")
        return causes

    @field_validator("learning_root_cause")
    @classmethod
    def _learning_cause_found(cls, cause: str | None, info: ValidationInfo) -> str | None:
        if cause is None:
            return cause
        if not info.data.get("learning"):
            raise ValueError(
                "a root cause is linked to a learning point: write what we have learned, or leave the root cause out"
            )
        if cause not in info.data.get("root_causes", []):
            raise ValueError("must be one of the root causes recorded for this response")
        return cause


class RequestStage2Form(Form):
    """No reasons asked: Code 6.12 says residents need not explain why they want stage 2."""

    on_behalf_of: str | None = Field(default=None, max_length=100)


class ResidentInputForm(Form):
    note: str = LongText
    on_behalf_of: str | None = Field(default=None, max_length=100)


class WithdrawForm(Form):
    on_behalf_of: str | None = Field(default=None, max_length=100)


class ExcludeForm(Form):
    ground: str = Field(min_length=1, max_length=64, description="One of the policy's exclusion grounds (Code 2.2).")
    reason: str = ShortText


class EmptyForm(Form):
    pass


class AssignForm(Form):
    handler: str = Field(min_length=1, max_length=64)


class AddComplaintForm(Form):
    points: list[str] = Field(min_length=1, max_length=20)
    related: bool = True
    """Related and before the response: joins this case (Code 6.8); otherwise a new linked case."""
    text: str = Field(default="", max_length=10_000)


class CompleteActionForm(Form):
    action_id: ItemId


class AdjustmentForm(Form):
    kind: Literal["format", "contact_method", "timing"]
    details: str = ShortText
    review_on: date


class RestrictionForm(Form):
    reasons: str = Field(min_length=1, max_length=2000)
    scope: str = ShortText
    review_on: date


class ReviewForm(Form):
    review_id: ItemId
    next_review_on: date | None = None


class ConsentForm(Form):
    representative_id: str = Field(min_length=1, max_length=100)
    given: bool = True


class UpdateIntervalForm(Form):
    working_days: UpdateIntervalDays
    """Agreed with the resident (Code 5.9): how often they hear from us while the response is late."""


class OutsideWindowForm(Form):
    exception: str = Field(min_length=1, max_length=64)
    reason: str = ShortText


DETERMINATION_ELEMENTS = (
    "complaint_handling",
    "repairs",
    "damp_and_mould",
    "anti_social_behaviour",
    "staff_conduct",
    "communication",
    "rent_and_charges",
    "estate_services",
    "record_keeping",
    "other",
)
"""The elements of a complaint the Ombudsman's determination may make findings on (the web form's picker);
`complaint_handling` is the one whose adverse findings are findings of non-compliance with the Code (8.1 c)."""


OMBUDSMAN_REF_TYPED = r"^20[0-9]{7,8}$"
"""The Housing Ombudsman's case reference as staff type it: the year and a number (202601234), nothing
else, so no name or phone number reaches the case's history (issue 29, item 10). Narrower than the
workflow's `OMBUDSMAN_REF_PATTERN`, which stored histories were recorded under."""
ORDER_ID_PATTERN = r"^(apology|compensation|action|review|other)-[1-9][0-9]?$"
"""An Ombudsman order's id, as the system makes it: its kind and its row (`compensation-2`)."""


def order_id_checked(order_id: str | None) -> str | None:
    if order_id is not None and not re.match(ORDER_ID_PATTERN, order_id):
        raise ValueError("must be an order's id as the case page lists it: its kind and number, like compensation-2")
    return order_id


class OmbudsmanReferralForm(Form):
    ombudsman_ref: str = Field(min_length=1, max_length=30, description="The Housing Ombudsman's case reference, like 202601234.")

    @field_validator("ombudsman_ref", mode="before")
    @classmethod
    def _digits_are_a_reference(cls, value: Any) -> Any:
        """`complaints act ... ombudsman_ref=202601234` reads the digits as a number; it is a reference."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("ombudsman_ref")
    @classmethod
    def _the_ombudsmans_form(cls, value: str) -> str:
        if not re.match(OMBUDSMAN_REF_TYPED, value):
            raise ValueError(
                "must be the Ombudsman's case reference as its letters give it: the year and a number, like 202601234"
            )
        return value


class OmbudsmanEvidenceForm(Form):
    due_on: date = Field(description="The date the Ombudsman gave. For example, 27 3 2026.")


class FindingInput(Form):
    element: ElementCode
    finding: OmbudsmanFinding


class OrderInput(Form):
    order_id: str | None = None
    """Left out, it is the kind and the row's number (`compensation-2`)."""
    kind: OrderKind
    due_on: date

    _order_id = field_validator("order_id")(lambda value: order_id_checked(value))


class DeterminationForm(Form):
    findings: list[FindingInput] = Field(min_length=1, max_length=20)
    orders: list[OrderInput] = Field(default=[], max_length=20)


class OrderCompliedForm(Form):
    order_id: str

    _order_id = field_validator("order_id")(lambda value: order_id_checked(value))
    evidence: str = Field(
        default="", max_length=5000, description="What was done and sent to the Ombudsman (kept on the case record)."
    )


class FailureOrderForm(Form):
    reason: ChfoReason
    issued_on: date = Field(description="The date on the Ombudsman's order. For example, 27 3 2026.")


ACTION_FORMS: dict[str, type[Form]] = {
    "log_stage1": EmptyForm,
    "accept_outside_window": OutsideWindowForm,
    "acknowledge": AcknowledgeForm,
    "extend": ExtendForm,
    "respond": RespondForm,
    "request_stage2": RequestStage2Form,
    "close": EmptyForm,
    "withdraw": WithdrawForm,
    "exclude": ExcludeForm,
    "resident_input": ResidentInputForm,
    "assign": AssignForm,
    "add_complaint": AddComplaintForm,
    "complete_action": CompleteActionForm,
    "record_adjustment": AdjustmentForm,
    "record_restriction": RestrictionForm,
    "record_review": ReviewForm,
    "record_consent": ConsentForm,
    "agree_update_interval": UpdateIntervalForm,
    "record_update": EmptyForm,
    "ombudsman_referral": OmbudsmanReferralForm,
    "ombudsman_evidence_requested": OmbudsmanEvidenceForm,
    "ombudsman_evidence_sent": EmptyForm,
    "ombudsman_determination": DeterminationForm,
    "ombudsman_order_complied": OrderCompliedForm,
    "complaint_handling_failure_order": FailureOrderForm,
}
"""The fields staff fill in for each action (the UI renders a form per allowed action from these)."""

LIFECYCLE_ACTION = {"record_adjustment": "schedule_review", "record_restriction": "schedule_review"}
"""Form actions that are a lifecycle action under another name; every other form is its own action."""


def form_of(action: str) -> type[Form]:
    """The form of an action; an unknown action is refused, naming the actions there are."""
    if action not in ACTION_FORMS:
        raise CommandRejected("action", f"unknown action {action!r}; actions are: {', '.join(ACTION_FORMS)}")
    return ACTION_FORMS[action]


def parse_form(action: str, form: dict[str, Any]) -> Form:
    """Validate a form; the first problem becomes a CommandRejected naming the field and the rule."""
    model = form_of(action)
    try:
        return model.model_validate(form)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise CommandRejected(field, validation_message(first)) from None


def policy_profile(policy: str, version: int | None = None) -> PolicyProfile:
    """The profile a form names (at a case's pinned `version`, else the current one); an unknown one is refused
    naming the `policy` field."""
    try:
        return load_profile(policy) if version is None else load_profile_version(policy, version)
    except PolicyError as err:
        raise CommandRejected("policy", str(err)) from None
