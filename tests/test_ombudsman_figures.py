"""The Ombudsman figures (reports/ombudsman_figures.py) of cases run through the real workflow into a read model
of their own, on SQLite and PostgreSQL, against figures counted by hand; and the annual report's Code 8.1 c,
e and f showing them.

Three cases, the reporting year 2026-27 (1 Apr 2026 to 31 Mar 2027):
A  final response Wed 1 Apr 2026; referred 1 Jun 2026 (in time); CHFO issued 30 Jun 2026 (evidence not
   provided); determined 1 Sep 2026: complaint handling maladministration, repairs service failure; orders
   `apology` (due 29 Sep, complied 21 Sep) and `pay` (due 29 Sep, complied 5 Oct: late).
B  escalation refused (excluded) Thu 12 Mar 2026; referred Mon 15 Mar 2027, after 12 months (late,
   reopened); determined 16 Mar 2027: complaint handling no maladministration; order `review` due Fri 26
   Mar 2027, complied Tue 6 Apr 2027 (overdue at the year's end, complied late the next year).
C  at stage 1: CHFOs issued 20 Mar 2026 (before the year) and 30 Apr 2026 (not progressed).
"""

from datetime import date

from sqlmodel import Session

from reports.ombudsman_figures import NonCompliance, ombudsman_figures
from reports.report_facts import read_facts
from models.tables import Case
from reports.quarterly import Quarter, quarterly_figures
from reports.reporting import ReportingYear, annual_figures
from starter.annual_report import annual_report_html
from starter.quarterly_pack import pack_csv, pack_html
from starter.scenario import Scenario
from starter.simulate import simulator
from tests.test_ombudsman import TO_FINAL_RESPONSE, TO_STAGE1_RESPONSE, determine, refer

CASE_A = [
    *TO_FINAL_RESPONSE,
    refer("2026-06-01T09:00:00+00:00"),
    {
        "at": "2026-07-01T09:00:00+00:00",
        "action": "complaint_handling_failure_order",
        "reason": "evidence_not_provided",
        "issued_on": "2026-06-30",
    },
    determine("2026-09-01T09:00:00+00:00", ("apology", "apology", "2026-09-29"), ("pay", "compensation", "2026-09-29")),
    {"at": "2026-09-21T09:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "apology"},
    {"at": "2026-10-05T09:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "pay"},
]
CASE_B = [
    *TO_STAGE1_RESPONSE,
    {"at": "2026-03-11T09:00:00+00:00", "action": "request_stage2"},
    {"at": "2026-03-12T09:00:00+00:00", "action": "exclude", "reason": "matter already decided"},
    refer("2027-03-15T09:00:00+00:00"),
    {
        "at": "2027-03-16T09:00:00+00:00",
        "action": "ombudsman_determination",
        "findings": [{"element": "complaint_handling", "finding": "no_maladministration"}],
        "orders": [{"order_id": "review", "kind": "review", "due_on": "2027-03-26"}],
    },
    {"at": "2027-04-06T09:00:00+00:00", "action": "ombudsman_order_complied", "order_id": "review"},
]
CASE_C = [
    {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
    {
        "at": "2026-03-20T09:00:00+00:00",
        "action": "complaint_handling_failure_order",
        "reason": "not_progressed",
        "issued_on": "2026-03-20",
    },
    {
        "at": "2026-05-01T09:00:00+00:00",
        "action": "complaint_handling_failure_order",
        "reason": "not_progressed",
        "issued_on": "2026-04-30",
    },
]
YEAR = ReportingYear.parse("2026-27")
QUARTER = Quarter.of("2026-27", 2)
"""July to September 2026: A's determination (1 Sep) and its two orders, one complied (21 Sep), one overdue (29 Sep)."""


async def test_a_years_ombudsman_figures_as_counted_by_hand(database_url):
    async with simulator(database_url) as sim:
        references = []
        for steps in (CASE_A, CASE_B, CASE_C):
            view, rejected = await sim.run_case(
                Scenario.model_validate({"received": "2026-03-02T09:00:00+00:00", "steps": steps})
            )
            assert rejected == []
            references.append(view.reference)
        a, b, c = references
        with Session(sim.engine) as session:
            year = ombudsman_figures(session, None, YEAR.first, YEAR.last)
            next_year = ombudsman_figures(session, None, date(2027, 4, 1), date(2028, 3, 31))
            only_a = ombudsman_figures(session, session.get(Case, a).landlord, YEAR.first, YEAR.last)
            second_quarter = ombudsman_figures(session, None, QUARTER.first, QUARTER.last)
        facts = read_facts(sim.engine)

    assert (year.referrals, year.referrals_late, year.determinations) == (2, 1, 2)
    assert dict(year.findings) == {
        "severe_maladministration": 0,
        "maladministration": 1,
        "service_failure": 1,
        "no_maladministration": 1,
        "reasonable_redress": 0,
        "outside_jurisdiction": 0,
    }
    assert year.adverse_findings == 2 and round(year.maladministration_rate, 1) == 66.7
    assert year.non_compliance == (
        NonCompliance(c, date(2026, 4, 30), "chfo:not_progressed"),
        NonCompliance(a, date(2026, 6, 30), "chfo:evidence_not_provided"),
        NonCompliance(a, date(2026, 9, 1), "maladministration"),
    )
    assert (year.orders_made, year.orders_complied, year.orders_complied_late) == (3, 2, 1)
    assert year.orders_overdue == ((b, "review", date(2027, 3, 26)),)
    assert dict(year.failure_orders)["not_progressed"] == 1 and year.failure_orders_total == 2

    assert (next_year.referrals, next_year.orders_made, next_year.orders_complied, next_year.orders_complied_late) == (0, 0, 1, 1)
    assert next_year.orders_overdue == () and next_year.maladministration_rate is None

    assert (only_a.referrals, only_a.orders_made, only_a.failure_orders_total) == (1, 2, 1)

    html = annual_report_html(annual_figures(facts, YEAR), [], "All landlords", year)
    text = " ".join(html.split())
    assert "2 referrals to the Ombudsman were recorded (1 more than 12 months after the final response)" in text
    assert "Findings of non-compliance with the Code by the Ombudsman (Code 8.1c): 3." in text
    assert f"<td>30 April 2026</td><td>{c}</td><td>Complaint Handling Failure Order: not progressed</td>" in text
    assert "2 determinations: 3 findings, 2 against the landlord (66.7%)" in text
    assert "3 orders made; 2 complied with (1 late); 1 overdue at 31 March 2027" in text

    # The quarterly pack for the Member Responsible for Complaints (Code 9.6-9.7) shows the quarter's own.
    assert (second_quarter.referrals, second_quarter.determinations, second_quarter.orders_made) == (0, 1, 2)
    assert (second_quarter.orders_complied, second_quarter.orders_complied_late) == (1, 0)
    assert second_quarter.orders_overdue == ((a, "pay", date(2026, 9, 29)),)
    pack = " ".join(pack_html(quarterly_figures(facts, QUARTER), "All landlords", ombudsman=second_quarter).split())
    assert "Ombudsman findings and compliance with orders" in pack
    assert "0 referrals to the Housing Ombudsman were recorded in the quarter" in pack
    assert "Findings of non-compliance with the Code by the Ombudsman (Code 8.1c): 1." in pack
    assert "2 orders made; 1 complied with (0 late); 1 overdue at 30 September 2026" in pack
    table = pack_csv(quarterly_figures(facts, QUARTER), second_quarter)
    assert ",ombudsman,orders,overdue,1\n" in table and ",ombudsman_findings,maladministration,elements,1\n" in table
