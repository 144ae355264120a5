"""The payloads of a calendar change's fan-out (workflows/calendar_fanout.py): which cases, and what reached them.

References, kinds of change and days only: a closure's typed reason stays on its `ClosureDay` row.
"""

from pydantic import BaseModel, ConfigDict, Field

from models.case import CalendarChanged


class CalendarChangeReport(BaseModel):
    """What a calendar change reached: cases re-planned, cases whose workflow had ended, failures (none
    once the fan-out workflow has finished: it retries until every case is reached)."""

    signalled: int = 0
    already_ended: int = 0
    failed: dict[str, str] = {}
    pending: int = 0
    """Cases not reached yet when the report was made (the fan-out workflow carries on with them)."""

    def plus(self, other: "CalendarChangeReport") -> "CalendarChangeReport":
        return CalendarChangeReport(
            signalled=self.signalled + other.signalled,
            already_ended=self.already_ended + other.already_ended,
            failed={**self.failed, **other.failed},
        )


class AffectedCases(BaseModel):
    """Which cases a change re-plans (`casework.calendar_changes.cases_to_replan`), a page at a time."""

    model_config = ConfigDict(frozen=True)

    landlord: str | None = None
    regions: tuple[str, ...] | None = None
    after: str = ""
    """The last reference already reached (pages go in reference order)."""
    limit: int = Field(default=500, ge=1, le=5000)


class CalendarFanOut(BaseModel):
    """One calendar change to bring to every affected case; carried across continue-as-new."""

    cases: AffectedCases
    change: CalendarChanged
    reached: CalendarChangeReport = CalendarChangeReport()


class SignalBatch(BaseModel):
    references: tuple[str, ...]
    change: CalendarChanged
