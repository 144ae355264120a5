"""The working-day calendar behind every Code timescale (DESIGN.md, "Working days").

The Housing Ombudsman Complaint Handling Code (2024) counts every timescale in working days
(6.2, 6.3, 6.4, 6.11, 6.14, 6.15). A working day is a weekday that is not a UK bank holiday of the
landlord's nation (ENG, WLS, SCT or NIR, one-off holidays included) and not one of the landlord's own
closure days; an override makes a listed holiday or closure a working day again (a landlord that
works a bank holiday). Overrides never make a weekend a working day: no landlord policy counts one.

`uk_calendar_snapshot` is the only place that touches the `holidays` package; it runs in an activity.
The workflow gets the resulting `CalendarSnapshot` from history and builds a `WorkingCalendar`, which
is numpy's business-day arithmetic and nothing else, so it is deterministic on replay.
"""

from collections.abc import Iterable
from datetime import date
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

Region = Literal["ENG", "WLS", "SCT", "NIR"]
REGIONS: tuple[str, ...] = ("ENG", "WLS", "SCT", "NIR")
_EPOCH = date(1970, 1, 1).toordinal()


class CalendarSnapshot(BaseModel):
    """The non-working weekdays of a span of years: bank holidays and closures, less overrides."""

    model_config = ConfigDict(frozen=True)

    region: Region = "ENG"
    first_year: int
    last_year: int
    non_working: tuple[date, ...]


class WorkingCalendar:
    """Working-day arithmetic with numpy `busday_offset` / `busday_count` semantics."""

    def __init__(self, snapshot: CalendarSnapshot):
        self.snapshot = snapshot
        self._first = date(snapshot.first_year, 1, 1)
        self._last = date(snapshot.last_year, 12, 31)
        self._busdaycal = np.busdaycalendar(
            weekmask="1111100", holidays=np.array(snapshot.non_working, dtype="datetime64[D]")
        )

    def _day(self, d: date) -> np.datetime64:
        if not self._first <= d <= self._last:
            raise ValueError(
                f"{d.isoformat()} is outside this calendar's years "
                f"{self.snapshot.first_year}-{self.snapshot.last_year}"
            )
        return np.datetime64(d.toordinal() - _EPOCH, "D")

    def is_working_day(self, d: date) -> bool:
        return bool(np.is_busday(self._day(d), busdaycal=self._busdaycal))

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the next one."""
        return self.add_working_days(d, 0)

    def add_working_days(self, start: date, n: int) -> date:
        """Roll a non-working `start` forward to a working day, then move `n` working days."""
        moved = np.busday_offset(self._day(start), n, roll="forward", busdaycal=self._busdaycal)
        result = date.fromordinal(int(moved.astype(np.int64)) + _EPOCH)
        if result > self._last or result < self._first:
            raise ValueError(
                f"{result.isoformat()} is outside this calendar's years "
                f"{self.snapshot.first_year}-{self.snapshot.last_year}"
            )
        return result

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in [start, end); negative when end is before start."""
        return int(np.busday_count(self._day(start), self._day(end), busdaycal=self._busdaycal))


def bank_holidays(region: str, years: Iterable[int]) -> dict[date, str]:
    """The nation's bank holidays by date, with their names, from the `holidays` package."""
    if region not in REGIONS:
        raise ValueError(f"region must be one of {', '.join(REGIONS)}, got {region!r}")
    import holidays

    return dict(holidays.country_holidays("GB", subdiv=region, years=list(years)))


def uk_calendar_snapshot(
    region: str = "ENG",
    years: Iterable[int] = (),
    closures: Iterable[date] = (),
    overrides: Iterable[date] = (),
) -> CalendarSnapshot:
    """Bank holidays of `region` for `years`, plus closure days, minus overrides."""
    span = sorted(set(years))
    if not span:
        raise ValueError("years must name at least one year")
    first, last = span[0], span[-1]
    every_year = range(first, last + 1)
    days = set(bank_holidays(region, every_year)) | set(closures)
    days -= set(overrides)
    non_working = tuple(sorted(d for d in days if d.weekday() < 5 and first <= d.year <= last))
    return CalendarSnapshot(region=region, first_year=first, last_year=last, non_working=non_working)
