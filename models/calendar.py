"""The working-day calendar behind every Code timescale (DESIGN.md, "Working days").

The Housing Ombudsman Complaint Handling Code (2024) counts every timescale in working days
(6.2, 6.3, 6.4, 6.11, 6.14, 6.15). A working day is a weekday that is not a UK bank holiday of the
landlord's nation (ENG, WLS, SCT or NIR; substitute days and one-off holidays included) and not one of
the landlord's own closure days. An override makes a listed holiday or closure a working day again (a
landlord that works a bank holiday); overrides never make a weekend a working day, because the Code's
working days are Monday to Friday and no landlord policy counts a weekend towards a timescale.

`uk_calendar_snapshot` and `bank_holidays` are the only places that touch the `holidays` package, and
they import it lazily: they run in activities and commands. The workflow gets the resulting
`CalendarSnapshot` from history and builds a `WorkingCalendar`, which is numpy's business-day
arithmetic and nothing else, so it is deterministic on replay and never loads `holidays`.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Literal, cast
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import BaseModel, ConfigDict

Region = Literal["ENG", "WLS", "SCT", "NIR"]
REGIONS: tuple[str, ...] = ("ENG", "WLS", "SCT", "NIR")
_EPOCH = date(1970, 1, 1).toordinal()
LONDON = ZoneInfo("Europe/London")
"""Every date the Code counts is a local date in England and Wales' (and the UK's) civil time."""
FIRST_YEAR, LAST_YEAR = 2000, 2099
"""The years the service takes dates in, wherever they enter (a scenario, a filter, a form): the bank-holiday
data and the Code are about these, and every instant the calendar computes stays far from `date.max`."""
START_OF_DAY = time(9, 0)
"""Notices timed 'start_of_day' fire at 09:00 local, when the complaints team is at work."""


def local_date(instant: datetime) -> date:
    """The London calendar date of an instant (a deadline is met on or before its due date, local)."""
    return instant.astimezone(LONDON).date()


def end_of_day(day: date) -> datetime:
    """The deadline instant for a due date: midnight at the end of `day`, Europe/London, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), LONDON).astimezone(timezone.utc)


def start_of_day(day: date) -> datetime:
    """09:00 London time on `day`, in UTC: when start-of-day notices fire."""
    return datetime.combine(day, START_OF_DAY, LONDON).astimezone(timezone.utc)


class CalendarSnapshot(BaseModel):
    """The non-working weekdays of a span of years; it travels in Temporal payloads, so dates only."""

    model_config = ConfigDict(frozen=True)

    region: Region = "ENG"
    first_year: int
    last_year: int
    non_working: tuple[date, ...]


def _as_date(day: np.datetime64) -> date:
    """A day-unit datetime64 within the calendar's years as a date (numpy's stubs drop the unit, so they
    type `item()` as date, int or None)."""
    return cast(date, day.item())


class WorkingCalendar:
    """Working-day arithmetic with exactly numpy's `busday_offset` / `busday_count` semantics."""

    def __init__(self, snapshot: CalendarSnapshot):
        self.snapshot = snapshot
        self._first = date(snapshot.first_year, 1, 1)
        self._last = date(snapshot.last_year, 12, 31)
        self._first_ordinal = self._first.toordinal()
        self._last_ordinal = self._last.toordinal()
        self._busdaycal = np.busdaycalendar(weekmask="1111100", holidays=np.array(snapshot.non_working, dtype="datetime64[D]"))

    def _outside(self, d: date) -> ValueError:
        return ValueError(
            f"{d.isoformat()} is outside this calendar's years "
            f"{self.snapshot.first_year}-{self.snapshot.last_year}; load a wider snapshot"
        )

    def _day(self, d: date) -> np.datetime64:
        """`d` as datetime64[D] via its ordinal, several times cheaper than `np.datetime64(d)`."""
        ordinal = d.toordinal()
        if not self._first_ordinal <= ordinal <= self._last_ordinal:
            raise self._outside(d)
        return np.datetime64(ordinal - _EPOCH, "D")

    def is_working_day(self, d: date) -> bool:
        return bool(np.is_busday(self._day(d), busdaycal=self._busdaycal))

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the next one."""
        return self.add_working_days(d, 0)

    def add_working_days(self, start: date, n: int) -> date:
        """Roll a non-working `start` forward to a working day, then move `n` (possibly negative) working days."""
        moved = _as_date(np.busday_offset(self._day(start), n, roll="forward", busdaycal=self._busdaycal))
        if not self._first <= moved <= self._last:
            raise self._outside(moved)
        return moved

    def nth_working_day_after(self, day0: date, n: int) -> date:
        """The `n`th working day counted from the day after `day0` (statutory clocks, SI 2025/1042: Day 0 is
        when the landlord became aware, whatever day it is), i.e. numpy `busday_offset(day0, n, roll="backward")`."""
        moved = _as_date(np.busday_offset(self._day(day0), n, roll="backward", busdaycal=self._busdaycal))
        if not self._first <= moved <= self._last:
            raise self._outside(moved)
        return moved

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in [start, end); negative when end is before start."""
        return int(np.busday_count(self._day(start), self._day(end), busdaycal=self._busdaycal))


def bank_holidays(region: str, years: Iterable[int]) -> dict[date, str]:
    """The nation's bank holidays (weekend dates and their substitute days alike) with their names."""
    if region not in REGIONS:
        raise ValueError(f"region must be one of {', '.join(REGIONS)}, got {region!r}")
    return dict(_bank_holidays(region, tuple(sorted(set(years)))))


@lru_cache(maxsize=64)
def _bank_holidays(region: str, years: tuple[int, ...]) -> tuple[tuple[date, str], ...]:
    """Cached per process: every case of a landlord asks for the same years, and the list is fixed data."""
    import holidays

    listed = holidays.country_holidays("GB", subdiv=region, years=list(years), observed=True, categories=holidays.PUBLIC)
    return tuple(listed.items())


def uk_calendar_snapshot(
    region: str = "ENG",
    years: range | Iterable[int] = (),
    closures: Iterable[date] = (),
    overrides: Iterable[date] = (),
) -> CalendarSnapshot:
    """Bank holidays of `region` plus closure days, less overrides, for every year from min to max of `years`.

    `years` has no useful default on purpose: only the caller knows how far its deadlines reach.
    """
    span = sorted(set(years))
    if not span:
        raise ValueError("years must name at least one year")
    first, last = span[0], span[-1]
    days = (set(bank_holidays(region, range(first, last + 1))) | set(closures)) - set(overrides)
    non_working = tuple(sorted(d for d in days if d.weekday() < 5 and first <= d.year <= last))
    return CalendarSnapshot(region=region, first_year=first, last_year=last, non_working=non_working)
