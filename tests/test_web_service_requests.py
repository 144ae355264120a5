"""Service requests in the web UI (Code 1.2-1.3): recorded, listed while open, converted to a complaint
whose case page opens, against the real worker on a dev server."""

import pytest
from sqlmodel import Session, func, select

from models.record import Complaint, ServiceRequest
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


REQUEST = {
    "channel": "phone",
    "resident.name": "Sam Tenant",
    "resident.address": "4 Mill Lane",
    "text": "The boiler has no pressure; please send an engineer.",
}


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
        ({"channel": "pigeon", "text": "x"}, "Choose how the request was made from the list"),
        ({"channel": "phone", "text": ""}, "Enter what the resident is asking for"),
        (REQUEST | {"resident.email": "not an email"}, "Enter resident email in the correct format, like name@example.com"),
        (REQUEST | {"policy": "nobody-homes"}, "Landlord and complaints policy: "),
        (REQUEST | {"received_at-day": "3", "received_at-year": "2026"}, "Date the request was received must include a month"),
    ):
        response = await hana.post("/service-requests", form)
        assert response.status_code == 400, form
        summary = response.text.split("error-summary__list", 1)[1].split("</ul>", 1)[0]
        assert message in summary, (form, summary[:500])
        for pydantic_words in ("Field required", "Input should be", "String should", "validation"):
            assert pydantic_words not in response.text, (form, pydantic_words)
    assert _count(stack, ServiceRequest) == before
    assert (await hana.post("/service-requests/SR-2026-00000000/convert")).status_code == 404
    assert (await hana.post("/service-requests/<script>/convert")).status_code == 404


async def test_every_error_at_once_and_the_form_keeps_what_was_typed(stack, signed_in):
    hana = await signed_in("hana")
    before = _count(stack, ServiceRequest)
    typed = {
        "channel": "pigeon",
        "resident.name": "Sam Tenant",
        "resident.email": "sam-at-home",
        "received_at-day": "31",
        "received_at-month": "2",
        "received_at-year": "2026",
    }
    response = await hana.post("/service-requests", typed)
    assert response.status_code == 400
    summary = response.text.split("error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert summary.count("<li>") == 4, summary
    for message in (
        "Choose how the request was made from the list",
        "Enter what the resident is asking for",
        "Enter resident email in the correct format",
        "Date the request was received must be a real date",
    ):
        assert message in summary, (message, summary)
    assert 'href="#received_at"' in summary and 'href="#resident-email"' in summary, "each error links to its field"
    assert 'value="Sam Tenant"' in response.text and 'value="sam-at-home"' in response.text
    assert 'name="received_at-day" type="text" inputmode="numeric" value="31"' in response.text
    assert _count(stack, ServiceRequest) == before


async def test_the_received_date_typed_in_day_month_and_year_is_the_one_recorded(stack, signed_in):
    hana = await signed_in("hana")
    response = await hana.post(
        "/service-requests",
        REQUEST
        | {
            "text": "Please fix the door entry phone.",
            "received_at-day": "2",
            "received_at-month": "3",
            "received_at-year": "2026",
        },
    )
    assert response.status_code == 303, response.text.split("error-summary__list")[-1][:500]
    with Session(stack.engine) as session:
        row = session.exec(select(ServiceRequest).where(ServiceRequest.text == "Please fix the door entry phone.")).one()
    from models.calendar import local_date

    assert local_date(row.received_at).isoformat() == "2026-03-02"


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
