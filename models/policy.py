"""Policy profiles: every number and rule that differs between landlords, as validated data.

One TOML file per profile in `policies/` (DESIGN.md principle 6); every value in a file cites the seed
document and section it encodes. A case pins the profile version it was opened under: the
`load_policy` activity returns the whole profile, so it is recorded in the case's history and editing
a file never moves an open case's deadlines.

The models are frozen and refuse unknown keys, so a typo in a file is an error, not a silent default.
They travel in Temporal payloads, so every type is JSON-friendly (str, int, bool, tuples, Literal,
nested models). Recorded histories hold profiles as they were when the case opened, so a field is never
removed and every new field has a default that keeps the old behaviour (an old payload still validates and
a case keeps the rules it was opened under).

Where a seed is silent, a profile takes the Code's value (or DESIGN.md's, for the notice ladder) and says so
twice: in the comment beside the value and in its `[defaults]` table, which `complaints policy check
--defaults` lists, so a landlord adopting a profile sees what its document never decided.
"""

import os
import re
import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from models.policy_rules import (
    CODE_GROUNDS,
    ComplaintWindow,
    ExclusionRule,
    NoticeRung,
    OmbudsmanAccess,
    OtherBody,
    PreStage,
    Remedies,
    Rule,
    Scope,
    StageRules,
    tag_values,
    unique_values,
)
from models.refusal import validation_message


DEFAULT_PROFILE_ID = "code-2024"
POLICY_DIR_ENV = "COMPLAINTS_POLICY_DIR"
POLICY_DIR = Path(os.environ.get(POLICY_DIR_ENV) or Path(__file__).resolve().parent.parent / "policies")
"""The repo's top-level `policies/`, or `$COMPLAINTS_POLICY_DIR` (also honoured when set after import)."""

PROFILE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""A profile id: a lowercase slug with hyphens, equal to its file's stem (`code-2024`)."""
DEFAULT_SOURCE = r"^(Code \d+\.\d+|DESIGN\.md)"
"""Where a default comes from: a Code section (`Code 6.11`, `Code 2.2, 2.3`) or `DESIGN.md` (the notice ladder)."""


class PolicyProfile(Rule):
    id: str = Field(pattern=PROFILE_ID, max_length=60)
    """A lowercase slug equal to the file's stem, e.g. `code-2024`."""
    version: int = Field(ge=1)
    """A case pins the version it was opened under; bump it whenever a value changes (models/policy_versions.py)."""
    published: date | None = None
    """The date this version took effect; every published version on disk gives it (`policy versions`)."""
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
    exclusion_rules: dict[str, ExclusionRule] = {}
    """`[exclusion_rules.<ground>]`: what a ground of `exclusion_grounds` says beyond its name (how it widens a
    Code 2.2 exclusion, its own exceptions, whether it refuses escalation or restricts contact). Keys must be
    listed grounds."""
    scope: Scope = Scope()
    """The optional `[scope]` table; omitted = no limit on who may complain (Code 1.2)."""
    other_bodies: tuple[OtherBody, ...] = ()
    """Bodies other than the Housing Ombudsman that residents are told of (Wrekin §6.2, §6.4; Wolverhampton §8.2)."""
    defaults: dict[str, str] = {}
    """`[defaults]`: the values this profile takes from the Code because its document is silent, as
    `"field.path" = "Code 6.11"` (or `"DESIGN.md"` for the notice ladder). A path names a field
    (`stage2.acknowledge_working_days`) or one entry of a list (`exclusion_grounds.legal_proceedings`)."""

    @field_validator("exclusion_grounds")
    @classmethod
    def _grounds_are_tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tag_values(values)

    @field_validator("other_bodies")
    @classmethod
    def _bodies_unique(cls, bodies: tuple[OtherBody, ...]) -> tuple[OtherBody, ...]:
        unique_values(tuple(f"{b.body}.{b.applies_to}" for b in bodies))
        return bodies

    @model_validator(mode="after")
    def _rules_name_listed_grounds(self) -> "PolicyProfile":
        for ground, rule in self.exclusion_rules.items():
            if ground not in self.exclusion_grounds:
                raise ValueError(f"exclusion_rules.{ground}: not one of exclusion_grounds")
            if rule.widens is not None and ground in CODE_GROUNDS:
                raise ValueError(
                    f"exclusion_rules.{ground}.widens: {ground} is the Code's own exclusion; give the broader ground its own name"
                )
        for path, source in self.defaults.items():
            if not re.match(DEFAULT_SOURCE, source):
                raise ValueError(f"defaults.{path}: must name where it comes from ('Code 6.11' or 'DESIGN.md'), got {source!r}")
            field_value(self, path)
        return self

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
    `complaint_window`, ...; see reports/policy_check.py), so a deviation is shown as the landlord wrote it."""

    @field_validator("wording")
    @classmethod
    def _wording_keys_are_tags(cls, wording: dict[str, str]) -> dict[str, str]:
        tag_values(tuple(wording))
        empty = [key for key, text in wording.items() if not text.strip()]
        if empty:
            raise ValueError(f"entries must quote the seed, got an empty text for {empty[0]!r}")
        return wording


def field_value(profile: BaseModel, path: str) -> object:
    """The value at a dotted `path` of a profile (`stage2.acknowledge_working_days`), or the entry itself where
    the last part names an entry of a list (`exclusion_grounds.legal_proceedings`). ValueError if none."""
    value: object = profile
    parts = path.split(".")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(value, BaseModel) and part in type(value).model_fields:
            value = getattr(value, part)
        elif isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, tuple) and last and part in value:
            return part
        else:
            raise ValueError(f"defaults.{path}: names no field or entry of this profile")
    return value


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


def load_profile_file(path: Path, profile_id: str | None = None) -> PolicyProfile:
    """Parse and validate one profile file; any problem raises PolicyError naming file, field and rule.
    `profile_id`: the id the file must carry (default its stem; an archived version is `<id>/<N>.toml`)."""
    path = Path(path)
    profile_id = profile_id or path.stem
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
    if isinstance(data.get("id"), str) and data["id"] != profile_id:
        problems.append(f"{shown}: id: must equal the file name {profile_id!r}, got {data['id']!r}")
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
