"""The board's figures reconcile with the dashboard (issue 26 item 2): complaints whose acknowledgement
is overdue on the dashboard are counted as missed acknowledgements in the annual report of the same
day, on the page the board reads and in the self-assessment, never "4 of 4 (100.0%)"."""

from datetime import datetime, timedelta, timezone

from casework.intake import Intake, ResidentDetails, file_complaint
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401

LATE = 3


async def _filed_days_ago(stack, days: int, n: int) -> str:
    intake = Intake(
        intake_id=f"reconcile-{days}-{n}",
        policy="code-2024",
        channel="phone",
        handler="hana",
        resident=ResidentDetails(name=f"Late Resident {n}", address="2 Mill Lane"),
        text="The boiler has failed three times since October.",
        received_at=datetime.now(timezone.utc) - timedelta(days=days),
    )
    filed = await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)
    await stack.projected(filed.reference)
    return filed.reference


def _stage_row(dashboard: str, stage: int) -> str:
    return dashboard.split(f'href="/cases?stage={stage}">Stage {stage}</a>', 1)[1].split("</tr>", 1)[0]


async def test_the_annual_report_counts_every_overdue_acknowledgement_the_dashboard_shows(stack, signed_in):
    late = [await _filed_days_ago(stack, 40, n) for n in range(LATE)]
    await _filed_days_ago(stack, 0, 99)
    for reference in late:
        for _ in range(200):
            if (await stack.projected(reference)).overdue:
                break
        assert (await stack.projected(reference)).overdue, reference
    mira = await signed_in("mira")
    dashboard = (await mira.get("/")).text
    overdue = int(_stage_row(dashboard, 1).rsplit('overdue=yes">', 1)[1].split("<", 1)[0])
    assert overdue == LATE
    report = (await mira.get("/reports/annual")).text
    assert f"0 of {LATE} (0.0%)" in report and "100.0%" not in report.split("Self-assessment", 1)[0]
    assert "6.2" in report and "Not always" in report


async def test_the_number_of_homes_for_tsm_ch01_is_given_on_the_web(stack, signed_in):
    """Issue 26 item 12: CH01 (per 1,000 homes) from the report page, not only the command line."""
    await _filed_days_ago(stack, 1, 500)
    mira = await signed_in("mira")
    without = (await mira.get("/reports/annual")).text
    assert "homes not given" in without and 'id="homes"' in without
    report = (await mira.get("/reports/annual", params={"homes": "2,000"})).text
    assert "homes not given" not in report.split("CH02")[0] and "per 1,000 homes" in report
    assert "homes=2%2C000" in report or "homes=2,000" in report  # the PDF link keeps it
    refused = await mira.get("/reports/annual", params={"homes": "lots"})
    assert refused.status_code == 400 and "Number of homes must be a whole number from 1 to 2,000,000" in refused.text


async def test_the_governing_bodys_response_takes_its_year_from_the_reports_list(stack, signed_in):
    """Issue 26 item 12: the same list of years as the report, not free text."""
    mira = await signed_in("mira")
    years = (await mira.get("/reports/annual")).text.split('id="year" name="year">', 1)[1].split("</select>", 1)[0]
    form = (await mira.get("/reports/annual/response")).text
    assert '<select class="select" id="year" name="year"' in form
    offered = form.split('id="year" name="year"', 1)[1].split("</select>", 1)[0]
    assert [o.split('"')[1] for o in offered.split("<option value=")[1:]] == [
        o.split('"')[1] for o in years.split("<option value=")[1:]
    ]


async def test_the_audit_log_shows_case_views_reassignments_and_exports_by_person(stack, signed_in):
    """Issue 26 item 12: not only sign-ins and admin actions; filtered by who."""
    reference = await stack.start_case(handler=None)
    mira, aude = await signed_in("mira"), await signed_in("aude")
    await mira.get(f"/cases/{reference}")
    assert (await mira.post(f"/cases/{reference}/take", {})).status_code == 303
    assert (await mira.get("/reports/quarterly.csv")).status_code == 200
    log = (await aude.get("/audit", params={"show": "cases", "person": "mira"})).text
    table = log.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Case viewed" in table and f"{reference} to mira" in table and "quarterly pack" in table
    assert "hana" not in table
    others = (await aude.get("/audit", params={"show": "cases", "person": "hana"})).text.split("<tbody>", 1)[1]
    assert reference not in others.split("</tbody>", 1)[0]
