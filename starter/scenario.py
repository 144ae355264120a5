"""The scenario file of `complaints simulate` (DESIGN.md, "CLI contract"), validated field by field."""

import json
from datetime import date, timedelta
from typing import Any, Literal, get_args

from pydantic import ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from models.calendar import FIRST_YEAR, LAST_YEAR
from models.input_text import PlainText
from models.case import AwareDatetime, ItemId, Outcome, PromisedAction, Region
from models.json_input import JsonInputError, read_json
from models.policy import DEFAULT_PROFILE_ID, load_profile, PolicyError
from models.policy_versions import load_profile_version
from models.refusal import validation_message
from models.taxonomy import ServiceArea
from models.hazard import AccessOutcome
from starter.hazard_scenario import HAZARD_REQUIRED_FIELDS, HazardAction, HazardStepFields

StepAction = Literal[
    "acknowledge",
    "extend",
    "respond",
    "request_stage2",
    "resident_input",
    "withdraw",
    "exclude",
    "close",
    "log_stage1",
    "assign",
    "add_complaint",
    "complete_action",
    "schedule_review",
    "record_review",
    "record_consent",
    "accept_outside_window",
    "agree_update_interval",
    "record_update",
    "ombudsman_referral",
    "ombudsman_evidence_requested",
    "ombudsman_evidence_sent",
    "ombudsman_determination",
    "ombudsman_order_complied",
    "complaint_handling_failure_order",
]

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "extend": ("working_days", "reason"),
    "respond": ("outcome",),
    "exclude": ("reason",),
    "assign": ("handler",),
    "complete_action": ("action_id",),
    "schedule_review": ("review_id", "kind", "review_on"),
    "record_review": ("review_id",),
    "record_consent": ("representative_ref",),
    "accept_outside_window": ("exception", "reason"),
    "agree_update_interval": ("working_days",),
    "ombudsman_referral": ("ombudsman_ref",),
    "ombudsman_evidence_requested": ("due_on",),
    "ombudsman_determination": ("findings",),
    "ombudsman_order_complied": ("order_id",),
    "complaint_handling_failure_order": ("reason", "issued_on"),
    **HAZARD_REQUIRED_FIELDS,
}


SCENARIO_SPAN = timedelta(days=5 * 365)
"""How far after receipt a scenario may run (past a stage-2 request a year after the final response)."""


class Step(PlainText, HazardStepFields):
    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    action: Literal[(*get_args(StepAction), *get_args(HazardAction))]  # type: ignore[valid-type]
    working_days: int | None = None
    """Checked by the command (1 to 60): a value that breaks the rule is a rejected step, not a bad file."""
    reason: str | None = Field(default=None, min_length=1, max_length=200)
    outcome: Literal[(*get_args(Outcome), *get_args(AccessOutcome))] | None = None  # type: ignore[valid-type]
    """respond: upheld|partly_upheld|not_upheld; hazard_access_attempt: no_answer|refused|booked|access."""
    note: str | None = Field(default=None, max_length=5000)
    ground: str | None = None
    agreed_with_resident: bool = False
    good_reason: str | None = Field(default=None, min_length=1, max_length=500)
    actor: str | None = Field(default=None, max_length=64)
    on_behalf_of: str | None = Field(default=None, max_length=100)
    handler: str | None = Field(default=None, min_length=1, max_length=64)
    actions: list[PromisedAction] = []
    action_id: ItemId | None = None
    review_id: ItemId | None = None
    kind: Literal["adjustment", "restriction"] | None = None
    review_on: date | None = None
    next_review_on: date | None = None
    representative_ref: str | None = Field(default=None, min_length=1, max_length=100)
    given: bool = True
    exception: str | None = Field(default=None, min_length=1, max_length=64)
    ombudsman_ref: str | None = Field(default=None, max_length=30)
    """Checked by the command (its pattern): a value that breaks it is a rejected step."""
    due_on: date | None = None
    findings: list[dict[str, Any]] | None = Field(default=None, max_length=20)
    """ombudsman_determination: `{"element", "finding"}` each; a value the command refuses is a rejected step."""
    orders: list[dict[str, Any]] = Field(default=[], max_length=20)
    """ombudsman_determination: `{"order_id", "kind", "due_on"}` each (deadline `ombudsman.order.<order_id>`)."""
    order_id: ItemId | None = None
    evidence: str | None = Field(default=None, min_length=1, max_length=5000)
    """ombudsman_order_complied: the evidence of compliance, kept in the read model (the command refers to it)."""
    issued_on: date | None = None
    definition: bool = True
    """acknowledge / add_complaint: whether a complaint definition is recorded (false shows Code 5.6's refusal)."""

    @model_validator(mode="after")
    def _fields_for_action(self) -> "Step":
        missing = [name for name in REQUIRED_FIELDS.get(self.action, ()) if getattr(self, name) is None]
        if missing:
            raise ValueError(f"action {self.action!r} needs {', '.join(missing)}")
        return self


class Scenario(PlainText):
    model_config = ConfigDict(extra="forbid")

    policy: str = DEFAULT_PROFILE_ID
    policy_version: int | None = Field(default=None, ge=1)
    """Run under an earlier published version of the profile (models/policy_versions.py); omitted = the current."""
    region: Region = "ENG"
    closures: list[date] = []
    overrides: list[date] = []
    """Dates made working days again (e.g. a bank holiday the landlord works)."""
    received: AwareDatetime
    issue_date: date | None = None
    """When the matter complained about happened; older than the profile's window flags the case (Code 2.3)."""
    informal: bool | None = None
    """Start in the profile's informal pre-stage; omitted = the profile's default."""
    category: ServiceArea | None = None
    """The service area complained about (models/taxonomy.py), as intake records it."""
    steps: list[Step] = []
    until: AwareDatetime | None = None

    @model_validator(mode="after")
    def _in_time_order(self) -> "Scenario":
        if not FIRST_YEAR <= self.received.year <= LAST_YEAR:
            raise ValueError(f"received: must be in the years {FIRST_YEAR} to {LAST_YEAR}")
        latest = self.received + SCENARIO_SPAN
        for name, instant in [*((f"steps[{i}].at", step.at) for i, step in enumerate(self.steps)), ("until", self.until)]:
            if instant is not None and instant > latest:
                raise ValueError(
                    f"{name}: must be within {SCENARIO_SPAN.days // 365} years of received ({latest.date().isoformat()})"
                )
        previous = self.received
        for index, step in enumerate(self.steps):
            if step.at < previous:
                raise ValueError(
                    f"steps[{index}].at: {step.at.isoformat()} is before "
                    f"{'the previous step' if index else 'received'} ({previous.isoformat()}); steps run in time order"
                )
            previous = step.at
        if self.until is not None and self.until < previous:
            raise ValueError(f"until: {self.until.isoformat()} is before the last step or received")
        try:
            load_profile(self.policy)
        except PolicyError as err:
            raise ValueError(f"policy: {err}") from None
        if self.policy_version is not None:
            try:
                load_profile_version(self.policy, self.policy_version)
            except PolicyError as err:
                raise ValueError(str(err)) from None
        return self


class ScenarioError(ValueError):
    """A scenario file that cannot run; the message names the field and the rule."""


def parse_scenarios(text: str | bytes) -> tuple[list[Scenario], bool]:
    """Parse one scenario or a list; returns the scenarios and whether the input was a list."""
    try:
        data = read_json(text)
    except JsonInputError as err:
        raise ScenarioError(str(err)) from None
    many = isinstance(data, list)
    items = data if many else [data]
    scenarios = []
    for index, item in enumerate(items):
        prefix = f"[{index}]." if many else ""
        try:
            scenarios.append(Scenario.model_validate(item))
        except ValidationError as err:
            raise ScenarioError("\n".join(_describe(prefix, e) for e in err.errors())) from None
    return scenarios, many


def _describe(prefix: str, error: ErrorDetails) -> str:
    """One line per problem: the field's path (e.g. steps[2].working_days), then the rule."""
    path = ""
    for part in error["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).isidentifier():  # a key like "" or "a.b" is quoted, so the line still names it
            path += f"[{json.dumps(str(part))}]"
        else:
            path += f".{part}" if path else str(part)
    message = validation_message(error)
    return f"{prefix}{path}: {message}" if path else f"{prefix}{message}"
