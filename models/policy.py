"""Policy profiles: every number and rule that differs between landlords, as validated data.

One TOML file per profile in `policies/` (DESIGN.md principle 6). Each value cites the seed document
and section it encodes. A case pins the profile version it was opened under (the workflow records the
loaded profile in history), so editing a file never moves an open case's deadlines.
"""

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Role = Literal["handler", "complaints_manager", "head_of_service", "stage2_reviewer"]
NoticeKind = Literal["due_soon", "overdue", "escalated"]
ClockStart = Literal["receipt", "logging", "acknowledgement"]

DEFAULT_PROFILE_ID = "code-2024"
POLICY_DIR = Path(os.environ.get("COMPLAINTS_POLICY_DIR", Path(__file__).resolve().parent.parent / "policies"))


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NoticeRung(Rule):
    """One rung of the notice ladder: who hears about a deadline, and when."""

    kind: NoticeKind
    working_days: int = Field(ge=-20, le=20)
    """Negative: before the due date; 0: on it; positive: after it."""
    at: Literal["start_of_day", "end_of_day"]
    """start_of_day: 09:00 Europe/London on that working day; end_of_day: the deadline instant."""
    recipients: tuple[Role, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _kind_matches_timing(self) -> "NoticeRung":
        if self.kind == "due_soon" and self.working_days >= 0:
            raise ValueError("a due_soon rung must have negative working_days (before the due date)")
        if self.kind == "overdue" and (self.working_days, self.at) != (0, "end_of_day"):
            raise ValueError("the overdue rung fires at the deadline: working_days = 0, at = 'end_of_day'")
        if self.kind == "escalated" and self.working_days <= 0:
            raise ValueError("an escalated rung must have positive working_days (after the due date)")
        return self


class StageRules(Rule):
    acknowledge_working_days: int = Field(ge=1, le=30)
    respond_working_days: int = Field(ge=1, le=60)
    respond_from: ClockStart
    extension_max_working_days: int = Field(ge=0, le=60)
    extension_requires_agreement: bool
    extension_ombudsman_details_required: bool = True


class PreStage(Rule):
    """An informal stage before stage 1 (non-compliant with Code 5.2, but in some landlords' policies)."""

    name: str = Field(min_length=1)
    resolve_working_days: int = Field(ge=1, le=30)
    applies: Literal["always", "optional"]


class ComplaintWindow(Rule):
    months: int = Field(ge=1, le=120)
    exceptions: tuple[str, ...] = ()


class OmbudsmanAccess(Rule):
    designated_person_route: bool
    """The policy still sends residents via a designated person (MP, councillor, tenant panel): out of
    date since the Building Safety Act 2022 removed the 'democratic filter' from 1 October 2023."""
    wait_weeks_after_final_response: int = Field(ge=0, le=52)


class PolicyProfile(Rule):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    version: int = Field(ge=1)
    landlord: str = Field(min_length=1)
    source: str = Field(min_length=1)
    stage1: StageRules
    stage2: StageRules
    pre_stage: PreStage | None = None
    complaint_window: ComplaintWindow
    anonymous_complaints_accepted: bool
    stage2_request_window_working_days: int | None = Field(default=None, ge=1, le=120)
    """Omitted (None): no limit. A request after the window still reaches the case and is flagged, never lost."""
    stage2_requires_reasons: bool
    exclusion_grounds: tuple[str, ...] = Field(min_length=1)
    notice_ladder: tuple[NoticeRung, ...] = Field(min_length=1)
    ombudsman_access: OmbudsmanAccess

    @model_validator(mode="after")
    def _one_overdue_rung(self) -> "PolicyProfile":
        overdue = [rung for rung in self.notice_ladder if rung.kind == "overdue"]
        if len(overdue) != 1:
            raise ValueError(f"notice_ladder must have exactly one overdue rung, found {len(overdue)}")
        return self


class PolicyError(ValueError):
    """A profile that cannot be loaded; the message names the file, the field and the rule."""


def load_profile_file(path: Path) -> PolicyProfile:
    try:
        data = tomllib.loads(path.read_text())
    except OSError as err:
        raise PolicyError(f"{path}: cannot read: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"{path}: not valid TOML: {err}") from None
    try:
        profile = PolicyProfile.model_validate(data)
    except ValidationError as err:
        lines = []
        for error in err.errors():
            field = ".".join(str(part) for part in error["loc"]) or "(profile)"
            lines.append(f"{path}: {field}: {error['msg'].removeprefix('Value error, ')}")
        raise PolicyError("\n".join(lines)) from None
    if profile.id != path.stem:
        raise PolicyError(f"{path}: id: must equal the file name {path.stem!r}, got {profile.id!r}")
    return profile


def all_profiles(policy_dir: Path | None = None) -> dict[str, PolicyProfile]:
    directory = policy_dir or POLICY_DIR
    return {path.stem: load_profile_file(path) for path in sorted(directory.glob("*.toml"))}


def load_profile(profile_id: str, policy_dir: Path | None = None) -> PolicyProfile:
    directory = policy_dir or POLICY_DIR
    path = directory / f"{profile_id}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml"))) or "none"
        raise PolicyError(f"unknown policy profile {profile_id!r}; known profiles: {known}")
    return load_profile_file(path)
