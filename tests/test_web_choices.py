"""Issue 16 bugs 3-5 and must-exist 1, 3-6: what a team sees when it picks, types dates, gets something
wrong and works its queues (the real worker on a dev server)."""

from datetime import date, timedelta

import pytest

from sqlmodel import Session

from casework.intake import Intake
from models.record import Representative
from models.tables import Case
from tests.test_web_cases import _acknowledged, _command_id, _response, act, events
from tests.web_stack import filled, signed_in, stack  # noqa: F401 (fixtures)


def _intake_id(page: str) -> str:
    return page.split('name="intake_id" value="', 1)[1].split('"', 1)[0]


async def test_intake_offers_people_landlords_and_nations_by_name_and_refuses_what_is_not_there(stack, signed_in):
    hana = await signed_in("hana")
    page = (await hana.get("/cases/new")).text
    assert '<option value="hana" >Hana (complaints handler)</option>' in page.replace("selected", "")
    assert ">Together Housing Association</option>" in page and ">Wales</option>" in page
    assert 'name="received_at-day"' in page and 'name="issue_date-month"' in page
    tomorrow = date.today() + timedelta(days=2)
    cases = {
        "nobody": ({"handler": "nobody"}, "Handler: choose a member of staff from the list"),
        "future": (
            {
                "received_at-day": str(tomorrow.day),
                "received_at-month": str(tomorrow.month),
                "received_at-year": str(tomorrow.year),
            },
            "must not be in the future",
        ),
        "half a date": (
            {"received_at-day": "3", "received_at-year": "2026"},
            "Date the complaint was received must include a month",
        ),
        "no such link": ({"linked_to": "CMP-2020-999999"}, "there is no case CMP-2020-999999"),
        "no such request": ({"service_request_id": "sr-nope"}, "there is no service request sr-nope"),
    }
    for name, (fields, message) in cases.items():
        page = (await hana.get("/cases/new")).text
        form = filled(Intake) | {"intake_id": _intake_id(page), "text": "The lift has been broken for a month"} | fields
        response = await hana.post("/cases", form)
        assert response.status_code == 400, name
        assert message in response.text, (name, response.text.split("error-summary__list")[1][:500])
        assert "The lift has been broken for a month" in response.text  # what was typed is kept
    empty = await hana.post("/cases", {"intake_id": _intake_id(page)})
    summary = empty.text.split("error-summary__list")[1].split("</ul>")[0]
    assert "Choose how the complaint was made" in summary and "Enter what the complaint is about" in summary
    assert "Field required" not in empty.text


async def test_assign_picks_an_active_account_and_a_handler_can_take_an_unassigned_case(stack, signed_in):
    reference = await stack.start_case(handler=None)
    mira = await signed_in("mira")
    page = (await mira.get(f"/cases/{reference}")).text
    assign = page.split(f'/cases/{reference}/actions/assign"', 1)[1].split("</form>", 1)[0]
    assert '<select class="select" id="assign-handler"' in assign and ">Hana (complaints handler)</option>" in assign
    refused, _ = await act(mira, reference, "assign", handler="Hana")
    assert refused.status_code == 400 and "choose a member of staff from the list" in refused.text
    hana = await signed_in("hana")
    dashboard = (await hana.get("/")).text
    unassigned = dashboard.split('id="unassigned"', 1)[1].split("</table>", 1)[0]
    assert reference in unassigned and "Assign to me" in unassigned
    taken = await hana.post(f"/cases/{reference}/take", {})
    assert taken.status_code == 303, taken.text[:2000]
    for _ in range(100):
        if (await stack.projected(reference)).handler == "hana":
            break
    assert (await stack.projected(reference)).handler == "hana"
    mine = (await hana.get("/")).text.split('id="mine"', 1)[1].split("</table>", 1)[0]
    assert reference in mine and "Acknowledge at stage 1" in mine


@pytest.mark.parametrize("row", [0, 1])
async def test_a_promised_action_in_the_past_is_refused_on_its_row_and_every_decision_is_kept(stack, signed_in, row):
    """The first row, or the second with the first left empty: the refusal lands on the row it was typed in."""
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    page = (await hana.get(f"/cases/{reference}")).text
    past = date.today() - timedelta(days=3)
    form = _response(
        _command_id(page, reference, "respond"),
        **{
            "decisions.0.upheld": "true",
            "decisions.0.reasons": "The repair was cancelled twice without telling you",
            "remedies.0.kind": "apology",
            "remedies.0.description": "We are sorry",
            f"actions.{row}.description": "Replace the roof",
            f"actions.{row}.owner": "Repairs team",
            f"actions.{row}.target_on-day": str(past.day),
            f"actions.{row}.target_on-month": str(past.month),
            f"actions.{row}.target_on-year": str(past.year),
        },
    )
    response = await hana.post(f"/cases/{reference}/actions/respond", form)
    assert response.status_code == 400
    summary = response.text.split("error-summary__list")[1].split("</ul>")[0]
    assert f'href="#respond-actions-{row}-target_on"' in summary and "must be a date from today" in summary
    assert f'id="respond-actions-{row}-target_on-error"' in response.text
    assert "The repair was cancelled twice without telling you</textarea>" in response.text
    assert 'name="decisions.0.upheld" value="true" checked' in response.text
    assert f'name="actions.{row}.target_on-day" type="text" inputmode="numeric" value="{past.day}"' in response.text
    assert "respond" not in [e.type for e in events(stack, reference)]


async def test_an_action_remedy_is_issued_with_its_date(stack, signed_in):
    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    page = (await hana.get(f"/cases/{reference}")).text
    by = date.today() + timedelta(days=30)
    form = _response(
        _command_id(page, reference, "respond"),
        **{
            "remedies.0.kind": "action",
            "remedies.0.description": "Inspect the loft insulation",
            "remedies.0.due_on-day": str(by.day),
            "remedies.0.due_on-month": str(by.month),
            "remedies.0.due_on-year": str(by.year),
        },
    )
    response = await hana.post(f"/cases/{reference}/actions/respond", form)
    assert response.status_code == 303, response.text.split("error-summary__list")[1][:800]
    await stack.projected(reference, "stage1_responded")


async def test_withdraw_needs_confirmation_and_is_a_warning_button(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    page = (await hana.get(f"/cases/{reference}")).text
    withdraw = page.split(f'/cases/{reference}/actions/withdraw"', 1)[1].split("</form>", 1)[0]
    assert 'class="button button--warning"' in withdraw and "Yes, withdraw the complaint" in withdraw
    form = {"command_id": _command_id(page, reference, "withdraw")}
    unconfirmed = await hana.post(f"/cases/{reference}/actions/withdraw", form)
    assert unconfirmed.status_code == 400 and "Tick the box to confirm: withdraw the complaint" in unconfirmed.text
    assert [e.type for e in events(stack, reference)] == ["received"]
    done = await hana.post(f"/cases/{reference}/actions/withdraw", form | {"confirm": "yes"})
    assert done.status_code == 303
    await stack.projected(reference, "withdrawn")
    page = (await hana.get(f"/cases/{reference}")).text
    deadlines = page.split('<h2 class="heading-m">Deadlines</h2>', 1)[1].split("</table>", 1)[0]
    assert "cancelled" in deadlines and "working days left" not in deadlines


async def test_the_case_page_shows_the_representative_and_records_consent_inline(stack, signed_in):
    from casework.intake import RepresentativeDetails, ResidentDetails, file_complaint
    from tests.web_stack import TASK_QUEUE

    filed = await file_complaint(
        stack.client,
        stack.engine,
        Intake(
            intake_id="rep-consent-1",
            channel="phone",
            handler="hana",
            resident=ResidentDetails(
                name="Rosa Resident", address="2 Low Road", phone="01632 960001", preferred_contact="phone, mornings"
            ),
            representative=RepresentativeDetails(name="Sam Advocate", relationship="son"),
            text="Damp in the bedroom",
        ),
        TASK_QUEUE,
    )
    await stack.projected(filed.reference)
    hana = await signed_in("hana")
    page = (await hana.get(f"/cases/{filed.reference}")).text
    panel = page.split('id="resident"', 1)[1].split("</dl>", 1)[0]
    assert "Rosa Resident" in panel and "01632 960001" in panel and "phone, mornings" in panel
    assert "Sam Advocate (son)" in panel and "no consent on file" in panel and "Record consent for Sam Advocate" in panel
    command_id = panel.split('name="command_id" value="', 1)[1].split('"', 1)[0]
    with Session(stack.engine) as session:
        rep_id = (
            session.get(Case, filed.reference)
            and session.exec(__import__("sqlmodel").select(Representative).where(Representative.name == "Sam Advocate"))
            .first()
            .id
        )
    response = await hana.post(
        f"/cases/{filed.reference}/actions/record_consent",
        {"command_id": command_id, "representative_id": rep_id, "given": "true"},
    )
    assert response.status_code == 303, response.text[:2000]
    for _ in range(100):
        page = (await hana.get(f"/cases/{filed.reference}")).text
        if "consent on file" in page and "no consent on file" not in page:
            break
    assert "no consent on file" not in page and "consent on file" in page
