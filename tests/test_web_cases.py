"""The case page and its action forms, and intake, against the real worker on a dev server.

Forms are filled from the same models the app renders them from (`starter.casework.ACTION_FORMS`,
`Intake`), so the tests follow a field added to a command."""

import pytest
from sqlmodel import Session, select

from models.tables import CaseEvent
from tests.web_stack import filled, signed_in, stack  # noqa: F401 (fixtures)

casework = pytest.importorskip("starter.casework", reason="starter/casework.py (the lead's service layer) is not on this branch yet")

def events(stack, reference: str) -> list[CaseEvent]:
    with Session(stack.engine) as session:
        return list(session.exec(select(CaseEvent).where(CaseEvent.reference == reference).order_by(CaseEvent.seq)))


async def act(staff, reference: str, action: str, **fields):
    page = await staff.get(f"/cases/{reference}")
    assert page.status_code == 200
    command_id = page.text.split(f'/cases/{reference}/actions/{action}"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]
    form = filled(casework.ACTION_FORMS[action], **fields) | {"command_id": command_id}
    return await staff.post(f"/cases/{reference}/actions/{action}", form), form


async def test_case_page_shows_deadlines_timeline_history_link_and_only_allowed_actions(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    page = (await (await signed_in("hana")).get(f"/cases/{reference}")).text
    assert "Stage1 acknowledge" in page and "working days left" in page
    assert f"http://localhost:8233/namespaces/default/workflows/{reference}" in page
    assert f"/cases/{reference}/actions/acknowledge" in page
    assert f"/cases/{reference}/actions/respond" not in page  # not allowed before acknowledgement
    assert f"/cases/{reference}/actions/assign" not in page  # a manager's action
    auditor = (await (await signed_in("aude")).get(f"/cases/{reference}")).text
    assert "/actions/" not in auditor and "Auditors read cases" in auditor


async def test_acknowledge_through_the_form_moves_the_case_once_even_if_sent_twice(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    response, form = await act(hana, reference, "acknowledge")
    assert response.status_code == 303, response.text[:3000]
    again = await hana.post(f"/cases/{reference}/actions/acknowledge", form)
    assert again.status_code in (303, 400)
    await stack.projected(reference, "stage1_acknowledged")
    assert [e.type for e in events(stack, reference)].count("acknowledge") == 1
    page = (await hana.get(f"/cases/{reference}")).text
    assert "Acknowledge: done." in page or "stage1 acknowledged" in page
    assert "by hana" in page


async def test_a_rejected_action_shows_the_error_summary_and_changes_nothing(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    (await act(hana, reference, "acknowledge"))[0]
    await stack.projected(reference, "stage1_acknowledged")
    before = len(events(stack, reference))
    response, _ = await act(hana, reference, "extend", working_days="999", reason="<script>x</script>")
    assert response.status_code == 400
    assert "There is a problem" in response.text and "Working days" in response.text
    assert "<script>x</script>" not in response.text
    assert len(events(stack, reference)) == before


async def test_refusals_by_role_and_case_are_403_and_change_nothing(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    form = filled(casework.ACTION_FORMS["acknowledge"]) | {"command_id": "refused-1"}
    for username, reason in (("aude", "Auditors can read cases but not act"), ("hugo", "assigned to hana"), ("rita", "only on cases at stage 2"), ("adam", "Your role cannot read cases")):
        staff = await signed_in(username)
        response = await staff.post(f"/cases/{reference}/actions/acknowledge", form)
        assert response.status_code == 403 and reason in response.text, username
    assert [e.type for e in events(stack, reference)] == ["received"]


async def test_unknown_case_action_and_missing_token_are_4xx(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    assert (await hana.post(f"/cases/{reference}/actions/launch_rockets", {"command_id": "x"})).status_code == 404
    assert (await hana.post("/cases/CMP-2026-999999/actions/acknowledge", {"command_id": "x"})).status_code == 404
    assert (await hana.post(f"/cases/{reference}/actions/acknowledge", {"command_id": "x"}, csrf=False)).status_code == 403
    assert (await hana.post(f"/cases/{reference}/actions/acknowledge", {})).status_code == 400


async def test_intake_files_a_complaint_and_bad_intake_names_the_fields(stack, signed_in):
    hana = await signed_in("hana")
    page = await hana.get("/cases/new")
    assert page.status_code == 200
    intake_id = page.text.split('name="intake_id" value="', 1)[1].split('"', 1)[0]
    empty = await hana.post("/cases", {"intake_id": intake_id})
    assert empty.status_code == 400 and "There is a problem" in empty.text
    form = filled(casework.Intake) | {"intake_id": intake_id, "text": "<script>alert(1)</script> The roof leaks"}
    filed = await hana.post("/cases", form)
    assert filed.status_code == 303, filed.text[:3000]
    reference = filed.headers["location"].rsplit("/", 1)[1]
    await stack.projected(reference)
    case_page = (await hana.get(f"/cases/{reference}")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; The roof leaks" in case_page


@pytest.mark.parametrize(("username", "status"), [("hana", 200), ("mira", 200), ("rita", 403), ("aude", 403), ("adam", 403)])
async def test_only_handlers_and_managers_open_the_intake_form(stack, signed_in, username, status):
    staff = await signed_in(username)
    assert (await staff.get("/cases/new")).status_code == status
    refused = await staff.post("/cases", {"intake_id": f"matrix-{username}"})
    assert refused.status_code == (400 if status == 200 else 403)


async def test_a_resent_intake_form_files_one_complaint(stack, signed_in):
    hana = await signed_in("hana")
    page = await hana.get("/cases/new")
    intake_id = page.text.split('name="intake_id" value="', 1)[1].split('"', 1)[0]
    form = filled(casework.Intake) | {"intake_id": intake_id}
    first = await hana.post("/cases", form)
    again = await hana.post("/cases", form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
