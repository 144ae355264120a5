"""Why complaints happen and what the governing body sees, over HTTP against the real worker: the intake
picker of service areas, root causes ticked at the response with the learning point linked to one, the
quarterly pack page (and its PDF and CSV) showing them, cut by service area, and the governing body's
response recorded on its form and published beside the annual report."""

from sqlmodel import Session, select

from models.governance import ResponseRootCause
from models.record import Complaint, LearningPoint
from tests.test_web_cases import _acknowledged, _command_id, _response
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_intake_offers_the_service_areas_by_name_and_refuses_any_other(stack, signed_in):
    hana = await signed_in("hana")
    page = (await hana.get("/cases/new")).text
    assert '<option value="damp_and_mould"' in page and "Damp and mould" in page and "Service area it is about" in page
    intake_id = page.split('name="intake_id" value="', 1)[1].split('"', 1)[0]
    form = {
        "intake_id": intake_id,
        "policy": "code-2024",
        "region": "ENG",
        "channel": "phone",
        "text": "Mould in the bedroom",
        "resident.name": "Rita Example",
        "resident.address": "2 Low Street",
    }
    refused = await hana.post("/cases", form | {"category": "plumbing"})
    assert refused.status_code == 400 and "Service area it is about" in refused.text
    filed = await hana.post("/cases", form | {"category": "damp_and_mould"})
    assert filed.status_code == 303, filed.text[:2000]
    reference = filed.headers["location"].rsplit("/", 1)[1]
    with Session(stack.engine) as session:
        assert session.get(Complaint, reference).category == "damp_and_mould"


async def test_root_causes_at_the_response_reach_the_quarterly_pack(stack, signed_in):
    hana, mira = await signed_in("hana"), await signed_in("mira")
    reference = await _acknowledged(stack, hana)
    page = (await hana.get(f"/cases/{reference}")).text
    assert 'name="root_causes" value="contractor_failure"' in page and "A contractor let the resident down" in page
    command_id = _command_id(page, reference, "respond")
    wrong = await hana.post(
        f"/cases/{reference}/actions/respond",
        _response(
            command_id,
            root_causes="appointment_missed",
            learning="Contractors confirm visits the day before",
            learning_root_cause="contractor_failure",
        ),
    )
    assert wrong.status_code == 400 and "must be one of the root causes recorded for this response" in wrong.text
    assert 'id="respond-root_causes-appointment_missed" name="root_causes" value="appointment_missed" checked' in wrong.text
    sent = await hana.post(
        f"/cases/{reference}/actions/respond",
        _response(
            command_id,
            learning="Contractors confirm visits the day before",
            learning_root_cause="contractor_failure",
            root_causes=["contractor_failure", "appointment_missed"],
            **{"remedies.0.kind": "apology", "remedies.0.description": "We are sorry"},
        ),
    )
    assert sent.status_code == 303, sent.text[:3000]
    await stack.projected(reference, "stage1_responded")
    with Session(stack.engine) as session:
        assert sorted(
            r.code for r in session.exec(select(ResponseRootCause).where(ResponseRootCause.reference == reference))
        ) == ["appointment_missed", "contractor_failure"]
        assert [p.root_cause for p in session.exec(select(LearningPoint).where(LearningPoint.reference == reference))] == [
            "contractor_failure"
        ]

    learning = (await hana.get(f"/cases/{reference}")).text.split("Learning from this complaint")[1].split("</ul>")[0]
    assert (
        "Contractors confirm visits the day before" in learning and "root cause: A contractor let the resident down" in learning
    )

    pack = await mira.get("/reports/quarterly")
    assert pack.status_code == 200
    assert "A contractor let the resident down" in pack.text and "Contractors confirm visits the day before" in pack.text
    assert " style=" not in pack.text and "<style" not in pack.text  # under the CSP: classes and a linked stylesheet only
    cut = await mira.get("/reports/quarterly?service_area=estate_services")
    assert "Contractors confirm visits the day before" not in cut.text and "service area: Estate services" in cut.text
    bad = await mira.get("/reports/quarterly?root_cause=bad_luck")
    assert bad.status_code == 400 and "must be one of repair_not_done" in bad.text
    rows = (await mira.get("/reports/quarterly.csv")).text
    assert ",root_causes,contractor_failure,responses," in rows and ",improvements,1,root_cause,contractor_failure" in rows
    pdf = await mira.get("/reports/quarterly.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert (await hana.get("/reports/quarterly")).status_code == 403


async def test_the_governing_bodys_response_is_recorded_and_published_with_the_annual_report(stack, signed_in):
    hana, mira = await signed_in("hana"), await signed_in("mira")
    assert (await hana.get("/reports/annual/response")).status_code == 403
    page = (await mira.get("/reports/annual/response?year=2025-26")).text
    assert 'name="text"' in page and "Code 8.2" in page
    refused = await mira.post("/reports/annual/response", {"year": "2025", "landlord": "", "text": "Noted."})
    assert refused.status_code == 400 and "must be a reporting year like 2025-26" in refused.text
    empty = await mira.post("/reports/annual/response", {"year": "2025-26", "landlord": "", "text": "  "})
    assert empty.status_code == 400 and "enter the governing body&#39;s response" in empty.text
    done = await mira.post(
        "/reports/annual/response", {"year": "2025-26", "landlord": "", "text": "The Board accepted the report."}
    )
    assert done.status_code == 303
    assert "is recorded and published" in (await mira.get(done.headers["location"])).text
    report = (await mira.get("/reports/annual?year=2025-26")).text
    assert "The governing body's response (Code 8.2)" in report and "<p>The Board accepted the report.</p>" in report
    assert "The Board accepted" not in (await mira.get("/reports/annual?year=2024-25")).text
