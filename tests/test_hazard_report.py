"""Awaab's Law compliance figures by step and category (reports/hazard_report.py, `complaints hazards report`)."""

from datetime import date, datetime, timezone

from sqlmodel import Session

from reports.hazard_report import compliance
from models.hazard_tables import Hazard, HazardDeadline
from tests.cli_runner import complaints

AWARE = datetime(2026, 10, 24, 9, 0, tzinfo=timezone.utc)


def _hazards(engine) -> None:
    with Session(engine) as session:
        for number, category in ((1, "damp_and_mould"), (2, "damp_and_mould"), (3, "fire"), (4, "damp_and_mould")):
            session.add(Hazard(reference=f"HZD-2026-00000{number}", landlord="code-2024", category=category, aware_at=AWARE))
        session.flush()
        session.add_all(
            [
                HazardDeadline(
                    reference="HZD-2026-000001", name="investigate", due=date(2026, 11, 6), met=True, met_on=date(2026, 11, 5)
                ),
                HazardDeadline(
                    reference="HZD-2026-000002", name="investigate", due=date(2026, 11, 6), met=False, met_on=date(2026, 11, 9)
                ),
                HazardDeadline(reference="HZD-2026-000004", name="investigate", due=date(2026, 11, 20)),
                HazardDeadline(reference="HZD-2026-000004", name="summary", due=date(2026, 12, 20)),
                HazardDeadline(
                    reference="HZD-2026-000003",
                    name="emergency",
                    due=date(2026, 10, 25),
                    ceased="decanted",
                    due_at=datetime(2026, 10, 25, 9, tzinfo=timezone.utc),
                ),
            ]
        )
        session.commit()


def test_each_clock_is_counted_by_outcome_and_category(engine):
    _hazards(engine)
    rows = {(r.clock, r.category): r for r in compliance(engine, date(2026, 10, 1), date(2026, 12, 31), date(2026, 12, 1))}
    investigate = rows[("investigate", "damp_and_mould")]
    assert investigate.counts == {"on_time": 1, "late": 1, "overdue": 1, "open": 0, "ceased": 0}
    assert investigate.on_time_percent == 33.3
    assert rows[("summary", "all")].counts["open"] == 1, "not yet due on 1 December"
    assert rows[("emergency", "fire")].counts["ceased"] == 1 and rows[("emergency", "all")].on_time_percent is None
    assert rows[("safety_work", "all")].counts == {"on_time": 0, "late": 0, "overdue": 0, "open": 0, "ceased": 0}


def test_the_report_command_prints_csv(engine, database_url, monkeypatch):
    _hazards(engine)
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = complaints("hazards", "report", "--from", "2026-10-01", "--to", "2026-11-30", "--csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "clock,category,on_time,late,overdue,open,ceased"
    assert "investigate,damp_and_mould,1,1,1,0,0" in lines
    backwards = complaints("hazards", "report", "--from", "2026-11-30", "--to", "2026-10-01")
    assert backwards.exit_code == 2 and "--to is before --from" in backwards.output
