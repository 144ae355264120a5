"""The working-day calendar: properties against numpy, and hand-checked dates for each UK nation."""

from datetime import date, timedelta

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import WorkingCalendar, bank_holidays, uk_calendar_snapshot

YEARS = range(2019, 2032)
regions = st.sampled_from(["ENG", "WLS", "SCT", "NIR"])
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 12, 31))


def calendar(region: str = "ENG", closures=(), overrides=()) -> WorkingCalendar:
    return WorkingCalendar(uk_calendar_snapshot(region, YEARS, closures=closures, overrides=overrides))


def numpy_holidays(region: str, closures=(), overrides=()) -> list[date]:
    """The same non-working list built independently, straight from `holidays`."""
    listed = set(holidays.country_holidays("GB", subdiv=region, years=list(YEARS))) | set(closures)
    return sorted(listed - set(overrides))


@settings(max_examples=300, deadline=None)
@given(region=regions, start=days, n=st.integers(-60, 60), closures=st.lists(days, max_size=5),
       overrides=st.lists(days, max_size=3))
def test_add_working_days_is_numpy_busday_offset_rolling_forward(region, start, n, closures, overrides):
    ours = calendar(region, closures, overrides).add_working_days(start, n)
    expected = np.busday_offset(start, n, roll="forward", holidays=numpy_holidays(region, closures, overrides))
    assert ours == expected.astype(date)


@settings(max_examples=300, deadline=None)
@given(region=regions, start=days, end=days, closures=st.lists(days, max_size=5))
def test_between_is_numpy_busday_count(region, start, end, closures):
    ours = calendar(region, closures).working_days_between(start, end)
    assert ours == np.busday_count(start, end, holidays=numpy_holidays(region, closures))


@settings(max_examples=300, deadline=None)
@given(region=regions, start=days, end=days)
def test_add_gives_back_end_for_the_working_days_between(region, start, end):
    cal = calendar(region)
    start = cal.next_working_day(start)
    if start > end or not cal.is_working_day(end):
        return
    assert cal.add_working_days(start, cal.working_days_between(start, end)) == end


@pytest.mark.parametrize(
    ("region", "start", "n", "expected", "why"),
    [
        ("ENG", "2026-12-18", 5, "2026-12-29", "Christmas Fri 25, Boxing Day Sat 26 substituted Mon 28 (DESIGN.md)"),
        ("ENG", "2026-12-19", 1, "2026-12-22", "a Saturday start rolls to Mon 21 first"),
        ("ENG", "2026-04-02", 1, "2026-04-07", "Good Friday 3 Apr and Easter Monday 6 Apr"),
        ("WLS", "2026-04-02", 1, "2026-04-07", "Wales keeps Easter Monday like England"),
        ("SCT", "2026-04-02", 1, "2026-04-06", "Scotland has Good Friday but not Easter Monday"),
        ("SCT", "2025-12-31", 1, "2026-01-05", "Scotland's 2 January (Fri) after New Year's Day"),
        ("ENG", "2025-12-31", 1, "2026-01-02", "England works 2 January"),
        ("SCT", "2026-11-27", 1, "2026-12-01", "St Andrew's Day, Mon 30 Nov 2026"),
        ("SCT", "2026-07-31", 1, "2026-08-04", "Scottish summer holiday: first Monday of August"),
        ("ENG", "2026-08-28", 1, "2026-09-01", "English summer holiday: last Monday of August"),
        ("NIR", "2026-03-16", 1, "2026-03-18", "St Patrick's Day, Tue 17 Mar 2026"),
        ("NIR", "2026-07-10", 1, "2026-07-14", "Battle of the Boyne Sun 12 Jul, substituted Mon 13"),
        ("ENG", "2022-09-16", 1, "2022-09-20", "one-off: the Queen's state funeral, Mon 19 Sep 2022"),
        ("ENG", "2023-05-05", 1, "2023-05-09", "one-off: the Coronation, Mon 8 May 2023"),
        ("ENG", "2022-06-01", 1, "2022-06-06", "Spring bank holiday moved to Thu 2 Jun, Platinum Jubilee Fri 3 Jun"),
    ],
)
def test_hand_checked_dates(region, start, n, expected, why):
    assert calendar(region).add_working_days(date.fromisoformat(start), n) == date.fromisoformat(expected), why


def test_closure_day_is_skipped_and_override_makes_a_holiday_a_working_day():
    start = date(2026, 12, 21)
    assert calendar("ENG").add_working_days(start, 10) == date(2027, 1, 7)
    assert calendar("ENG", closures=[date(2026, 12, 31)]).add_working_days(start, 10) == date(2027, 1, 8)
    assert calendar("ENG", overrides=[date(2026, 12, 28)]).add_working_days(start, 10) == date(2027, 1, 6)


def test_between_counts_start_but_not_end():
    cal = calendar("ENG")
    assert cal.working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 5
    assert cal.working_days_between(date(2026, 12, 29), date(2026, 12, 18)) == -5


def test_dates_outside_the_snapshot_are_refused_by_name():
    cal = WorkingCalendar(uk_calendar_snapshot("ENG", [2026]))
    with pytest.raises(ValueError, match="outside this calendar's years 2026-2026"):
        cal.add_working_days(date(2026, 12, 30), 5)


def test_unknown_region_is_refused_by_name():
    with pytest.raises(ValueError, match="region must be one of ENG, WLS, SCT, NIR, got 'XYZ'"):
        bank_holidays("XYZ", [2026])


def test_snapshot_holds_only_weekdays_so_weekends_stay_non_working():
    snapshot = uk_calendar_snapshot("ENG", [2026], closures=[date(2026, 12, 26)], overrides=[date(2026, 12, 27)])
    assert all(day.weekday() < 5 for day in snapshot.non_working)
    assert not WorkingCalendar(snapshot).is_working_day(date(2026, 12, 27))
    assert date(2026, 12, 28) in snapshot.non_working and date(2026, 12, 28) - timedelta(days=2) not in snapshot.non_working
