"""Wolverhampton Homes 002 §7.1/7.2: "If the investigation is going to take longer, the Customer Resolution Team
will contact the customer within 10 [20] days of the complaint being received" (`extension_contact_days`). An
extension agreed after that window is still accepted (the Code's own rule is met: agreed before the response is
due, 6.4), but it is recorded as late contact against the landlord's policy, shown with the extension on the case's
timeline, and counted in the self-assessment (issue 24 item 4).

Received Mon 2 Mar 2026: the contact window (10 calendar days of receipt) ends Thu 12 Mar; the stage 1 response
(10 WD from receipt) is due Mon 16 Mar."""

from datetime import datetime, timezone

from reports.report_facts import facts_from_simulation
from reports.reporting import ReportingYear
from reports.self_assessment import self_assessment

RECEIVED = "2026-03-02T09:00:00+00:00"


def extend(at: str) -> dict:
    return {"at": at, "action": "extend", "working_days": 5, "reason": "contractor report", "agreed_with_resident": True}


async def test_an_extension_agreed_after_the_contact_window_is_accepted_and_flagged_late_contact(run):
    late = await run(
        policy="wolverhampton-homes",
        received=RECEIVED,
        steps=[
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            extend("2026-03-13T09:00:00+00:00"),
        ],
    )
    in_time = await run(
        policy="wolverhampton-homes",
        received=RECEIVED,
        steps=[
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            extend("2026-03-12T09:00:00+00:00"),
        ],
    )
    assert late["rejected"] == [] and late["state"] == "stage1_extended"
    [extension] = [e for e in late["events"] if e["type"] == "extend"]
    assert (extension["late_contact"], extension["contact_due"]) == (True, "2026-03-12")
    [on_time] = [e for e in in_time["events"] if e["type"] == "extend"]
    assert "late_contact" not in on_time and on_time["contact_due"] == "2026-03-12"

    received = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    cases = [
        facts_from_simulation(late, received, reference="LATE", landlord="wolverhampton-homes"),
        facts_from_simulation(in_time, received, reference="IN-TIME", landlord="wolverhampton-homes"),
    ]
    [row] = [r for r in self_assessment(cases, ReportingYear.parse("2025-26")) if "contact window" in r.requirement]
    assert (row.figure.met, row.figure.missed) == (("IN-TIME",), ("LATE",))


async def test_a_profile_without_a_contact_window_records_no_contact_date(run):
    result = await run(
        policy="code-2024",
        received=RECEIVED,
        steps=[
            {"at": "2026-03-03T09:00:00+00:00", "action": "acknowledge"},
            extend("2026-03-13T09:00:00+00:00"),
        ],
    )
    [extension] = [e for e in result["events"] if e["type"] == "extend"]
    assert "contact_due" not in extension and "late_contact" not in extension
