"""Awaab's Law as validated data: the hazard categories, the statutory timescales and the notice ladders.

`policies/hazards/awaabs-law.toml` encodes SI 2025/1042 (the Hazards in Social Housing (Prescribed
Requirements) (England) Regulations 2025): each HHSRS hazard category with the date it came into scope for
each level, so bringing a phase in is a data change. The `load_hazard_rules` activity returns the whole
file, so a hazard's history records the rules it was planned under (like a policy profile).
"""

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from models.policy_rules import NoticeKind, NoticeRung, Recipients, Rule
from models.refusal import validation_message

HAZARD_RULES_FILE = Path(__file__).resolve().parent.parent / "policies" / "hazards" / "awaabs-law.toml"
HazardLevel = Literal["emergency", "significant"]
CATEGORY_ID = r"^[a-z][a-z0-9_]{1,40}$"


class HourRung(Rule):
    """A rung of the 24-hour clock's ladder: hours from the deadline instant (negative: before it)."""

    kind: NoticeKind
    hours: int = Field(ge=-23, le=48)
    recipients: Recipients

    @model_validator(mode="after")
    def _kind_matches_timing(self) -> "HourRung":
        expected = {"due_soon": self.hours < 0, "overdue": self.hours == 0, "escalated": self.hours > 0}[self.kind]
        if not expected:
            when = {
                "due_soon": "before the instant (hours < 0)",
                "overdue": "at the instant (hours = 0)",
                "escalated": "after it (hours > 0)",
            }
            raise ValueError(
                f"{'a' if self.kind == 'due_soon' else 'an'} {self.kind} rung fires {when[self.kind]}, got hours = {self.hours}"
            )
        return self


class Timescales(Rule):
    """The statutory clocks; each value cites its regulation in the data file."""

    emergency_hours: int = Field(ge=1, le=72)
    investigate_working_days: int = Field(ge=1, le=60)
    summary_working_days: int = Field(ge=1, le=60)
    safety_work_working_days: int = Field(ge=1, le=60)
    preventative_start_working_days: int = Field(ge=1, le=60)
    preventative_backstop_days: int = Field(ge=1, le=366)


class HazardCategory(Rule):
    """One HHSRS hazard and when each level of it came into scope (None: not yet, or never)."""

    name: str = Field(min_length=1, max_length=80)
    phase: int | None = Field(default=None, ge=1, le=3)
    """None: never in scope (overcrowding, excluded by SI 2025/1042 reg 2)."""
    emergency_from: date | None = None
    significant_from: date | None = None

    def in_scope(self, level: HazardLevel, on: date) -> bool:
        start = self.emergency_from if level == "emergency" else self.significant_from
        return start is not None and start <= on

    def levels_on(self, on: date) -> tuple[HazardLevel, ...]:
        return tuple(level for level in ("emergency", "significant") if self.in_scope(level, on))


class HazardRules(Rule):
    version: int = Field(ge=1)
    in_force: date
    timescales: Timescales
    emergency_ladder: tuple[HourRung, ...] = Field(min_length=1)
    working_day_ladder: tuple[NoticeRung, ...] = Field(min_length=1)
    categories: dict[str, HazardCategory] = Field(min_length=1)

    @field_validator("categories")
    @classmethod
    def _category_ids(cls, categories: dict[str, HazardCategory]) -> dict[str, HazardCategory]:
        for key in categories:
            if not re.fullmatch(CATEGORY_ID, key):
                raise ValueError(f"category id {key!r} must be lowercase letters, digits and underscores")
        return categories

    @field_validator("emergency_ladder", "working_day_ladder")
    @classmethod
    def _one_rung_per_kind(cls, ladder: tuple) -> tuple:
        kinds = [rung.kind for rung in ladder]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"one rung per notice kind, got {', '.join(kinds)}")
        return ladder

    @model_validator(mode="after")
    def _scopes_follow_the_law(self) -> "HazardRules":
        for key, category in self.categories.items():
            for level in ("emergency_from", "significant_from"):
                start = getattr(category, level)
                if start is not None and start < self.in_force:
                    raise ValueError(
                        f"categories.{key}.{level}: {start} is before SI 2025/1042 came into force ({self.in_force})"
                    )
                if start is not None and category.phase is None:
                    raise ValueError(f"categories.{key}.{level}: a category with no phase is never in scope")
            if category.significant_from is not None and category.emergency_from is None:
                raise ValueError(f"categories.{key}: a hazard in scope as significant is in scope as an emergency too (reg 2)")
        return self

    def category(self, key: str) -> HazardCategory | None:
        return self.categories.get(key)


class HazardRulesError(ValueError):
    """A hazards file that cannot be loaded; one line per problem: `<file>: <field.path>: <rule>`."""


def load_hazard_rules(path: Path = HAZARD_RULES_FILE) -> HazardRules:
    """Parse and validate the file; any problem raises HazardRulesError naming file, field and rule."""
    shown = path.name if not path.is_absolute() else str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise HazardRulesError(f"{shown}: cannot read: {err.strerror or err}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise HazardRulesError(f"{shown}: not valid TOML: {err}") from None
    try:
        return HazardRules.model_validate(data)
    except ValidationError as err:
        lines = []
        for error in err.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "(file)"
            lines.append(f"{shown}: {field}: {validation_message(error)}")
        raise HazardRulesError("\n".join(lines)) from None
