"""The case page shows an extension agreed after the landlord's contact window (Wolverhampton 002 §7.1) as late
contact against its policy (issue 24 item 4), through the real form, worker and read model."""

from datetime import datetime, timedelta, timezone

from casework.intake import Intake, ResidentDetails, file_complaint
from models.calendar import local_date
from tests.test_web_cases import act
from tests.web_stack import TASK_QUEUE, signed_in, stack  # noqa: F401 (fixtures)


async def test_an_extension_after_the_contact_window_shows_as_late_contact_on_the_case_page(stack, signed_in):
    received = datetime.now(timezone.utc) - timedelta(days=11)  # the window (10 days of receipt) ended yesterday
    intake = Intake(
        intake_id="late-contact-1",
        policy="wolverhampton-homes",
        channel="phone",
        handler="hana",
        received_at=received,
        resident=ResidentDetails(name="Resident Late", address="1 High Street"),
        text="The boiler has failed twice.",
    )
    reference = (await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference
    await stack.projected(reference)
    hana = await signed_in("hana")
    assert (await act(hana, reference, "acknowledge"))[0].status_code == 303
    await stack.projected(reference, "stage1_acknowledged")
    response, _ = await act(hana, reference, "extend", working_days="5", reason="contractor report", agreed_with_resident="on")
    assert response.status_code == 303, response.text[:2000]
    await stack.projected(reference, "stage1_extended")
    page = (await hana.get(f"/cases/{reference}")).text
    contact_due = (local_date(received) + timedelta(days=10)).isoformat()
    assert f"contact due: {contact_due}; late contact: True" in page  # on the extension's row of the timeline
