"""Policy profiles: every number and rule that differs between landlords, as validated data.

One TOML file per profile in `policies/` (DESIGN.md principle 6); every value in a file cites the seed
document and section it encodes. A case pins the profile version it was opened under: the
`load_policy` activity returns the whole profile, so it is recorded in the case's history and editing
a file never moves an open case's deadlines.

The models are frozen and refuse unknown keys, so a typo in a file is an error, not a silent default.
They travel in Temporal payloads, so every type is JSON-friendly (str, int, bool, tuples, Literal,
nested models).
"""

import os
import re
import tomllib
from calendar import monthrange
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.refusal import validation_message

Role = Literal["handler", "complaints_manager", "head_of_service", "stage2_reviewer"]
NoticeKind = Literal["due_soon", "overdue", "escalated"]
ClockStart = Literal["receipt", "logging", "acknowledgement"]

DEFAULT_PROFILE_ID = "code-2024"
POLICY_DIR_ENV = "COMPLAINTS_POLICY_DIR"
POLICY_DIR = Path(os.environ.get(POLICY_DIR_ENV) or Path(__file__).resolve().parent.parent / "policies")
"""The repo's top-level `policies/`, or `$COMPLAINTS_POLICY_DIR` (also honoured when set after import)."""

PROFILE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""A profile id: a lowercase slug with hyphens, equal to its file's stem (`code-2024`)."""
TAG = r"^[a-z][a-z0-9_]*$"
"""An exclusion ground or window exception: a lowercase snake_case slug (`legal_proceedings`)."""


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"must not repeat an entry: {', '.join(repeated)}")
    return values


def _tags(values: tuple[str, ...]) -> tuple[str, ...]:
    bad = [value for value in values if not re.fullmatch(TAG, value)]
    if bad:
        raise ValueError(f"entries must be lowercase snake_case slugs (e.g. 'legal_proceedings'), got {bad[0]!r}")
    return _unique(values)


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
    recipients: tuple[Role, ...] = Field(min_length=1)

    @field_validator("recipients")
    @classmethod
    def _recipients_unique(cls, recipients: tuple[Role, ...]) -> tuple[Role, ...]:
        return _unique(recipients)

    @model_validator(mode="after")
    def _kind_matches_timing(self) -> "NoticeRung":
        if self.kind == "due_soon" and self.working_days >= 0:
            raise ValueError(f"a due_soon rung fires before the due date: working_days must be negative, got {self.working_days}")
        if self.kind == "overdue" and (self.working_days, self.at) != (0, "end_of_day"):
            raise ValueError("the overdue rung fires at the deadline: working_days = 0 and at = 'end_of_day'")
        if self.kind == "escalated" and self.working_days <= 0:
            raise ValueError(f"an escalated rung fires after the due date: working_days must be positive, got {self.working_days}")
        return self


class StageRules(Rule):
    """The timescales of one formal stage (Code 6.2-6.5 for stage 1, 6.11-6.16 for stage 2)."""

    acknowledge_working_days: int = Field(ge=1, le=30)
    respond_working_days: int = Field(ge=1, le=60)
    respond_from: ClockStart
    """What the response clock counts from: the complaint's (or stage-2 request's) receipt, its logging,
    or its acknowledgement (the Code's choice)."""
    extension_max_working_days: int = Field(ge=0, le=60)
    """Total extension allowed at this stage without an exceptional reason."""
    extension_requires_agreement: bool
    """The resident must agree to an extension (the Code only requires them to be informed)."""
    extension_ombudsman_details_required: bool = True
    """Code 6.5 / 6.16: the Ombudsman's contact details go with any extension."""


class PreStage(Rule):
    """An informal stage before stage 1 (non-compliant with Code 5.2, but in some landlords' policies)."""

    name: str = Field(min_length=1, max_length=60)
    resolve_working_days: int = Field(ge=1, le=30)
    applies: Literal["always", "optional"]
    """always: every complaint starts there (THA triages all through Get It Sorted); optional: only when
    the matter can be resolved quickly (Greatwell's "concern")."""


class ComplaintWindow(Rule):
    months: int = Field(ge=1, le=120)
    """Complaints about issues older than this are flagged for an exclusion decision."""
    exceptions: tuple[str, ...] = ()
    """Reasons the policy names for accepting an older issue anyway (`safeguarding`, `recurring_issue`)."""

    @field_validator("exceptions")
    @classmethod
    def _exceptions_are_tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _tags(values)

    def is_outside(self, issue_date: date, received_on: date) -> bool:
        """Whether an issue from `issue_date` is older than the window when complained of on `received_on`
        (Code 2.3 counts 12 months from the issue occurring or the resident becoming aware of it)."""
        months = received_on.year * 12 + received_on.month - 1 - self.months
        year, month = divmod(months, 12)
        earliest = date(year, month + 1, min(received_on.day, monthrange(year, month + 1)[1]))
        return issue_date < earliest


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
        return _tags(values)


class PolicyProfile(Rule):
    id: str = Field(pattern=PROFILE_ID, max_length=60)
    """A lowercase slug equal to the file's stem, e.g. `code-2024`."""
    version: int = Field(ge=1)
    """A case pins the version it was opened under; bump it whenever a value changes."""
    landlord: str = Field(min_length=1)
    source: str = Field(min_length=1)
    """The seed document and version this profile encodes."""
    stage1: StageRules
    stage2: StageRules
    pre_stage: PreStage | None = None
    complaint_window: ComplaintWindow
    anonymous_complaints_accepted: bool
    stage2_request_window_working_days: int | None = Field(default=None, ge=1, le=120)
    """Working days after the stage-1 response to ask for stage 2; omitted (None) = no limit. A later
    request still reaches the case and is flagged, never lost (Code 5.11)."""
    stage2_requires_reasons: bool
    """The policy makes residents explain why they want stage 2 (against Code 6.12)."""
    exclusion_grounds: tuple[str, ...] = Field(min_length=1)
    """The grounds `exclude` may cite under this policy (Code 2.2), as slugs."""
    notice_ladder: tuple[NoticeRung, ...] = Field(min_length=1)
    ombudsman_access: OmbudsmanAccess
    remedies: Remedies = Remedies()
    """The optional `[remedies]` table; omitted = the Code's approach (no offset against arrears)."""

    @field_validator("exclusion_grounds")
    @classmethod
    def _grounds_are_tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _tags(values)

    @field_validator("notice_ladder")
    @classmethod
    def _one_rung_per_kind(cls, ladder: tuple[NoticeRung, ...]) -> tuple[NoticeRung, ...]:
        # The workflow remembers which kinds it has sent for a deadline, so a kind may appear only once.
        kinds = [rung.kind for rung in ladder]
        repeated = sorted({kind for kind in kinds if kinds.count(kind) > 1})
        if repeated:
            raise ValueError(f"each kind may appear at most once; repeated: {', '.join(repeated)}")
        if "overdue" not in kinds:
            raise ValueError("must have exactly one overdue rung (working_days = 0, at = 'end_of_day'), found none")
        return ladder

    wording: dict[str, str] = {}
    """The seed's own words for each rule `policy check` reports, keyed by the rule's id (`pre_stage`,
    `complaint_window`, ...; see models/policy_check.py), so a deviation is shown as the landlord wrote it."""

    @field_validator("wording")
    @classmethod
    def _wording_keys_are_tags(cls, wording: dict[str, str]) -> dict[str, str]:
        _tags(tuple(wording))
        empty = [key for key, text in wording.items() if not text.strip()]
        if empty:
            raise ValueError(f"entries must quote the seed, got an empty text for {empty[0]!r}")
        return wording


class PolicyError(ValueError):
    """A profile that cannot be loaded; one line per problem: `<file>: <field.path>: <rule>`."""


def current_policy_dir() -> Path:
    """Where profiles live now: `$COMPLAINTS_POLICY_DIR` if set, else `POLICY_DIR`."""
    override = os.environ.get(POLICY_DIR_ENV)
    return Path(override).expanduser() if override else POLICY_DIR


def _shown(path: Path) -> str:
    """A file as people see it: relative to the working directory when inside it (`policies/x.toml`)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _problems(shown: str, err: ValidationError) -> list[str]:
    lines = []
    for error in err.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "(profile)"
        rule = validation_message(error)
        given = error.get("input")
        if error["type"] not in ("missing", "extra_forbidden") and isinstance(given, (str, int, float, bool)):
            rule += f" (got {given!r})"
        lines.append(f"{shown}: {field}: {rule}")
    return lines


def load_profile_file(path: Path) -> PolicyProfile:
    """Parse and validate one profile file; any problem raises PolicyError naming file, field and rule."""
    path = Path(path)
    shown = _shown(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as err:
        raise PolicyError(f"{shown}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise PolicyError(f"{shown}: not valid TOML: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"{shown}: not valid TOML: {err}") from None
    problems: list[str] = []
    if isinstance(data.get("id"), str) and data["id"] != path.stem:
        problems.append(f"{shown}: id: must equal the file name {path.stem!r}, got {data['id']!r}")
    try:
        profile = PolicyProfile.model_validate(data)
    except ValidationError as err:
        problems.extend(_problems(shown, err))
    if problems:
        raise PolicyError("\n".join(problems))
    return profile


def all_profiles(policy_dir: Path | None = None) -> dict[str, PolicyProfile]:
    """Every profile in the directory, by id; every broken file is reported, not just the first."""
    directory = policy_dir or current_policy_dir()
    profiles: dict[str, PolicyProfile] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            profiles[path.stem] = load_profile_file(path)
        except PolicyError as err:
            problems.append(str(err))
    if problems:
        raise PolicyError("\n".join(problems))
    return profiles


def known_profile_ids(policy_dir: Path | None = None) -> list[str]:
    directory = policy_dir or current_policy_dir()
    return sorted(path.stem for path in directory.glob("*.toml"))


def load_profile(profile_id: str, policy_dir: Path | None = None) -> PolicyProfile:
    """The profile `policies/<profile_id>.toml`; an unknown id raises PolicyError listing the known ones."""
    directory = policy_dir or current_policy_dir()
    path = directory / f"{profile_id}.toml"
    if not re.fullmatch(PROFILE_ID, profile_id) or not path.is_file():
        known = ", ".join(known_profile_ids(directory)) or f"none (no *.toml in {_shown(directory)})"
        raise PolicyError(f"unknown policy profile {profile_id!r}; known profiles: {known}")
    return load_profile_file(path)
