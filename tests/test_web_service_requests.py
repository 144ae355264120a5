"""Service requests in the web UI (Code 1.2-1.3): recorded, listed while open, converted to a complaint
whose case page opens, against the real worker on a dev server."""

import pytest
from sqlmodel import Session, func, select

from models.record import Complaint, ServiceRequest
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


REQUEST = {"channel": "phone", "resident.name": "Sam Tenant", "resident.address": "4 Mill Lane",
           "text": "The boiler has no pressure; please send an engineer."}


def _count(stack, model) -> int:
    with Session(stack.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


async def test_record_list_and_convert_a_service_request(stack, signed_in):
    hana = await signed_in("hana")
    assert (await hana.get("/service-requests/new")).status_code == 200
    recorded = await hana.post("/service-requests", REQUEST)
    assert recorded.status_code == 303 and recorded.headers["location"] == "/service-requests"
    listing = (await hana.get("/service-requests")).text
    assert "Sam Tenant" in listing and "The boiler has no pressure" in listing
    request_id = listing.split('<td><a href="/service-requests/', 1)[1].split('"', 1)[0]
    assert f"Service request {request_id} recorded." in listing

    page = (await hana.get(f"/service-requests/{request_id}")).text
    assert "Sam Tenant" in page and 'class="button button--warning"' in page and "warning-text" in page
    unconfirmed = await hana.post(f"/service-requests/{request_id}/convert", {"reason": "because"})
    assert unconfirmed.status_code == 400
    assert "Choose why the request becomes a complaint" in unconfirmed.text
    assert "Tick the box to confirm: convert the request to a complaint" in unconfirmed.text
    converted = await hana.post(f"/service-requests/{request_id}/convert", {"reason": "dissatisfied", "confirm": "yes"})
    assert converted.status_code == 303, converted.text[:2000]
    reference = converted.headers["location"].rsplit("/", 1)[1]
    case_page = (await hana.get(f"/cases/{reference}")).text
    assert f"converted to complaint {reference}" in case_page
    assert "The boiler has no pressure" in case_page and "Sam Tenant" in case_page
    assert f'<a href="/service-requests/{request_id}">{request_id}</a> (converted)' in case_page, "a way back"
    assert f'<a href="/cases/{reference}">{reference}</a>' in (await hana.get(f"/service-requests/{request_id}")).text
    log = (await (await signed_in("aude")).get("/audit")).text
    assert f"{request_id} to {reference}: dissatisfied" in log
    assert request_id not in (await hana.get("/service-requests")).text  # no longer open
    again = await hana.post(f"/service-requests/{request_id}/convert")
    assert again.status_code == 303 and again.headers["location"] == f"/cases/{reference}"
    with Session(stack.engine) as session:
        assert session.get(ServiceRequest, request_id).converted_to == reference
        assert session.get(Complaint, reference).service_request_id == request_id


async def test_a_bad_service_request_names_the_field_and_records_nothing(stack, signed_in):
    hana = await signed_in("hana")
    before = _count(stack, ServiceRequest)
    for form, message in (
        ({"channel": "pigeon", "text": "x"}, "Channel: Input should be"),
        ({"channel": "phone", "text": ""}, "Text: Field required"),
        (REQUEST | {"resident.email": "not an email"}, "Resident.email: String should match pattern"),
        (REQUEST | {"policy": "nobody-homes"}, "Policy: "),
    ):
        response = await hana.post("/service-requests", form)
        assert response.status_code == 400, form
        assert message in response.text, (form, response.text.split("error-summary__list")[-1][:500])
    assert _count(stack, ServiceRequest) == before
    assert (await hana.post("/service-requests/SR-2026-00000000/convert")).status_code == 404
    assert (await hana.post("/service-requests/<script>/convert")).status_code == 404


@pytest.mark.parametrize(("username", "status"), [("hana", 200), ("mira", 200), ("rita", 403), ("aude", 403), ("adam", 403)])
async def test_only_handlers_and_managers_record_or_convert(stack, signed_in, username, status):
    staff = await signed_in(username)
    assert (await staff.get("/service-requests/new")).status_code == status
    before = _count(stack, ServiceRequest)
    response = await staff.post("/service-requests", REQUEST)
    assert response.status_code == (303 if status == 200 else 403)
    assert _count(stack, ServiceRequest) == before + (status == 200)
    if status == 403:
        assert (await staff.post("/service-requests/SR-2026-00000000/convert")).status_code == 403
        listing = await staff.get("/service-requests")
        assert listing.status_code == (200 if username in ("rita", "aude") else 403)
        assert "Convert to complaint" not in listing.text


async def test_a_service_request_is_resolved_behind_a_confirmation_and_then_cannot_be_converted(stack, signed_in):
    hana = await signed_in("hana")
    await hana.post("/service-requests", REQUEST | {"text": "Please clear the blocked gutter."})
    listing = (await hana.get("/service-requests")).text
    request_id = listing.split('<td><a href="/service-requests/', 1)[1].split('"', 1)[0]
    refused = await hana.post(f"/service-requests/{request_id}/resolve")
    assert refused.status_code == 400 and "Tick the box to confirm: the request is resolved" in refused.text
    assert (await hana.post(f"/service-requests/{request_id}/resolve", {"confirm": "yes"})).status_code == 303
    page = (await hana.get(f"/service-requests/{request_id}")).text
    assert "resolved</strong>" in page and "Convert to a complaint" not in page
    late = await hana.post(f"/service-requests/{request_id}/convert", {"reason": "asked", "confirm": "yes"})
    assert late.status_code == 409
    assert f">{request_id}<" not in (await hana.get("/service-requests")).text
    assert (await (await signed_in("aude")).get(f"/service-requests/{request_id}")).status_code == 200
