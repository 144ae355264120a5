"""Intake and conversion are all or nothing, and closures reach every case, with Temporal really down
(issue 18, item 6): the web app's client points at a port where nothing listens, as when Temporal is
stopped; the same app with the real dev server then completes what was sent again."""

import asyncio

from sqlmodel import Session, func, select

from casework.calendar_changes import keep_retrying_replans, pending_replans
from casework.intake import Intake
from models.record import Complaint, Representative, Resident, ServiceRequest
from models.tables import Case, CaseDeadline, PendingReplan
from tests.test_web_errors import assert_secure_page, temporal_down  # noqa: F401 (fixture)
from tests.web_stack import filled, signed_in, stack  # noqa: F401 (fixtures)


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
                for model in (Complaint, Resident, Representative, Case)}


def said_nothing_was_saved(response) -> None:
    assert response.status_code == 503 and response.headers["retry-after"] == "60", response.text[:2000]
    assert "The service is not available at the moment" in response.text and "nothing was saved" in response.text
    assert_secure_page(response)


async def test_intake_with_temporal_down_leaves_no_rows_and_sending_it_again_files_it_once(stack, signed_in, temporal_down):
    down = stack.browser(app=temporal_down)
    await down.sign_in("hana")
    page = await down.get("/cases/new")
    intake_id = page.text.split('name="intake_id" value="', 1)[1].split('"', 1)[0]
    form = filled(Intake) | {"intake_id": intake_id}
    before = counts(stack.engine)
    said_nothing_was_saved(await down.post("/cases", form))
    assert counts(stack.engine) == before, "no complaint, resident or representative without its case"

    hana = await signed_in("hana")  # Temporal is back: the same form, sent again, files it once
    first, again = await hana.post("/cases", form), await hana.post("/cases", form)
    assert first.status_code == again.status_code == 303 and first.headers["location"] == again.headers["location"]
    reference = first.headers["location"].rsplit("/", 1)[1]
    await stack.projected(reference)
    assert counts(stack.engine)["Complaint"] == before["Complaint"] + 1
    assert (await stack.client.get_workflow_handle(reference).describe()).id == reference


async def test_converting_a_service_request_with_temporal_down_changes_nothing(stack, signed_in, temporal_down):
    hana = await signed_in("hana")
    recorded = await hana.post("/service-requests", {"channel": "phone", "resident.name": "Sam Tenant", "text": "No hot water"})
    assert recorded.status_code == 303, recorded.text[:2000]
    with Session(stack.engine) as session:
        request_id = session.exec(select(ServiceRequest.id).where(ServiceRequest.status == "open")).first()
    down = stack.browser(app=temporal_down)
    await down.sign_in("hana")
    before = counts(stack.engine)
    confirmed = {"reason": "asked", "confirm": "yes"}  # the warning's reason and tick (the request's own page)
    said_nothing_was_saved(await down.post(f"/service-requests/{request_id}/convert", confirmed))
    assert counts(stack.engine) == before
    with Session(stack.engine) as session:
        request = session.get(ServiceRequest, request_id)
        assert (request.status, request.converted_to) == ("open", None)

    converted = await hana.post(f"/service-requests/{request_id}/convert", confirmed)
    assert converted.status_code == 303 and converted.headers["location"].startswith("/cases/CMP-")


async def test_a_closure_added_while_temporal_is_down_is_replanned_once_it_is_back(stack, signed_in, temporal_down):
    reference = await stack.start_case(handler="hana", landlord="wrekin")
    closure, due, expected = stack.closure_ahead(reference)

    admin = stack.browser(app=temporal_down)
    await admin.sign_in("adam")
    response = await admin.post("/closures", {"landlord": "wrekin", "day": closure.isoformat(), "reason": "boiler room flood"})
    assert response.status_code == 303
    page = (await admin.get("/closures")).text
    assert "could not be reached now and will be re-planned as soon as the case system answers" in page
    assert reference in pending_replans(stack.engine)
    with Session(stack.engine) as session:
        assert session.get(PendingReplan, reference).attempts == 1
        assert session.get(CaseDeadline, (reference, "stage1.acknowledge")).due == due, "not re-planned yet"

    retrying = asyncio.create_task(keep_retrying_replans(stack.engine, stack.client, every=0.2))  # the worker's loop
    try:
        for _ in range(200):
            with Session(stack.engine) as session:
                moved = session.get(CaseDeadline, (reference, "stage1.acknowledge")).due
            if moved == expected and not pending_replans(stack.engine):
                break
            await asyncio.sleep(0.1)
    finally:
        retrying.cancel()
    assert moved == expected != due and pending_replans(stack.engine) == []
