"""The Ombudsman's remedies guidance as data (policies/guidance/remedies.toml): the bands of financial
redress by the impact on the resident, each with its range. Code 7.4: remedies take account of it.

A compensation remedy names its band and its amount must lie within the band's range; this module is that
rule's one home (casework/forms.py RemedyInput asks it; the respond form lists the bands from it)."""

import tomllib
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.presentation import money

GUIDANCE_FILE = Path(__file__).resolve().parent.parent / "policies" / "guidance" / "remedies.toml"


class Band(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str = Field(min_length=1, max_length=120)
    impact: str = Field(min_length=1, max_length=500)
    min_pounds: Decimal = Field(gt=0)
    max_pounds: Decimal = Field(gt=0, le=100_000)

    @model_validator(mode="after")
    def _range(self) -> "Band":
        if self.max_pounds < self.min_pounds:
            raise ValueError(f"bands.{self.id}: max_pounds must not be below min_pounds")
        return self

    @property
    def min_pence(self) -> int:
        return int(self.min_pounds * 100)

    @property
    def max_pence(self) -> int:
        return int(self.max_pounds * 100)

    @property
    def range_words(self) -> str:
        return f"{money(self.min_pence)} to {money(self.max_pence)}"


class RemediesGuidance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    url: str
    effective: date
    verified: bool
    bands: tuple[Band, ...] = Field(min_length=1)

    def band(self, band_id: str) -> Band | None:
        return next((b for b in self.bands if b.id == band_id), None)

    def amount_problem(self, band_id: str, amount_pence: int) -> str | None:
        """Why an amount does not fit its band, in words; None when it does."""
        band = self.band(band_id)
        if band is None:
            return f"must be one of the Ombudsman's remedies guidance bands: {', '.join(b.id for b in self.bands)}"
        if not band.min_pence <= amount_pence <= band.max_pence:
            return (
                f"must be from {band.range_words} for the band '{band.name}' "
                f"(the Ombudsman's remedies guidance, Code 7.4); got {money(amount_pence)}"
            )
        return None


@cache
def remedies_guidance(path: Path = GUIDANCE_FILE) -> RemediesGuidance:
    """The guidance file, validated once per process; a broken file stops with the field that is wrong."""
    with path.open("rb") as handle:
        return RemediesGuidance.model_validate(tomllib.load(handle))
