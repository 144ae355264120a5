"""The case page and its action forms, and intake, against the real worker on a dev server.

Forms are filled from the same models the app renders them from (`casework.forms.ACTION_FORMS`,
`Intake`), so the tests follow a field added to a command."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from models.presentation import long_date
from casework.forms import ACTION_FORMS
from casework.intake import Intake
from models.tables import CaseEvent
from tests.web_stack import filled, signed_in, stack  # noqa: F401 (fixtures)


def events(stack, reference: str) -> list[CaseEvent]:
    with Session(stack.engine) as session:
        return list(session.exec(select(CaseEvent).where(CaseEvent.reference == reference).order_by(CaseEvent.seq)))


async def act(staff, reference: str, action: str, **fields):
    page = await staff.get(f"/cases/{reference}")
    assert page.status_code == 200
    command_id = (
        page.text.split(f'/cases/{reference}/actions/{action}"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]
    )
    form = filled(ACTION_FORMS[action], **fields) | {"command_id": command_id, "confirm": "yes"}
    return await staff.post(f"/cases/{reference}/actions/{action}", form), form


async def test_case_page_shows_deadlines_timeline_history_link_and_only_allowed_actions(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    page = (await (await signed_in("hana")).get(f"/cases/{reference}")).text
    assert "Acknowledge at stage 1" in page and "working days left" in page
    assert "Temporal Web UI" not in page  # issue 26: the history link is for those who run the process
    assert f"/cases/{reference}/actions/acknowledge" in page
    assert f"/cases/{reference}/actions/respond" not in page  # not allowed before acknowledgement
    assert f"/cases/{reference}/actions/assign" not in page  # a manager's action
    auditor = (await (await signed_in("aude")).get(f"/cases/{reference}")).text
    assert "/actions/" not in auditor and "Auditors read cases" in auditor
    assert f"http://localhost:8233/namespaces/default/workflows/{reference}" in auditor


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
    assert "Acknowledge: done." in page or "Stage 1: acknowledged" in page
    assert "by Hana" in page and "by hana" not in page  # issue 26: people by name, not sign-in name


async def test_a_rejected_action_shows_the_error_summary_and_changes_nothing(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    (await act(hana, reference, "acknowledge"))[0]
    await stack.projected(reference, "stage1_acknowledged")
    before = len(events(stack, reference))
    response, _ = await act(hana, reference, "extend", working_days="999", reason="<script>x</script>")
    assert response.status_code == 400
    assert "There is a problem" in response.text and "How many more working days must be 60 or less" in response.text
    assert "<script>x</script>" not in response.text
    assert len(events(stack, reference)) == before


async def test_refusals_by_role_and_case_are_403_and_change_nothing(stack, signed_in):
    reference = await stack.start_case(handler="hana")
    form = filled(ACTION_FORMS["acknowledge"]) | {"command_id": "5d0c8a4e-2f6b-4c1e-9a37-0b8e1f2d3c4a"}
    for username, reason in (
        ("aude", "Auditors can read cases but not act"),
        ("hugo", "assigned to hana"),
        ("rita", "only on cases at stage 2"),
        ("adam", "Your role cannot read cases"),
    ):
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
    form = filled(Intake) | {"intake_id": intake_id, "text": "<script>alert(1)</script> The roof leaks"}
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
    form = filled(Intake) | {"intake_id": intake_id}
    first = await hana.post("/cases", form)
    again = await hana.post("/cases", form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]


def _command_id(page: str, reference: str, action: str) -> str:
    return page.split(f'/cases/{reference}/actions/{action}"', 1)[1].split('name="command_id" value="', 1)[1].split('"', 1)[0]


async def _acknowledged(stack, staff, handler: str = "hana") -> str:
    reference = await stack.start_case(handler=handler)
    response, _ = await act(staff, reference, "acknowledge")
    assert response.status_code == 303, response.text[:3000]
    await stack.projected(reference, "stage1_acknowledged")
    return reference


def _response(command_id: str, **rows) -> dict:
    """A stage 1 response deciding both points of `filled`'s definition, plus the given remedy and action rows."""
    form = {"command_id": command_id, "outcome": "partly_upheld"}
    for number, upheld in ((0, "true"), (1, "")):
        form |= {
            f"decisions.{number}.point": str(number + 1),
            f"decisions.{number}.upheld": upheld,
            f"decisions.{number}.reasons": "We checked the repair log and spoke to the contractor.",
        }
    return form | rows


async def test_respond_with_compensation_and_a_promised_action_then_complete_it(stack, signed_in):
    from casework.updates import case_summary
    from models.record import OutstandingAction, Remedy

    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    page = (await hana.get(f"/cases/{reference}")).text
    assert (
        'name="remedies.2.kind"' in page and 'name="actions.2.target_on-day"' in page and 'name="remedies.0.due_on-year"' in page
    )
    assert "Offset against rent arrears" not in page  # code-2024 does not allow it (Code 7.2)
    target = date.today() + timedelta(days=21)
    form = _response(
        _command_id(page, reference, "respond"),
        **{
            "remedies.0.kind": "compensation",
            "remedies.0.amount": "£150.50",
            "remedies.0.band": "some_impact",
            "remedies.0.due_on": target.isoformat(),
            "remedies.0.compensation_type": "distress_and_inconvenience",
            "remedies.0.description": "For the weeks without a usable kitchen",
            "remedies.1.kind": "apology",
            "remedies.1.description": "We are sorry the repair was cancelled twice",
            "actions.0.description": "Replace the kitchen roof",
            "actions.0.owner": "Repairs team",
            "actions.0.target_on": target.isoformat(),
        },
    )
    response = await hana.post(f"/cases/{reference}/actions/respond", form)
    assert response.status_code == 303, response.text[:3000]
    await stack.projected(reference, "stage1_responded")
    page = (await hana.get(f"/cases/{reference}")).text
    remedies = page.split("Remedies offered")[1].split("</table>")[0]
    assert "Compensation" in remedies and "&pound;150.50" in remedies and "distress and inconvenience" in remedies
    assert "guidance band: Maladministration with some impact" in remedies
    assert "We are sorry the repair was cancelled twice" in remedies
    outstanding = page.split('<h2 class="heading-m">Outstanding actions</h2>')[1].split("</table>")[0]
    assert "Replace the kitchen roof" in outstanding and "Repairs team" in outstanding
    assert long_date(target) in outstanding
    assert (
        f'action="/cases/{reference}/actions/complete_action"' in outstanding and 'name="action_id" value="s1-1"' in outstanding
    )
    with Session(stack.engine) as session:
        assert [(r.kind, r.amount_pence) for r in session.exec(select(Remedy).where(Remedy.reference == reference)).all()] == [
            ("compensation", 15050),
            ("apology", 0),
        ]

    await _complete(stack, hana, reference, outstanding, "s1-1")
    page = (await hana.get(f"/cases/{reference}")).text
    outstanding = page.split('<h2 class="heading-m">Outstanding actions</h2>')[1].split("</table>")[0]
    assert 'value="s1-1"' not in outstanding and "Complete action: done." in page
    # The compensation offered is a promised payment with its date, tracked like any promised action until paid.
    assert "Pay the compensation of £150.50" in outstanding and 'name="action_id" value="s1-pay-1"' in outstanding
    with Session(stack.engine) as session:
        remedy = session.exec(select(Remedy).where(Remedy.reference == reference, Remedy.kind == "compensation")).one()
        assert (remedy.band, remedy.payment_id) == ("some_impact", "s1-pay-1")
        assert session.get(OutstandingAction, (reference, "s1-pay-1")).target_on == target
    assert any(d.name == "action.s1-pay-1" and d.due == target for d in (await case_summary(stack.client, reference)).deadlines)
    await _complete(stack, hana, reference, outstanding, "s1-pay-1")  # paid
    outstanding = (
        (await hana.get(f"/cases/{reference}"))
        .text.split('<h2 class="heading-m">Outstanding actions</h2>')[1]
        .split("</table>")[0]
    )
    assert "Mark done" not in outstanding and "not yet" not in outstanding


async def _complete(stack, staff, reference: str, outstanding: str, action_id: str) -> None:
    """Press the first "Mark done" of the outstanding-actions table (for `action_id`) and wait for the record."""
    from models.record import OutstandingAction

    command_id = outstanding.split('name="command_id" value="', 1)[1].split('"', 1)[0]
    unconfirmed = await staff.post(
        f"/cases/{reference}/actions/complete_action", {"command_id": command_id, "action_id": action_id}
    )
    assert (
        unconfirmed.status_code == 400 and "Tick the box to confirm: mark the promised action done" in unconfirmed.text
    )  # issue 26
    done = await staff.post(
        f"/cases/{reference}/actions/complete_action", {"command_id": command_id, "action_id": action_id, "confirm": "yes"}
    )
    assert done.status_code == 303, done.text[:3000]
    for _ in range(100):
        with Session(stack.engine) as session:
            if session.get(OutstandingAction, (reference, action_id)).completed_on is not None:
                return
    raise AssertionError(f"{action_id} was not marked done in the record")


PAYABLE = {
    "remedies.0.kind": "compensation",
    "remedies.0.amount": "60",
    "remedies.0.band": "minimal_impact",
    "remedies.0.due_on": (date.today() + timedelta(days=30)).isoformat(),
}
"""A compensation remedy the form accepts: in a band of the remedies guidance, with a date to pay by."""


async def test_a_bad_remedy_names_the_field_and_writes_nothing(stack, signed_in):
    from models.record import OutstandingAction, Remedy

    hana = await signed_in("hana")
    reference = await _acknowledged(stack, hana)
    bad = [
        ({"remedies.0.kind": "compensation", "remedies.0.amount": "lots"}, "Remedy 1: amount must be a whole number"),
        ({"remedies.0.kind": "bribe"}, "Choose remedy 1: kind of remedy from the list"),
        ({**PAYABLE, "remedies.0.offset_against_arrears": "true"}, "does not allow offsetting compensation against arrears"),
        ({**PAYABLE, "remedies.0.compensation_type": "vouchers"}, "compensation_type: must be one of"),
        (
            {**PAYABLE, "remedies.0.amount": "40"},
            "Remedy 1: amount: must be from £50 to £100 for the band &#39;Service failure with a minimal impact&#39;",
        ),
        ({**PAYABLE, "remedies.0.band": ""}, "Remedy 1: band of the Ombudsman&#39;s guidance: choose the band"),
        (
            {**PAYABLE, "remedies.0.due_on": ""},
            "Remedy 1: date it will be done or paid by: compensation needs the date it will be paid by",
        ),
        (
            {"actions.0.description": "Fix it", "actions.0.owner": "Repairs", "actions.0.target_on": "someday"},
            "Promised action 1: target date must be a real date",
        ),
        (
            {
                "actions.0.description": "Fix it",
                "actions.0.target_on-day": "31",
                "actions.0.target_on-month": "2",
                "actions.0.target_on-year": "2030",
            },
            "Promised action 1: the date must be a real date",
        ),
        ({"actions.0.description": "Fix it"}, "Enter promised action 1: owner"),
    ]
    for rows, message in bad:
        page = (await hana.get(f"/cases/{reference}")).text
        response = await hana.post(
            f"/cases/{reference}/actions/respond", _response(_command_id(page, reference, "respond"), **rows)
        )
        assert response.status_code == 400, rows
        summary = response.text.split("error-summary__list")[1].split("</ul>")[0]
        assert message in response.text, (rows, summary[-400:])
    with Session(stack.engine) as session:
        assert session.exec(select(Remedy).where(Remedy.reference == reference)).first() is None
        assert session.exec(select(OutstandingAction).where(OutstandingAction.reference == reference)).first() is None
    assert "respond" not in [e.type for e in events(stack, reference)]
