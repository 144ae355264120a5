"""Intake and conversion are all or nothing, and closures reach every case, with Temporal really down
(issue 18, item 6): the web app's client points at a port where nothing listens, as when Temporal is
stopped; the same app with the real dev server then completes what was sent again."""

import asyncio

from sqlmodel import Session, func, select

from casework.intake import Intake
from models.record import Complaint, Representative, Resident, ServiceRequest
from models.tables import Case, CaseDeadline, ClosureDay
from tests.test_web_errors import assert_secure_page, temporal_down  # noqa: F401 (fixture)
from tests.web_stack import filled, signed_in, stack  # noqa: F401 (fixtures)


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Complaint, Resident, Representative, Case)
        }


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


async def test_a_closure_added_while_temporal_is_down_is_not_saved_and_sending_it_again_replans(stack, signed_in, temporal_down):
    """The fan-out workflow's start is the durable record of a calendar change: with Temporal down the
    closure is refused and not kept, so no case can miss it; sent again once Temporal is back, it is
    saved and reaches the case."""
    reference = await stack.start_case(handler="hana", landlord="wrekin")
    closure, due, expected = stack.closure_ahead(reference)
    form = {"landlord": "wrekin", "day": closure.isoformat(), "reason": "boiler room flood"}

    admin = stack.browser(app=temporal_down)
    await admin.sign_in("adam")
    said_nothing_was_saved(await admin.post("/closures", form))
    with Session(stack.engine) as session:
        assert session.get(ClosureDay, ("wrekin", closure)) is None, "a closure no case was told of is not kept"
        assert session.get(CaseDeadline, (reference, "stage1.acknowledge")).due == due

    adam = await signed_in("adam")
    assert (await adam.post("/closures", form)).status_code == 303
    for _ in range(200):
        with Session(stack.engine) as session:
            moved = session.get(CaseDeadline, (reference, "stage1.acknowledge")).due
        if moved == expected:
            break
        await asyncio.sleep(0.1)
    assert moved == expected != due
