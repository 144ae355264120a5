"""Hazards in the staff web UI: the dashboard's queue (emergencies on top, hours left), the hazard page with its
clocks and timeline, and steps recorded with the workflow's refusals shown against their field."""

import asyncio
from datetime import datetime, timedelta, timezone

from casework.access import Actor
from casework.hazards import report_hazard
from models.hazard_tables import Hazard
from sqlmodel import Session
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)


async def _projected(stack, reference: str, seq: int) -> None:
    for _ in range(200):
        with Session(stack.engine) as session:
            row = session.get(Hazard, reference)
        if row is not None and row.last_seq >= seq:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{reference} not projected to event {seq}")


async def test_the_queue_puts_emergencies_on_top_and_steps_are_recorded_on_the_hazard_page(stack, signed_in):
    complaint = await stack.start_case()
    hana_actor = Actor(username="hana", role="handler")
    now = datetime.now(timezone.utc)
    significant = await report_hazard(
        stack.client,
        stack.engine,
        category="damp_and_mould",
        landlord=None,
        actor=hana_actor,
        linked=(complaint,),
        task_queue=TASK_QUEUE,
    )
    emergency = await report_hazard(
        stack.client,
        stack.engine,
        category="electrical_hazards",
        landlord="code-2024",
        actor=hana_actor,
        aware_at=now - timedelta(hours=3),
        task_queue=TASK_QUEUE,
    )
    await _projected(stack, significant, 1)
    await _projected(stack, emergency, 1)
    hana = await signed_in("hana")

    page = await hana.get(f"/hazards/{emergency}")
    assert page.status_code == 200 and "No clock runs yet" in page.text
    triaged = await hana.post(
        f"/hazards/{emergency}/act", {"action": "hazard_triaged", "level": "emergency", "command_id": "web-" + "a" * 32}
    )
    assert triaged.status_code == 303, triaged.text[:2000]
    await _projected(stack, emergency, 2)

    dashboard = (await hana.get("/")).text
    queue = dashboard.split('id="hazards"', 1)[1].split("</table>", 1)[0]
    assert queue.index(emergency) < queue.index(significant), "the emergency is on top"
    assert "hours left" in queue and "Make safe within 24 hours" in queue

    refused = await hana.post(f"/hazards/{significant}/act", {"action": "hazard_summary_sent"})
    assert refused.status_code == 400
    assert "the written summary follows the investigation (reg 9)" in refused.text
    attempt = await hana.post(
        f"/hazards/{significant}/act", {"action": "hazard_access_attempt", "method": "phone", "outcome": "no_answer"}
    )
    assert attempt.status_code == 303
    await _projected(stack, significant, 2)
    page = (await hana.get(f"/hazards/{significant}")).text
    assert "Investigate (reg 6)" in page and f'<a href="/cases/{complaint}">{complaint}</a>' in page
    assert "access attempt" in page and "method: phone; outcome: no answer" in page
    case_page = (await hana.get(f"/cases/{complaint}")).text.split('id="hazards"', 1)[1]
    assert f'<a href="/hazards/{significant}">{significant}</a>' in case_page and "Investigate (reg 6)" in case_page
    export = await hana.get(f"/hazards/{significant}/timeline.csv")
    rows = export.text.splitlines()
    assert rows[0] == "hazard,seq,at_utc,step,details" and rows[1].split(",")[3] == "reported"
    assert rows[2].endswith(",access_attempt,method=phone; outcome=no_answer")
    bad = await hana.post(f"/hazards/{significant}/act", {"action": "hazard_triaged", "level": "urgent"})
    assert bad.status_code == 400 and 'href="#level"' in bad.text
    assert (await hana.get("/hazards/HZD-2026-999999")).status_code == 404


async def test_staff_record_a_hazard_noticed_on_a_visit_and_its_triage_records_who_and_the_vulnerabilities(stack, signed_in):
    hana = await signed_in("hana")
    form = (await hana.get("/hazards")).text
    assert '<option value="damp_and_mould"' in form and "crowding_and_space" not in form, "only hazards in scope"
    assert form.count("Record a hazard</h2>") == 1 and "<title>Hazards" in form
    missing = await hana.post("/hazards", {"category": "damp_and_mould", "linked": "", "landlord": ""})
    assert missing.status_code == 400 and "needs its landlord" in missing.text
    nowhere = await hana.post("/hazards", {"category": "damp_and_mould", "linked": "CMP-2026-999999"})
    assert nowhere.status_code == 400 and "there is no complaint or service request CMP-2026-999999" in nowhere.text
    recorded = await hana.post(
        "/hazards", {"category": "damp_and_mould", "landlord": "code-2024", "aware_at": "2026-11-30T09:15"}
    )
    assert recorded.status_code == 303, recorded.text[:2000]
    reference = recorded.headers["location"].rsplit("/", 1)[1]
    await _projected(stack, reference, 1)
    triaged = await hana.post(
        f"/hazards/{reference}/act",
        {"action": "hazard_triaged", "level": "significant", "vulnerabilities": ["children", "respiratory"]},
    )
    assert triaged.status_code == 303
    await _projected(stack, reference, 2)
    page = (await hana.get(f"/hazards/{reference}")).text
    assert "level: significant; vulnerabilities: children,respiratory; actor: hana" in page
    assert "30 November 2026 at 9:15am" in page


async def test_the_written_summary_says_what_was_found_the_work_and_its_dates_and_how_to_reach_the_ombudsman(stack, signed_in):
    complaint = await stack.start_case()
    reference = await report_hazard(
        stack.client,
        stack.engine,
        category="damp_and_mould",
        landlord=None,
        actor=Actor(username="hana", role="handler"),
        linked=(complaint,),
        task_queue=TASK_QUEUE,
    )
    await _projected(stack, reference, 1)
    hana = await signed_in("hana")
    assert "record the investigation first" in (await hana.get(f"/hazards/{reference}/summary")).text
    done = await hana.post(
        f"/hazards/{reference}/act",
        {"action": "hazard_investigated", "found": "significant", "safety_work": "yes", "preventative_work": "yes"},
    )
    assert done.status_code == 303, done.text[:2000]
    await _projected(stack, reference, 2)
    letter = (await hana.get(f"/hazards/{reference}/summary")).text.split('id="summary-letter"', 1)[1]
    assert "about damp and mould growth in your home" in letter and "a significant hazard" in letter
    assert "Safety work (reg 11): by " in letter and "Begin preventative work (reg 13): by " in letter
    assert "Housing Ombudsman Service: 0300 111 3000" in letter
    assert f"your complaint {complaint}" in letter and "1 High Street" in letter


async def test_triage_at_the_door_a_complaint_about_mould_starts_its_hazard_clocks_from_receipt(stack, signed_in):
    from casework.intake import Intake
    from tests.web_stack import filled

    hana = await signed_in("hana")
    page = await hana.get("/cases/new")
    assert "Does the resident report damp and mould, or anything dangerous in the home?" in page.text
    intake_id = page.text.split('name="intake_id" value="', 1)[1].split('"', 1)[0]
    form = filled(Intake) | {
        "intake_id": intake_id,
        "text": "Black mould in the child's bedroom",
        "hazard_category": "damp_and_mould",
        "hazard_level": "significant",
        "hazard_vulnerabilities": ["children", "respiratory"],
    }
    filed = await hana.post("/cases", form)
    assert filed.status_code == 303, filed.text[:3000]
    complaint = filed.headers["location"].rsplit("/", 1)[1]
    case_page = (await hana.get(f"/cases/{complaint}")).text
    assert "Hazard HZD-" in case_page and "its Awaab&#39;s Law clocks run from receipt" in case_page
    hazard = case_page.split('id="hazards"', 1)[1].split('<a href="/hazards/', 1)[1].split('"', 1)[0]
    await _projected(stack, hazard, 2)
    hazard_page = (await hana.get(f"/hazards/{hazard}")).text
    assert "level: significant; vulnerabilities: children,respiratory; actor: hana" in hazard_page
    assert f'<a href="/cases/{complaint}">{complaint}</a>' in hazard_page


async def test_a_hazard_reported_by_a_service_request_is_linked_to_it(stack, signed_in):
    hana = await signed_in("hana")
    await hana.post(
        "/service-requests",
        {
            "channel": "phone",
            "resident.name": "Sam Tenant",
            "resident.address": "4 Mill Lane",
            "text": "Water coming through the light fitting.",
        },
    )
    listing = (await hana.get("/service-requests")).text
    request_id = listing.split('<td><a href="/service-requests/', 1)[1].split('"', 1)[0]
    page = (await hana.get(f"/service-requests/{request_id}")).text
    assert f'href="/hazards?linked={request_id}#category"' in page
    assert f'value="{request_id}"' in (await hana.get(f"/hazards?linked={request_id}")).text
    recorded = await hana.post("/hazards", {"category": "electrical_hazards", "linked": request_id})
    assert recorded.status_code == 303, recorded.text[:2000]
    reference = recorded.headers["location"].rsplit("/", 1)[1]
    await _projected(stack, reference, 1)
    assert f'<a href="/service-requests/{request_id}">{request_id}</a>' in (await hana.get(f"/hazards/{reference}")).text
