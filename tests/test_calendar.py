"""The working-day calendar: properties against GOV.UK's bank holiday lists, and hand-checked dates for each UK nation.

The expected dates in the hand-checked cases come from the published GOV.UK bank holiday lists, not
from the `holidays` package, so they also catch a wrong package version or category.
"""

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import CalendarSnapshot, WorkingCalendar, bank_holidays, uk_calendar_snapshot

YEARS = range(2019, 2032)
regions = st.sampled_from(["ENG", "WLS", "SCT", "NIR"])
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 12, 31))
some_days = st.lists(days, max_size=5)


def calendar(region: str = "ENG", closures=(), overrides=()) -> WorkingCalendar:
    return WorkingCalendar(uk_calendar_snapshot(region, YEARS, closures=closures, overrides=overrides))


GOV_UK = {
    "ENG": """2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26
              2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28
              2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28""",
    "SCT": """2025-01-01 2025-01-02 2025-04-18 2025-05-05 2025-05-26 2025-08-04 2025-12-01 2025-12-25 2025-12-26
              2026-01-01 2026-01-02 2026-04-03 2026-05-04 2026-05-25 2026-06-15 2026-08-03 2026-11-30 2026-12-25
              2026-12-28 2027-01-01 2027-01-04 2027-03-26 2027-05-03 2027-05-31 2027-08-02 2027-11-30 2027-12-27
              2027-12-28""",
    "NIR": """2025-01-01 2025-03-17 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-07-14 2025-08-25 2025-12-25
              2025-12-26 2026-01-01 2026-03-17 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-07-13 2026-08-31
              2026-12-25 2026-12-28 2027-01-01 2027-03-17 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-07-12
              2027-08-30 2027-12-27 2027-12-28""",
}
GOV_UK["WLS"] = GOV_UK["ENG"]
"""The weekday bank holidays GOV.UK publishes for 2025-2027 (https://www.gov.uk/bank-holidays, also
https://www.gov.uk/bank-holidays.json: England and Wales, Scotland, Northern Ireland), typed from the page;
Scotland's 15 Jun 2026 is the one-off World Cup holiday by royal proclamation. The property tests below
walk day by day over these, independently of `holidays` and numpy."""
official_days = st.dates(min_value=date(2025, 4, 15), max_value=date(2027, 9, 20))  # 60 working days inside the list


def official_working_day(region: str, day: date, closures=(), overrides=()) -> bool:
    listed = {date.fromisoformat(d) for d in GOV_UK[region].split()}
    if day.weekday() >= 5:
        return False
    return day in set(overrides) or (day not in listed and day not in set(closures))


def walk(region: str, start: date, n: int, closures=(), overrides=()) -> date:
    """DESIGN.md's add_working_days by hand: roll a non-working start forward, then step n working days."""
    works = lambda d: official_working_day(region, d, closures, overrides)  # noqa: E731
    day = start
    while not works(day):
        day += timedelta(days=1)
    step = timedelta(days=1 if n >= 0 else -1)
    for _ in range(abs(n)):
        day += step
        while not works(day):
            day += step
    return day


@settings(max_examples=300, deadline=None)
@given(region=regions, start=official_days, n=st.integers(-60, 60), closures=some_days, overrides=some_days)
def test_add_working_days_walks_the_official_bank_holidays(region, start, n, closures, overrides):
    assert calendar(region, closures, overrides).add_working_days(start, n) == walk(region, start, n, closures, overrides)


@settings(max_examples=300, deadline=None)
@given(region=regions, start=official_days, end=official_days, closures=some_days, overrides=some_days)
def test_between_counts_official_working_days_from_start_to_before_end(region, start, end, closures, overrides):
    """numpy's busday_count (DESIGN.md): the working days in [start, end); when end comes first, minus
    those in (end, start]."""
    if start <= end:
        days_in, sign = (start + timedelta(days=i) for i in range((end - start).days)), 1
    else:
        days_in, sign = (end + timedelta(days=i + 1) for i in range((start - end).days)), -1
    expected = sign * sum(official_working_day(region, d, closures, overrides) for d in days_in)
    assert calendar(region, closures, overrides).working_days_between(start, end) == expected


@settings(max_examples=300, deadline=None)
@given(region=regions, start=days, gap=st.integers(0, 400), closures=some_days, overrides=some_days)
def test_adding_the_working_days_between_gives_back_a_working_end(region, start, gap, closures, overrides):
    cal = calendar(region, closures, overrides)
    start = cal.next_working_day(start)
    end = cal.next_working_day(start + timedelta(days=gap))
    assert cal.add_working_days(start, cal.working_days_between(start, end)) == end


@settings(max_examples=100, deadline=None)
@given(region=regions, day=official_days)
def test_is_and_next_working_day_agree_with_the_official_list(region, day):
    cal = calendar(region)
    assert cal.is_working_day(day) == official_working_day(region, day)
    assert cal.next_working_day(day) == walk(region, day, 0)


@pytest.mark.parametrize(
    ("region", "start", "n", "expected", "why"),
    [
        ("ENG", "2026-12-18", 5, "2026-12-29", "Christmas Fri 25, Boxing Day Sat 26 substituted Mon 28 (DESIGN.md)"),
        ("WLS", "2026-12-18", 5, "2026-12-29", "Wales: the same Christmas"),
        ("ENG", "2027-12-24", 1, "2027-12-29", "Christmas Sat 25 and Boxing Day Sun 26 substituted Mon 27, Tue 28"),
        ("ENG", "2026-12-19", 1, "2026-12-22", "a Saturday start rolls to Mon 21 first"),
        ("ENG", "2026-12-22", -3, "2026-12-17", "counting back over a weekend"),
        ("ENG", "2026-12-25", 0, "2026-12-29", "zero days from a holiday is the next working day"),
        ("ENG", "2026-04-02", 1, "2026-04-07", "Good Friday 3 Apr and Easter Monday 6 Apr"),
        ("WLS", "2026-04-02", 1, "2026-04-07", "Wales keeps Easter Monday like England"),
        ("NIR", "2026-04-02", 1, "2026-04-07", "Northern Ireland keeps Easter Monday too"),
        ("SCT", "2026-04-02", 1, "2026-04-06", "Scotland has Good Friday but not Easter Monday"),
        ("SCT", "2025-12-31", 1, "2026-01-05", "Scotland: 1 Jan (Thu) and 2 January (Fri)"),
        ("SCT", "2026-12-31", 1, "2027-01-05", "Scotland: 1 Jan (Fri), 2 January on Sat substituted Mon 4 Jan"),
        ("ENG", "2025-12-31", 1, "2026-01-02", "England works 2 January"),
        ("ENG", "2026-12-31", 1, "2027-01-04", "England: 1 Jan 2027 only"),
        ("SCT", "2026-11-27", 1, "2026-12-01", "St Andrew's Day, Mon 30 Nov 2026"),
        ("SCT", "2025-11-28", 1, "2025-12-02", "St Andrew's Day Sun 30 Nov 2025, substituted Mon 1 Dec"),
        ("ENG", "2026-11-27", 1, "2026-11-30", "England works St Andrew's Day"),
        ("SCT", "2026-07-31", 1, "2026-08-04", "Scottish summer holiday: first Monday of August"),
        ("ENG", "2026-07-31", 1, "2026-08-03", "England works the first Monday of August"),
        ("ENG", "2026-08-28", 1, "2026-09-01", "English summer holiday: last Monday of August"),
        ("WLS", "2026-08-28", 1, "2026-09-01", "Welsh summer holiday: last Monday of August"),
        ("SCT", "2026-08-28", 1, "2026-08-31", "Scotland works the last Monday of August"),
        ("SCT", "2026-06-12", 1, "2026-06-16", "one-off: Scotland's World Cup bank holiday, Mon 15 Jun 2026"),
        ("ENG", "2026-06-12", 1, "2026-06-15", "England works 15 Jun 2026"),
        ("NIR", "2026-03-16", 1, "2026-03-18", "St Patrick's Day, Tue 17 Mar 2026"),
        ("NIR", "2024-03-15", 1, "2024-03-19", "St Patrick's Day Sun 17 Mar 2024, substituted Mon 18"),
        ("ENG", "2026-03-16", 1, "2026-03-17", "England works St Patrick's Day"),
        ("NIR", "2026-07-10", 1, "2026-07-14", "Battle of the Boyne Sun 12 Jul 2026, substituted Mon 13"),
        ("NIR", "2025-07-11", 1, "2025-07-15", "Battle of the Boyne Sat 12 Jul 2025, substituted Mon 14"),
        ("NIR", "2023-07-11", 1, "2023-07-13", "Battle of the Boyne Wed 12 Jul 2023"),
        ("ENG", "2022-09-16", 1, "2022-09-20", "one-off: the Queen's state funeral, Mon 19 Sep 2022"),
        ("SCT", "2022-09-16", 1, "2022-09-20", "the state funeral was UK-wide"),
        ("ENG", "2023-05-05", 1, "2023-05-09", "one-off: the Coronation, Mon 8 May 2023"),
        ("NIR", "2023-05-05", 1, "2023-05-09", "the Coronation was UK-wide"),
        ("ENG", "2022-06-01", 1, "2022-06-06", "Spring bank holiday moved to Thu 2 Jun, Platinum Jubilee Fri 3 Jun"),
        ("ENG", "2025-04-17", 1, "2025-04-22", "Good Friday 18 and Easter Monday 21 Apr 2025"),
        ("SCT", "2025-04-17", 1, "2025-04-21", "Scotland works Easter Monday 2025"),
        ("NIR", "2027-03-16", 1, "2027-03-18", "St Patrick's Day, Wed 17 Mar 2027"),
        ("ENG", "2027-12-23", 2, "2027-12-29", "Christmas 2027 on a weekend: Mon 27 and Tue 28 off"),
        ("SCT", "2027-12-24", 1, "2027-12-29", "Scotland keeps the same Christmas 2027"),
    ],
)
def test_hand_checked_dates(region, start, n, expected, why):
    assert calendar(region).add_working_days(date.fromisoformat(start), n) == date.fromisoformat(expected), why


@pytest.mark.parametrize(
    ("region", "start", "end", "expected", "counted"),
    [
        ("ENG", "2026-04-01", "2026-05-01", 20, "April 2026: 22 weekdays less Good Friday 3 and Easter Monday 6"),
        ("SCT", "2026-04-01", "2026-05-01", 21, "Scotland: less Good Friday only"),
        ("NIR", "2026-04-01", "2026-05-01", 20, "Northern Ireland: as England"),
        ("ENG", "2025-05-01", "2025-06-01", 20, "May 2025: 22 weekdays less Mon 5 and Mon 26"),
        ("SCT", "2025-05-01", "2025-06-01", 20, "Scotland has both May Mondays too"),
        ("ENG", "2026-12-21", "2027-01-05", 8, "Mon 21-Thu 24, Tue 29-Thu 31, Mon 4 Jan"),
        ("SCT", "2026-12-21", "2027-01-05", 7, "Scotland: 2 Jan on a Saturday, so Mon 4 Jan off"),
        ("ENG", "2027-07-30", "2027-08-04", 3, "Fri 30 Jul, Mon 2 and Tue 3 Aug"),
        ("SCT", "2027-07-30", "2027-08-04", 2, "Scotland: first Monday of August, 2 Aug 2027"),
        ("NIR", "2025-07-11", "2025-07-16", 2, "Northern Ireland: Boyne Sat 12 Jul, Mon 14 off"),
        ("ENG", "2025-07-11", "2025-07-16", 3, "England: Fri 11, Mon 14, Tue 15"),
        ("ENG", "2027-03-15", "2027-04-01", 11, "13 weekdays less Good Friday 26 and Easter Monday 29 Mar"),
        ("NIR", "2027-03-15", "2027-04-01", 10, "and St Patrick's Day, Wed 17 Mar"),
        ("SCT", "2027-03-15", "2027-04-01", 12, "Scotland: Good Friday only"),
        ("SCT", "2025-11-28", "2025-12-03", 2, "St Andrew's Sun 30 Nov 2025, Mon 1 Dec off"),
        ("ENG", "2025-11-28", "2025-12-03", 3, "England works 1 Dec"),
        ("ENG", "2026-04-07", "2026-04-02", -1, "backwards: Fri 3 and Mon 6 off, Tue 7 counted"),
        ("SCT", "2026-04-07", "2026-04-02", -2, "backwards in Scotland: Mon 6 and Tue 7"),
        ("SCT", "2026-06-12", "2026-06-17", 2, "Scotland's World Cup Monday, 15 Jun 2026"),
        ("ENG", "2026-06-12", "2026-06-17", 3, "England works 15 Jun 2026"),
        ("ENG", "2025-01-01", "2026-01-01", 253, "2025: 261 weekdays less 8 bank holidays"),
        ("SCT", "2025-01-01", "2026-01-01", 252, "less Scotland's 9"),
        ("NIR", "2025-01-01", "2026-01-01", 251, "less Northern Ireland's 10"),
        ("ENG", "2026-01-01", "2027-01-01", 253, "2026: 261 weekdays less 8"),
        ("SCT", "2026-01-01", "2027-01-01", 251, "less 10 (the World Cup Monday among them)"),
        ("NIR", "2026-01-01", "2027-01-01", 251, "less 10"),
        ("ENG", "2027-01-01", "2028-01-01", 253, "2027: 261 weekdays less 8"),
        ("SCT", "2027-01-01", "2028-01-01", 252, "less 9"),
        ("NIR", "2027-01-01", "2028-01-01", 251, "less 10"),
    ],
)
def test_hand_counted_working_days_between(region, start, end, expected, counted):
    """Counted by hand on a printed calendar from the GOV.UK lists above: start counted, end not."""
    between = calendar(region).working_days_between(date.fromisoformat(start), date.fromisoformat(end))
    assert between == expected, counted


def test_wales_has_the_same_bank_holidays_as_england():
    assert calendar("WLS").snapshot.non_working == calendar("ENG").snapshot.non_working


def test_only_bank_holidays_are_listed():
    """GOV.UK's eight English days plus Boxing Day itself on its Saturday; no observances or optional days."""
    assert sorted(bank_holidays("ENG", [2026])) == [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 28),
    ]


def test_closure_day_is_skipped_and_override_makes_a_holiday_a_working_day():
    start = date(2026, 12, 21)
    assert calendar("ENG").add_working_days(start, 10) == date(2027, 1, 7)
    assert calendar("ENG", closures=[date(2026, 12, 31)]).add_working_days(start, 10) == date(2027, 1, 8)
    assert calendar("ENG", overrides=[date(2026, 12, 28)]).add_working_days(start, 10) == date(2027, 1, 6)
    assert calendar("ENG", closures=[date(2026, 12, 31)], overrides=[date(2026, 12, 31)]).is_working_day(date(2026, 12, 31)), (
        "an override wins over a closure"
    )


def test_overrides_never_make_a_weekend_a_working_day():
    cal = calendar("ENG", overrides=[date(2026, 12, 26), date(2026, 12, 27)])
    assert not cal.is_working_day(date(2026, 12, 26)), "Boxing Day on a Saturday stays a weekend"
    assert not cal.is_working_day(date(2026, 12, 27))
    assert not cal.is_working_day(date(2026, 12, 28)), "its substitute Monday is still a holiday"
    assert all(day.weekday() < 5 for day in cal.snapshot.non_working)


def test_between_counts_start_but_not_end():
    cal = calendar("ENG")
    assert cal.working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 5
    assert cal.working_days_between(date(2026, 12, 29), date(2026, 12, 18)) == -5
    assert cal.working_days_between(date(2026, 12, 25), date(2026, 12, 25)) == 0


def test_dates_outside_the_snapshot_are_refused_by_name():
    cal = WorkingCalendar(uk_calendar_snapshot("ENG", [2026]))
    with pytest.raises(ValueError, match="outside this calendar's years 2026-2026"):
        cal.add_working_days(date(2026, 12, 30), 5)
    with pytest.raises(ValueError, match="2025-12-31 is outside this calendar's years 2026-2026"):
        cal.is_working_day(date(2025, 12, 31))
    with pytest.raises(ValueError, match="outside this calendar's years 2026-2026"):
        cal.working_days_between(date(2026, 1, 5), date(2027, 1, 5))


@pytest.mark.parametrize("build", [lambda: bank_holidays("XYZ", [2026]), lambda: uk_calendar_snapshot("XYZ", [2026])])
def test_unknown_region_is_refused_by_name(build):
    with pytest.raises(ValueError, match="^region must be one of ENG, WLS, SCT, NIR, got 'XYZ'$"):
        build()


def test_snapshot_spans_every_year_between_the_first_and_last_and_round_trips_as_json():
    snapshot = uk_calendar_snapshot("SCT", [2027, 2025], closures=[date(2024, 12, 31), date(2026, 6, 1)])
    assert (snapshot.first_year, snapshot.last_year) == (2025, 2027)
    assert date(2026, 11, 30) in snapshot.non_working and date(2026, 6, 1) in snapshot.non_working
    assert date(2024, 12, 31) not in snapshot.non_working, "closures outside the span are dropped"
    assert list(snapshot.non_working) == sorted(set(snapshot.non_working))
    assert CalendarSnapshot.model_validate_json(snapshot.model_dump_json()) == snapshot
    with pytest.raises(ValueError):
        snapshot.first_year = 2020


def test_working_calendar_does_not_load_holidays():
    """Workflow code imports this module; `holidays` must stay out of the sandbox."""
    code = (
        "import sys; from datetime import date; "
        "from models.calendar import CalendarSnapshot, WorkingCalendar; "
        "christmas = (date(2026, 12, 25), date(2026, 12, 28)); "
        "cal = WorkingCalendar(CalendarSnapshot(first_year=2026, last_year=2026, non_working=christmas)); "
        "assert cal.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29); "
        "assert 'holidays' not in sys.modules, 'holidays was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
