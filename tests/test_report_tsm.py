"""TSM CH01/CH02 from cases whose answers are known by hand (tests/report_cases.py)."""

import csv
import io
from datetime import date

import pytest

from reports.report_facts import facts_from_events, read_facts
from reports.reporting import ReportingYear, acknowledged_in_time, tsm
from reports.timeliness import code_timeliness
from models.tables import create_schema, make_engine
from tests.cli_runner import complaints
from tests.report_cases import CASES, at, insert_cases

YEAR = ReportingYear.parse("2025-26")


def event_facts():
    return [
        facts_from_events(reference=ref, received_at=at(received, 9), events=events, deadlines={})
        for ref, (received, events) in CASES.items()
    ]


@pytest.fixture
def read_model(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'complaints.db'}")
    create_schema(engine)
    insert_cases(engine)
    yield f"sqlite:///{tmp_path / 'complaints.db'}", engine
    engine.dispose()


def test_reporting_year_runs_april_to_march_and_refuses_other_forms():
    assert (YEAR.first, YEAR.last) == (date(2025, 4, 1), date(2026, 3, 31))
    for bad in ("2025", "2025-2026", "2025-27", "25-26"):
        with pytest.raises(ValueError, match="reporting year like 2025-26"):
            ReportingYear.parse(bad)


@pytest.mark.parametrize(
    ("reference", "ack_due", "respond_due", "in_time"),
    [
        ("CMP-2025-000001", date(2025, 6, 9), date(2025, 6, 18), True),
        ("CMP-2025-000002", date(2025, 6, 9), date(2025, 6, 18), False),
        ("CMP-2025-000003", date(2025, 6, 9), date(2025, 6, 25), True),
        ("CMP-2025-000004", date(2025, 6, 9), date(2025, 6, 18), False),
        ("CMP-2025-000005", date(2025, 6, 9), date(2025, 6, 23), False),
        ("CMP-2025-000006", date(2025, 6, 9), date(2025, 7, 2), False),
        ("CMP-2025-000007", date(2025, 6, 2), date(2025, 6, 16), None),
        ("CMP-2025-000008", date(2025, 4, 7), date(2025, 4, 15), True),
    ],
)
def test_code_due_dates_by_hand(reference, ack_due, respond_due, in_time):
    case = next(f for f in event_facts() if f.reference == reference)
    timeliness = code_timeliness(case, case.stage(1))
    assert (timeliness.acknowledge_due, timeliness.respond_due, timeliness.responded_in_time) == (ack_due, respond_due, in_time)


def test_stage2_due_dates_by_hand():
    first, second = event_facts()[:2]
    assert code_timeliness(first, first.stage(2)).respond_due == date(2025, 8, 6)
    assert code_timeliness(first, first.stage(2)).responded_in_time is True
    assert code_timeliness(second, second.stage(2)).responded_in_time is False


def test_ch01_and_ch02_by_hand():
    rows = {m.code: (m.numerator, m.denominator, m.value) for m in tsm(event_facts(), YEAR, homes=2000)}
    assert rows == {
        "CH01 (1)": (7, 2000, 3.5),
        "CH01 (2)": (2, 2000, 1.0),
        "CH02 (1)": (3, 8, 37.5),
        "CH02 (2)": (1, 2, 50.0),
    }


def test_ch01_without_homes_gives_counts_only():
    rows = {m.code: m.value for m in tsm(event_facts(), YEAR, homes=None)}
    assert rows["CH01 (1)"] is None and rows["CH02 (1)"] == 37.5


def test_the_previous_year_counts_only_what_it_received_and_answered():
    rows = {m.code: (m.numerator, m.denominator) for m in tsm(event_facts(), ReportingYear.parse("2024-25"), homes=1000)}
    assert rows == {"CH01 (1)": (1, 1000), "CH01 (2)": (0, 1000), "CH02 (1)": (0, 0), "CH02 (2)": (0, 0)}


def test_read_model_gives_the_same_facts_as_the_events(read_model):
    _, engine = read_model
    facts = read_facts(engine)
    assert [m.model_dump() for m in tsm(facts, YEAR, 2000)] == [m.model_dump() for m in tsm(event_facts(), YEAR, 2000)]
    assert read_facts(engine, landlord="someone-else") == []


def test_cli_prints_the_table_and_writes_csv(read_model, tmp_path):
    url, _ = read_model
    done = complaints(
        "report", "tsm", "--year", "2025-26", "--homes", "2000", "--database", url, "--csv", str(tmp_path / "tsm.csv")
    )
    assert done.exit_code == 0, done.stderr
    assert "CH02 (1)" in done.stdout and "37.5%" in done.stdout and "3.50" in done.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "tsm.csv").read_text())))
    assert [(r["measure"], r["numerator"], r["denominator"], r["value"]) for r in rows] == [
        ("CH01 (1)", "7", "2000", "3.5"),
        ("CH01 (2)", "2", "2000", "1.0"),
        ("CH02 (1)", "3", "8", "37.5"),
        ("CH02 (2)", "1", "2", "50.0"),
    ]
    done = complaints("report", "tsm", "--year", "2025-26", "--database", url, "--format", "csv")
    assert done.stdout.splitlines()[1] == '2025-26,CH01 (1),"Stage 1 complaints received per 1,000 homes",7,,,"per 1,000 homes"'


def test_cli_refuses_bad_homes_and_year(read_model):
    url, _ = read_model
    done = complaints("report", "tsm", "--year", "2025-26", "--homes", "0", "--database", url)
    assert done.exit_code == 2 and "--homes" in done.stderr
    done = complaints("report", "tsm", "--year", "2025/26", "--database", url)
    assert done.exit_code == 2 and "--year" in done.stderr and "2025-26" in done.stderr


def test_a_deadline_past_due_and_not_done_is_missed_as_of_the_report_date():
    """Issue 26: an open step already past due is missed, never "not yet decided"."""
    case = next(f for f in event_facts() if f.reference == "CMP-2025-000007")
    assert code_timeliness(case, case.stage(1), date(2025, 6, 16)).responded_in_time is None
    assert code_timeliness(case, case.stage(1), date(2025, 6, 17)).responded_in_time is False
    unacknowledged = case.model_copy(update={"stages": (case.stage(1).model_copy(update={"acknowledged_on": None}),)})
    assert code_timeliness(unacknowledged, unacknowledged.stage(1), date(2025, 6, 2)).acknowledged_in_time is None
    assert code_timeliness(unacknowledged, unacknowledged.stage(1), date(2025, 6, 3)).acknowledged_in_time is False
    figure = acknowledged_in_time([unacknowledged], YEAR, 1, date(2025, 7, 1))
    assert (figure.count, figure.total, figure.missed) == (0, 1, ("CMP-2025-000007",))


def test_the_code_dates_come_from_the_workflow_planner_with_the_code_profile():
    """One planner (workflows/deadlines.py) and the `code-2024` profile, not a second table of timescales."""
    import reports.timeliness

    assert not hasattr(reports.timeliness, "CODE_TIMESCALES")
    assert reports.timeliness.code_extension_limit(1) == 10 and reports.timeliness.code_extension_limit(2) == 20
